/**
 * ePADS per-ReLU terms (Huang et al., "Efficient perturbation-aware
 * distinguishing score", Applied Soft Computing 2025; method notes
 * `wrcor-method.md` §7).
 *
 * One hooked ReLU call sees an input tensor of 2B samples: rows [0, B) come
 * from the clean batch x, rows [B, 2B) from the perturbed copy x + ε, in the
 * same order. With c = [F > 0] (clean half) and c̃ = [F̃ > 0] (perturbed half),
 * both flattened per sample:
 *   D₁ = Σ |c − c_π|   (c_π = c with its samples permuted by `perm`)
 *   D₂ = Σ |c̃ − c|
 * and the layer contributes D₁·D₂.
 *
 * Guarantees:
 * - The binary maps and differences are computed with tf ops inside a
 *   `tf.tidy`, so nothing but two length-B count vectors outlives the call;
 *   the caller's tensor is not disposed.
 * - Counts are exact: each per-sample count is ≤ d (features per sample) and
 *   is reduced in float32 only over one sample's features (exact while
 *   d < 2²⁴); the B per-sample counts are added in float64 JS numbers.
 * - Binarisation uses `x > 0` (0 gives code 0), like `torch.gt(x, 0)`.
 *   Because [max(0, x) > 0] = [x > 0], a post-ReLU map (an in-place ReLU in
 *   the reference code) gives exactly the same codes as its pre-activation.
 *   A NaN in the map (a numerically broken network) is not coded: it makes
 *   the terms NaN, hence a NaN score = failed evaluation (excluded from
 *   correlations), where `torch.gt` would silently code it 0.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import type { Rng } from '../../core/rng'

/** The two ePADS terms of one ReLU call (plain float64 numbers, exact integers). */
export interface EpadsLayerTerms {
  /** distinguishing term Σ|c − c_π| */
  d1: number
  /** perturbation term Σ|c̃ − c| */
  d2: number
}

/**
 * A uniformly random permutation of 0..n−1 drawn from `rng` (Fisher–Yates).
 *
 * Fixed points are allowed: the public ePADS code permutes with
 * `torch.randperm`, a uniform permutation, so a sample may be compared with
 * itself (it then adds 0 to D₁). With n = 1 the permutation is the identity
 * and D₁ = 0.
 */
export function randomPermutation(n: number, rng: Rng): Int32Array {
  const idx = Array.from({ length: n }, (_, i) => i)
  rng.shuffle(idx)
  return Int32Array.from(idx)
}

/**
 * Computes D₁ and D₂ for one ReLU input `pre` ([2B, …], clean rows first).
 * `perm` is the sample permutation (length B) used for D₁.
 * Throws `ZsnasError('BAD_SHAPE')` if the leading dimension is not 2·B.
 */
export function epadsLayerTerms(pre: tf.Tensor, perm: Int32Array): EpadsLayerTerms {
  const b = perm.length
  if (pre.rank < 1 || pre.shape[0] !== 2 * b) {
    throw new ZsnasError('BAD_SHAPE', `ePADS hook: ReLU input has leading dimension ${pre.shape[0]}, expected 2·${b} (clean + perturbed)`, {
      shape: pre.shape,
    })
  }
  const d = pre.size / (2 * b)
  const [d1Rows, d2Rows] = tf.tidy(() => {
    const codes = tf.step(tf.reshape(pre, [2 * b, d])) // 1 where x > 0, else 0 (float32)
    const clean = tf.slice(codes, [0, 0], [b, d])
    const noisy = tf.slice(codes, [b, 0], [b, d])
    const permuted = tf.gather(clean, tf.tensor1d(perm, 'int32'), 0)
    const r1 = tf.sum(tf.abs(tf.sub(clean, permuted)), 1)
    const r2 = tf.sum(tf.abs(tf.sub(noisy, clean)), 1)
    return [r1, r2]
  })
  try {
    const a = d1Rows.dataSync()
    const c = d2Rows.dataSync()
    let d1 = 0
    let d2 = 0
    for (let i = 0; i < b; i++) {
      d1 += a[i]
      d2 += c[i]
    }
    return { d1, d2 }
  } finally {
    d1Rows.dispose()
    d2Rows.dispose()
  }
}

/**
 * Final ePADS score from the accumulated Σ_layers D₁·D₂ (float64).
 * Returns log(sum); a zero sum (no ReLU counted, every sample identical
 * under the permutation, or no pattern flipped — e.g. σ = 0) gives the
 * documented sentinel −Infinity. Never NaN for a non-negative sum; a NaN sum
 * (NaN activations) gives NaN = failed evaluation.
 */
export function epadsScoreFromSum(sum: number): number {
  if (Number.isNaN(sum)) return NaN
  if (sum < 0) throw new ZsnasError('NUMERIC', `ePADS: accumulated Σ D₁·D₂ is ${sum}, expected a non-negative number`)
  return sum === 0 ? -Infinity : Math.log(sum)
}
