/**
 * ePADS input: the clean batch x and its Gaussian-perturbed copy x + ε stacked
 * into one 2B-sample NHWC buffer (clean rows first), which the network sees in
 * ONE forward pass so that training-mode BatchNorm normalises both halves
 * with the same batch statistics (as the reference code's `torch.cat`).
 */
import { ZsnasError } from '../../core/errors'
import type { Rng } from '../../core/rng'

/**
 * ε ~ N(0, σ²) per element, `length` values, drawn from `rng` in element
 * order (NHWC, sample by sample). Same rng state ⇒ bit-identical ε.
 * σ = 0 gives exact zeros (and still consumes the rng the same way).
 */
export function gaussianNoise(length: number, sigma: number, rng: Rng): Float32Array {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) {
    throw new ZsnasError('INVALID_OPTION', `ePADS sigma must be a finite number ≥ 0, got ${sigma}`)
  }
  const out = new Float32Array(length)
  for (let i = 0; i < length; i++) out[i] = sigma * rng.normal()
  return out
}

/**
 * Returns [x; x + ε] as one Float32Array of 2·x.length values (float32
 * addition, like PyTorch). `noise` must have exactly x.length values.
 */
export function stackPerturbed(x: Float32Array, noise: Float32Array): Float32Array {
  if (noise.length !== x.length) {
    throw new ZsnasError('BAD_SHAPE', `ePADS perturbation has ${noise.length} values, expected ${x.length} (one per input element)`)
  }
  const out = new Float32Array(2 * x.length)
  out.set(x, 0)
  const n = x.length
  for (let i = 0; i < n; i++) out[n + i] = x[i] + noise[i] // stored as float32: same rounding as a float32 add
  return out
}
