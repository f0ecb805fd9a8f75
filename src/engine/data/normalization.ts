/**
 * Per-dataset normalisation and augmentation constants of the reference
 * implementation (reference-implementation.md §6). Means/stds are on the
 * 0..1 scale: the pipeline is uint8 → /255 → (v − mean) / std.
 */
export interface Normalization {
  mean: readonly [number, number, number]
  std: readonly [number, number, number]
}

export const CIFAR10_NORM: Normalization = {
  mean: [125.3 / 255, 123.0 / 255, 113.9 / 255],
  std: [63.0 / 255, 62.1 / 255, 66.7 / 255],
}

export const CIFAR100_NORM: Normalization = {
  mean: [129.3 / 255, 124.1 / 255, 112.4 / 255],
  std: [68.2 / 255, 65.4 / 255, 70.4 / 255],
}

export const IMAGENET16_NORM: Normalization = {
  mean: [122.68 / 255, 116.66 / 255, 104.01 / 255],
  std: [63.22 / 255, 61.26 / 255, 65.09 / 255],
}

/** ImageNet-1k (MobileNetV2 search, image folders). */
export const IMAGENET_NORM: Normalization = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
}

/**
 * Per-channel lookup tables: `lut[c*256 + v]` is the float32 value of
 * uint8 `v` in channel `c` after /255 and normalisation (computed in float64,
 * rounded once to float32). Zero-padding pixels (v = 0) map to −mean/std,
 * exactly as normalising a zero-padded uint8 image does in the reference.
 */
export function normalizationLut(norm: Normalization): Float32Array {
  const lut = new Float32Array(3 * 256)
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - norm.mean[c]) / norm.std[c]
  }
  return lut
}
