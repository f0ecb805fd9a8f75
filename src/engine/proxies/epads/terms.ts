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
 * - Binarisation c = [x > 0] is computed on the tensor backend (`tf.greater`,
 *   a 1-byte bool map); it is read back and the |c − c'| counts are done in
 *   JS with exact integer arithmetic (per call ≤ B·d < 2⁵³), accumulated in
 *   float64. Everything happens inside the hook call: the bool tensor is
 *   disposed before returning; the JS copy (1 byte per element) lives only as
 *   long as the tensor it came from when a per-pass cache is used (NB201
 *   duplicate calls), else it is garbage right away; the caller's tensor is
 *   not disposed.
 * - Why not all in tf ops: the permuted comparison needs a row gather, and
 *   the tfjs-wasm Gather kernel costs ~140 ms CPU for a [256, 16384] map
 *   (the NB201 stage-1 map at B = 128), ~155 ms for the whole all-tf
 *   formulation vs ~33 ms for this one (`bench/epads.ts`, micro numbers in the
 *   issue #8 report). `epadsLayerTermsTf` keeps the all-tf formulation as a
 *   cross-check (tests assert both agree).
 * - Codes follow `torch.gt(x, 0)`: 0 and NaN give code 0. Because
 *   [max(0, x) > 0] = [x > 0], a post-ReLU map (an in-place ReLU in the
 *   reference code) gives exactly the same codes as its pre-activation.
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
 * Per-tensor memo of the binary codes and D₂ (one map per `runEpads` pass).
 * NB201 feeds one node tensor to several ReLU calls (one per conv edge); each
 * call still counts with its own permutation, but the codes and D₂ — which do
 * not depend on the permutation — are computed once per tensor. Keyed by the
 * tensor's backing data, so entries die with the tensors.
 */
export type EpadsCodeCache = WeakMap<object, { codes: Uint8Array; d2: number }>

/**
 * Computes D₁ and D₂ for one ReLU input `pre` ([2B, …], clean rows first).
 * `perm` is the sample permutation (length B) used for D₁. With `cache`,
 * a tensor seen before reuses its codes and D₂ (identical results).
 * Throws `ZsnasError('BAD_SHAPE')` if the leading dimension is not 2·B,
 * `INVALID_OPTION` if `perm` is not a permutation of 0..B−1.
 */
export function epadsLayerTerms(pre: tf.Tensor, perm: Int32Array, cache?: EpadsCodeCache): EpadsLayerTerms {
  const b = perm.length
  checkInputs(pre, perm)
  const d = pre.size / (2 * b)
  const key = (pre as unknown as { dataId: object }).dataId
  const hit = cache?.get(key)
  const c = hit?.codes ?? binaryCodes(pre, 2 * b, d)
  let d1 = 0
  for (let i = 0; i < b; i++) {
    const o = i * d
    const op = perm[i] * d
    let r1 = 0
    for (let j = 0; j < d; j++) r1 += c[o + j] ^ c[op + j]
    d1 += r1
  }
  let d2 = hit?.d2
  if (d2 === undefined) {
    d2 = 0
    for (let i = 0; i < b; i++) {
      const o = i * d
      const on = (b + i) * d
      let r2 = 0
      for (let j = 0; j < d; j++) r2 += c[o + j] ^ c[on + j]
      d2 += r2
    }
    cache?.set(key, { codes: c, d2 })
  }
  return { d1, d2 }
}

/** [pre > 0] computed on the backend as a bool map, read back as 0/1 bytes (rows × d, row-major). */
function binaryCodes(pre: tf.Tensor, rows: number, d: number): Uint8Array {
  const codes = tf.tidy(() => tf.greater(tf.reshape(pre, [rows, d]), 0))
  try {
    return codes.dataSync() as Uint8Array
  } finally {
    codes.dispose()
  }
}

/**
 * The same terms computed entirely with tf ops (one row gather + squared
 * difference of the 0/1 codes + per-row sums; float32 per-row sums are exact
 * while d < 2²⁴). Slower on wasm (see the module comment); kept as an
 * independent cross-check of `epadsLayerTerms`.
 */
export function epadsLayerTermsTf(pre: tf.Tensor, perm: Int32Array): EpadsLayerTerms {
  const b = perm.length
  checkInputs(pre, perm)
  const d = pre.size / (2 * b)
  // row i < B compares c_i with c_π(i); row B+i compares c̃_i with c_i
  const idx = new Int32Array(2 * b)
  for (let i = 0; i < b; i++) {
    idx[i] = perm[i]
    idx[b + i] = i
  }
  const rows = tf.tidy(() => {
    const codes = tf.cast(tf.greater(tf.reshape(pre, [2 * b, d]), 0), 'float32')
    return tf.sum(tf.squaredDifference(codes, tf.gather(codes, tf.tensor1d(idx, 'int32'), 0)), 1)
  })
  try {
    const r = rows.dataSync()
    let d1 = 0
    let d2 = 0
    for (let i = 0; i < b; i++) {
      d1 += r[i]
      d2 += r[b + i]
    }
    return { d1, d2 }
  } finally {
    rows.dispose()
  }
}

/** Leading dimension must be 2·B and `perm` a permutation of 0..B−1 (else BAD_SHAPE / INVALID_OPTION). */
function checkInputs(pre: tf.Tensor, perm: Int32Array): void {
  const b = perm.length
  if (pre.rank < 1 || pre.shape[0] !== 2 * b) {
    throw new ZsnasError('BAD_SHAPE', `ePADS hook: ReLU input has leading dimension ${pre.shape[0]}, expected 2·${b} (clean + perturbed)`, {
      shape: pre.shape,
    })
  }
  const seen = new Uint8Array(b)
  for (let i = 0; i < b; i++) {
    const p = perm[i]
    if (!(p >= 0 && p < b) || seen[p] === 1) {
      throw new ZsnasError('INVALID_OPTION', `ePADS: sample permutation [${Array.from(perm).join(',')}] is not a permutation of 0..${b - 1}`)
    }
    seen[p] = 1
  }
}

/**
 * Final ePADS score from the accumulated Σ_layers D₁·D₂ (float64).
 * Returns log(sum); a zero sum (no ReLU counted, every sample identical
 * under the permutation, or no pattern flipped — e.g. σ = 0) gives the
 * documented sentinel −Infinity. Never NaN for a non-negative sum (NaN
 * activations are coded 0, so the layer terms are always finite integers);
 * a NaN argument is passed through as NaN (= failed evaluation).
 */
export function epadsScoreFromSum(sum: number): number {
  if (Number.isNaN(sum)) return NaN
  if (sum < 0) throw new ZsnasError('NUMERIC', `ePADS: accumulated Σ D₁·D₂ is ${sum}, expected a non-negative number`)
  return sum === 0 ? -Infinity : Math.log(sum)
}
