import type { Rng } from '../core/rng'
import type { Batch, DatasetSource, SampleOptions } from '../core/data'
import { ZsnasError } from '../core/errors'
import { normalizationLut, type Normalization } from './normalization'

/**
 * The shared batch sampler: picks distinct images with the rng, applies the
 * reference train-time augmentation to the uint8 image, normalises, and
 * writes NHWC float32.
 *
 * Augmentation (reference-implementation.md §6, torchvision order):
 * RandomHorizontalFlip(0.5) → RandomCrop(size, padding=pad) with zero
 * padding of the uint8 image → ToTensor → Normalize. Per image the rng is
 * consumed in a fixed order: one `next()` for the flip (flip iff < 0.5), then
 * `int(2·pad+1)` for the crop row offset and `int(2·pad+1)` for the column
 * offset (torchvision draws i, j uniformly in [0, 2·pad]).
 */

/** How a uint8 image is laid out in memory. */
export type PixelLayout = 'planar' | 'nhwc'

/**
 * Decoded uint8 images of one size, addressed as records in one buffer:
 * image i starts at `i*recordBytes + headerBytes`. 'planar' = R plane, G
 * plane, B plane (CIFAR, ImageNet16 pickles); 'nhwc' = interleaved RGB.
 */
export interface U8Images {
  data: Uint8Array
  count: number
  size: number
  recordBytes: number
  headerBytes: number
  layout: PixelLayout
  /** `labels[i]` in [0, numClasses) */
  labels: Int32Array
  numClasses: number
}

export interface AugmentPolicy {
  /** zero padding (pixels) of the random crop; 0 disables the crop */
  pad: number
  /** random horizontal flip with p = 0.5 */
  flip: boolean
}

/** Validates a requested batch size against the number of images. */
export function checkBatchSize(n: number, count: number, label: string): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new ZsnasError('INVALID_OPTION', `batch size must be a positive integer, got ${n}`, { n })
  }
  if (n > count) {
    throw new ZsnasError('INVALID_OPTION', `batch size ${n} exceeds the ${count} images of ${label}; expected at most ${count}`, { n, count })
  }
}

/**
 * The float output of an n-image batch of `per` floats each: `out` when the
 * caller supplied one (checked to have exactly n·per floats), else a new array.
 */
export function batchOutput(n: number, per: number, out: Float32Array | undefined): Float32Array {
  if (out === undefined) return new Float32Array(n * per)
  if (!(out instanceof Float32Array) || out.length !== n * per) {
    const got = out instanceof Float32Array ? `${out.length} floats` : String(out)
    throw new ZsnasError('INVALID_OPTION', `sampleBatch out buffer must be a Float32Array of ${n * per} floats (n = ${n} images of ${per}), got ${got}`, { n, per })
  }
  return out
}

/**
 * `n` distinct indices in [0, count), uniformly at random, in random order:
 * a partial Fisher–Yates shuffle over a virtual identity array (O(n) memory).
 */
export function sampleDistinct(count: number, n: number, rng: Rng): Int32Array {
  const swapped = new Map<number, number>()
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(count - i)
    const vi = swapped.get(i) ?? i
    const vj = swapped.get(j) ?? j
    out[i] = vj
    swapped.set(j, vi)
  }
  return out
}

/** Per-image augmentation draw (see the module comment for the rng order). */
export interface AugmentDraw {
  flip: boolean
  dy: number
  dx: number
}

export function drawAugment(policy: AugmentPolicy, rng: Rng): AugmentDraw {
  const flip = policy.flip ? rng.next() < 0.5 : false
  const dy = policy.pad > 0 ? rng.int(2 * policy.pad + 1) : policy.pad
  const dx = policy.pad > 0 ? rng.int(2 * policy.pad + 1) : policy.pad
  return { flip, dy, dx }
}

const NO_AUGMENT: AugmentDraw = { flip: false, dy: 0, dx: 0 }

/**
 * Writes one augmented, normalised image into `out` (NHWC, `size`×`size`×3
 * starting at `outOff`). Output pixel (y, x) is the flipped source padded by
 * `pad` zeros and cropped at (dy, dx): source row y+dy−pad and column
 * x+dx−pad of the flipped image, or uint8 0 outside the image.
 *
 * Implementation: crop and flip are resolved per output row by index
 * arithmetic (the in-image column range [x0, x1) and a ±1-pixel source step);
 * each row is then one `writeRow` run plus constant padding runs — no
 * per-pixel branches or calls, no intermediate arrays.
 */
export function writeImage(
  out: Float32Array,
  outOff: number,
  src: Uint8Array,
  srcOff: number,
  size: number,
  layout: PixelLayout,
  lut: Float32Array,
  pad: number,
  draw: AugmentDraw,
): void {
  const planar = layout === 'planar'
  const cStride = planar ? size * size : 1 // distance between channels of one pixel
  const pxStride = planar ? 1 : 3 // distance between neighbouring pixels in a row
  const shift = draw === NO_AUGMENT ? 0 : pad
  const padR = lut[0], padG = lut[256], padB = lut[512]
  // output columns [x0, x1) read inside the image; the rest is zero padding
  const x0 = Math.max(0, shift - draw.dx)
  const x1 = Math.min(size, size + shift - draw.dx)
  const step = draw.flip ? -pxStride : pxStride
  const rx0 = x0 + draw.dx - shift
  const col0 = draw.flip ? size - 1 - rx0 : rx0
  let o = outOff
  for (let y = 0; y < size; y++) {
    const ry = y + draw.dy - shift
    if (ry < 0 || ry >= size || x1 <= x0) {
      o = fillPixels(out, o, size, padR, padG, padB)
      continue
    }
    if (x0 > 0) o = fillPixels(out, o, x0, padR, padG, padB)
    o = writeRow(out, o, src, srcOff + (ry * size + col0) * pxStride, step, cStride, x1 - x0, lut)
    if (x1 < size) o = fillPixels(out, o, size - x1, padR, padG, padB)
  }
}

/**
 * The pixel kernel shared by every uint8 source: writes `count` RGB pixels to
 * `out` from `o` on (3 floats each), reading source pixel k's channel c at
 * `src[p + k·step + c·cStride]` and mapping it through `lut[c·256 + v]`
 * (see `normalizationLut`). `step` < 0 walks a row backwards (horizontal
 * flip). Returns the output position after the run.
 */
export function writeRow(out: Float32Array, o: number, src: Uint8Array, p: number, step: number, cStride: number, count: number, lut: Float32Array): number {
  const c2 = cStride + cStride
  for (let k = 0; k < count; k++) {
    out[o] = lut[src[p]]
    out[o + 1] = lut[256 + src[p + cStride]]
    out[o + 2] = lut[512 + src[p + c2]]
    o += 3
    p += step
  }
  return o
}

/** Writes `count` copies of the RGB pixel (r, g, b) from `o` on; returns the position after them. */
function fillPixels(out: Float32Array, o: number, count: number, r: number, g: number, b: number): number {
  for (let k = 0; k < count; k++) {
    out[o] = r
    out[o + 1] = g
    out[o + 2] = b
    o += 3
  }
  return o
}

/**
 * A `DatasetSource` over decoded uint8 images held in memory. Read-only and
 * safe to reuse; `sampleBatch` is a pure function of the rng state.
 */
export class U8DatasetSource implements DatasetSource {
  readonly kind: string
  readonly label: string
  readonly count: number
  readonly numClasses: number
  readonly imageSize: number
  readonly images: U8Images
  readonly normalization: Normalization
  readonly augmentPolicy: AugmentPolicy
  private readonly lut: Float32Array

  constructor(o: { kind: string; label: string; images: U8Images; normalization: Normalization; augment: AugmentPolicy }) {
    this.kind = o.kind
    this.label = o.label
    this.images = o.images
    this.count = o.images.count
    this.numClasses = o.images.numClasses
    this.imageSize = o.images.size
    this.normalization = o.normalization
    this.augmentPolicy = o.augment
    this.lut = normalizationLut(o.normalization)
    if (this.count === 0) throw new ZsnasError('EMPTY_DATASET', `${o.label} holds no images; expected at least one`)
  }

  sampleBatch(n: number, rng: Rng, opts: SampleOptions = {}): Batch {
    checkBatchSize(n, this.count, this.label)
    const augment = opts.augment ?? true
    const s = this.imageSize
    const per = s * s * 3
    const x = batchOutput(n, per, opts.out)
    const idx = sampleDistinct(this.count, n, rng)
    const labels = new Int32Array(n)
    const im = this.images
    for (let k = 0; k < n; k++) {
      const i = idx[k]
      const draw = augment ? drawAugment(this.augmentPolicy, rng) : NO_AUGMENT
      writeImage(x, k * per, im.data, i * im.recordBytes + im.headerBytes, s, im.layout, this.lut, this.augmentPolicy.pad, draw)
      labels[k] = im.labels[i]
    }
    return { x, shape: [n, s, s, 3], labels, numClasses: this.numClasses }
  }

  /** The raw uint8 RGBA pixels of image i (for previews/thumbnails). */
  rgba(i: number): Uint8Array {
    const s = this.imageSize, im = this.images
    const off = i * im.recordBytes + im.headerBytes
    const out = new Uint8Array(s * s * 4)
    for (let p = 0; p < s * s; p++) {
      for (let c = 0; c < 3; c++) out[p * 4 + c] = im.layout === 'planar' ? im.data[off + c * s * s + p] : im.data[off + p * 3 + c]
      out[p * 4 + 3] = 255
    }
    return out
  }
}
