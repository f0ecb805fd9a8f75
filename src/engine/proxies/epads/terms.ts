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
 * - Binarisation c = [x > 0] follows `torch.gt(x, 0)`: 0, −0 and NaN give
 *   code 0. The codes are packed 32 per word (./codes.ts) straight from the
 *   activation's float32 data — read in place from the wasm heap, no copy —
 *   and |c − c'| sums are XOR + popcount over the packed rows: exact integer
 *   counts (per call ≤ B·d < 2⁵³), accumulated in float64.
 * - Everything happens inside the hook call and allocates no tensor; the
 *   packed codes (1 bit per element) outlive the call only in a per-pass
 *   cache (NB201 duplicate calls), keyed by the tensor's data so that they
 *   die with it; the caller's tensor is not disposed.
 * - Cost (bench/epads.ts --profile, NB201 all-conv3×3 cell, B = 128, 95
 *   counted calls over 50 distinct maps = 121 M elements): ~0.2 s CPU for
 *   all terms, vs ~1.0 s for the earlier `tf.greater` → 1-byte `dataSync` →
 *   byte-wise XOR formulation and more for an all-tf one (the tfjs-wasm
 *   Gather kernel alone costs ~140 ms on a [256, 16384] map).
 *   `epadsLayerTermsTf` keeps the all-tf formulation as an independent
 *   cross-check (tests assert both agree).
 * - Because [max(0, x) > 0] = [x > 0], a post-ReLU map (an in-place ReLU in
 *   the reference code) gives exactly the same codes as its pre-activation.
 */
import * as tf from '@tensorflow/tfjs-core'
import { readAndDispose } from '../../backend/read'
import { ZsnasError } from '../../core/errors'
import type { Rng } from '../../core/rng'
import { packCodes, readFloat32, rowHamming, type PackedCodes } from './codes'

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
 * Per-tensor memo of the packed binary codes and D₂ (one map per `runEpads`
 * pass). NB201 feeds one node tensor to several ReLU calls (one per conv
 * edge); each call still counts with its own permutation, but the codes and
 * D₂ — which do not depend on the permutation — are computed once per
 * tensor. Keyed by the tensor's backing data, so entries die with the tensors.
 */
export type EpadsCodeCache = WeakMap<object, { codes: PackedCodes; d2: number }>

/**
 * Computes D₁ and D₂ for one ReLU input `pre` ([2B, …], clean rows first).
 * `perm` is the sample permutation (length B) used for D₁. With `cache`,
 * a tensor seen before reuses its codes and D₂ (identical results).
 * `inPlace` = false reads the activations through a `dataSync()` copy
 * instead of the in-place wasm heap view (same codes; tests compare both).
 * Throws `ZsnasError('BAD_SHAPE')` if the leading dimension is not 2·B,
 * `INVALID_OPTION` if `perm` is not a permutation of 0..B−1.
 */
export function epadsLayerTerms(pre: tf.Tensor, perm: Int32Array, cache?: EpadsCodeCache, inPlace = true): EpadsLayerTerms {
  const b = perm.length
  checkInputs(pre, perm)
  const d = pre.size / (2 * b)
  const key = (pre as unknown as { dataId: object }).dataId
  const hit = cache?.get(key)
  // the heap view is consumed by packCodes before anything else touches the backend
  const c = hit?.codes ?? packCodes(readFloat32(pre, inPlace), 2 * b, d)
  let d1 = 0
  for (let i = 0; i < b; i++) d1 += rowHamming(c, i, perm[i])
  let d2 = hit?.d2
  if (d2 === undefined) {
    d2 = 0
    for (let i = 0; i < b; i++) d2 += rowHamming(c, i, b + i)
    cache?.set(key, { codes: c, d2 })
  }
  return { d1, d2 }
}

/**
 * The same terms computed entirely with tf ops (one row gather + squared
 * difference of the 0/1 codes + per-row sums; float32 per-row sums are exact
 * while d < 2²⁴). Slower on wasm (see the module comment); kept as an
 * independent cross-check of `epadsLayerTerms`.
 */
export async function epadsLayerTermsTf(pre: tf.Tensor, perm: Int32Array): Promise<EpadsLayerTerms> {
  const rows = epadsRowsTf(pre, perm)
  const [r] = await readAndDispose([rows])
  return epadsTermsFromRows(r, perm.length)
}

/**
 * The device half of `epadsLayerTermsTf`: the 2B per-row Hamming counts
 * (rows i < B: c_i vs c_π(i); rows B+i: c̃_i vs c_i) as a float32 tensor the caller owns.
 */
export function epadsRowsTf(pre: tf.Tensor, perm: Int32Array): tf.Tensor {
  const b = perm.length
  checkInputs(pre, perm)
  const d = pre.size / (2 * b)
  const idx = new Int32Array(2 * b)
  for (let i = 0; i < b; i++) {
    idx[i] = perm[i]
    idx[b + i] = i
  }
  return tf.tidy(() => {
    const codes = tf.cast(tf.greater(tf.reshape(pre, [2 * b, d]), 0), 'float32')
    return tf.sum(tf.squaredDifference(codes, tf.gather(codes, tf.tensor1d(idx, 'int32'), 0)), 1)
  })
}

/** D₁ and D₂ from the 2B row counts of `epadsRowsTf` (exact integers, float64 sums). */
export function epadsTermsFromRows(r: ArrayLike<number>, b: number): EpadsLayerTerms {
  let d1 = 0
  let d2 = 0
  for (let i = 0; i < b; i++) {
    d1 += r[i]
    d2 += r[b + i]
  }
  return { d1, d2 }
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
