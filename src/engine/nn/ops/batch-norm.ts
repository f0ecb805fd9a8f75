/**
 * Training-mode batch normalisation (PyTorch `BatchNorm2d` in train mode):
 * statistics of the current batch over N,H,W with the BIASED variance,
 * y = γ·(x − μ)/√(σ² + eps) + β.
 *
 * Custom analytic backward (tfjs-stack-measurements §2b), saving only x − μ and
 * 1/√(σ²+eps) (x̂ = (x − μ)/√(σ²+eps)):  with M = N·H·W,
 *   dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂)),  dγ = M·mean(dy·x̂),  dβ = M·mean(dy).
 * dγ/dβ are produced only when `weightGrads` is true (γ, β are then inputs of
 * the gradient node). Running statistics are not tracked (no proxy here
 * needs them). Every gradient body runs in `tf.tidy`.
 *
 * Backward memory (issue #18): besides dy and the saved x − μ, the backward
 * holds at most three maps of x's size (the two terms of dx and dx; the
 * product dy·(x − μ) is freed as soon as its channel means exist). When one
 * map exceeds the split threshold (ops/batch-chunks.ts) the per-sample means
 * and dx are computed per chunk of samples — same kernels on the same values,
 * so bit-identical — and the backward holds about two maps (dx's chunks and
 * their concatenation) plus a few chunks.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import { customOp } from './custom'
import { avgPoolKernel } from './pool'
import { batchChunks, chunkRanges, mapBatchChunks, sampleSlice } from './batch-chunks'
import { heapWritable } from '../../backend/wasm-inplace'

function check(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): void {
  if (x.rank !== 4) throw new ZsnasError('BAD_SHAPE', `batchNorm input must be NHWC (rank 4), got [${x.shape}]`)
  const c = x.shape[3]
  if (gamma.rank !== 1 || gamma.shape[0] !== c || beta.rank !== 1 || beta.shape[0] !== c) {
    throw new ZsnasError('BAD_SHAPE', `batchNorm γ/β must be [${c}], got [${gamma.shape}] and [${beta.shape}]`)
  }
  if (!(eps > 0) || !Number.isFinite(eps)) throw new ZsnasError('INVALID_OPTION', `batchNorm eps must be > 0, got ${eps}`)
}

/** Per-sample channel means [N, C] of an NHWC map (a global average pool: NHWC-native on wasm). */
function sampleMeans(t: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = t.shape
  return tf.reshape(h * w === 1 ? t : avgPoolKernel(t, [h, w], [h, w], 'valid'), [n, c])
}

/**
 * Per-channel mean over N,H,W as a global average pool per sample followed by
 * a mean over the batch: on wasm `tf.mean(x, [0,1,2])` first transposes x to
 * put the reduced axes innermost (≈ 3.4 ms on [64,32,32,16]), while the
 * NHWC-native avgPool reads x once (≈ 0.25 ms; bench/ops-reduce.ts).
 */
function channelMean(t: tf.Tensor4D): tf.Tensor1D {
  return tf.mean(sampleMeans(t), 0)
}

/**
 * channelMean(a) and channelMean(a·b), the per-sample
 * means taken over `k` chunks of samples and concatenated before the batch
 * mean (the same values as the unsplit form; a·b exists one chunk at a time).
 */
function chunkedMeans(a: tf.Tensor4D, b: tf.Tensor4D, k: number): [tf.Tensor1D, tf.Tensor1D] {
  const ma: tf.Tensor2D[] = []
  const mab: tf.Tensor2D[] = []
  for (const [s, z] of chunkRanges(a.shape[0], k)) {
    const [x, y] = tf.tidy(() => {
      const ai = sampleSlice(a, s, z)
      const bi = sampleSlice(b, s, z)
      const m1 = sampleMeans(ai)
      const prod = tf.mul(ai, bi) as tf.Tensor4D
      ai.dispose()
      bi.dispose()
      return [m1, sampleMeans(prod)]
    })
    ma.push(x)
    mab.push(y)
  }
  const out = [tf.mean(tf.concat(ma, 0), 0), tf.mean(tf.concat(mab, 0), 0)] as [tf.Tensor1D, tf.Tensor1D]
  for (const t of [...ma, ...mab]) t.dispose()
  return out
}

/** a·x + b per channel (a, b: [C]) in one pass (1×1 depthwise conv with bias; mul + add would be two). */
function affine(x: tf.Tensor4D, a: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor4D {
  const c = x.shape[3]
  return tf.fused.depthwiseConv2d({ x, filter: tf.reshape(a, [1, 1, c, 1]) as tf.Tensor4D, strides: 1, pad: 'valid', bias: b })
}

/** x − μ and 1/√(σ²+eps) of the batch (biased variance, two-pass). */
function normalise(x: tf.Tensor4D, eps: number): { centered: tf.Tensor4D; invstd: tf.Tensor1D } {
  const centered = tf.sub(x, channelMean(x)) as tf.Tensor4D
  const sq = tf.square(centered) as tf.Tensor4D
  const variance = channelMean(sq)
  sq.dispose() // (x − μ)² is not alive when the output is made
  return { centered, invstd: tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D }
}

/** y = γ·x̂ + β = (γ·invstd)·(x − μ) + β. */
function forwardValue(centered: tf.Tensor4D, invstd: tf.Tensor1D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  return affine(centered, tf.mul(gamma, invstd) as tf.Tensor1D, beta)
}

/** scale·dy + shift + coef·(x − μ) per channel, its two terms freed as soon as dx exists. */
function dxOf(dy: tf.Tensor4D, centered: tf.Tensor4D, scale: tf.Tensor1D, shift: tf.Tensor1D, coef: tf.Tensor): tf.Tensor4D {
  const v = affine(dy, scale, shift)
  const u = tf.mul(centered, coef)
  const dx = tf.add(v, u) as tf.Tensor4D
  v.dispose()
  u.dispose()
  return dx
}

/**
 * Returns [dx, dγ, dβ] from the saved x − μ and invstd (x̂ = (x − μ)·invstd is never materialised):
 * mean(dy·x̂) = invstd·mean(dy·(x − μ)); dx = scale·dy − scale·invstd·mean(dy·x̂)·(x − μ) − scale·mean(dy).
 * Split over the batch when a map exceeds the threshold (see the module comment).
 */
function backward(dy: tf.Tensor4D, centered: tf.Tensor4D, invstd: tf.Tensor1D, gamma: tf.Tensor1D, ownsDy = false): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const [n, h, w] = dy.shape
  const m = n * h * w
  const k = batchChunks(dy.size * 4, n)
  let meanDy: tf.Tensor1D
  let meanProd: tf.Tensor1D
  if (k === 1) {
    meanDy = channelMean(dy)
    const prod = tf.mul(dy, centered) as tf.Tensor4D
    meanProd = channelMean(prod)
    prod.dispose()
  } else {
    ;[meanDy, meanProd] = chunkedMeans(dy, centered, k)
  }
  const meanDyXhat = tf.mul(meanProd, invstd)
  const scale = tf.mul(gamma, invstd) as tf.Tensor1D
  const shift = tf.neg(tf.mul(scale, meanDy)) as tf.Tensor1D
  const coef = tf.neg(tf.mul(tf.mul(scale, invstd), meanDyXhat))
  const dx =
    k === 1
      ? dxOf(dy, centered, scale, shift, coef)
      : mapBatchChunks(n, k, (s, z) => {
          const dyi = sampleSlice(dy, s, z)
          const ci = sampleSlice(centered, s, z)
          return dxOf(dyi, ci, scale, shift, coef)
          // dy is read only through its chunks once the means exist: when it is ours, dx is written over it
        }, ownsDy && heapWritable() ? dy : undefined)
  return [dx, tf.mul(meanDyXhat, m), tf.mul(meanDy, m)]
}

/** Training-mode BN with the custom gradient described above. */
export function batchNormTrainOp(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, weightGrads = false): tf.Tensor4D {
  check(x, gamma, beta, eps)
  if (weightGrads) {
    const op = customOp(([xx, gg, bb], save) => {
      const { centered, invstd } = normalise(xx as tf.Tensor4D, eps)
      save([centered, invstd])
      return {
        value: forwardValue(centered, invstd, gg as tf.Tensor1D, bb as tf.Tensor1D),
        gradFunc: (dy, saved) => backward(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor1D, gg as tf.Tensor1D),
      }
    })
    return op(x, gamma, beta) as tf.Tensor4D
  }
  const op = customOp(([xx], save) => {
    const { centered, invstd } = normalise(xx as tf.Tensor4D, eps)
    // γ is saved too: a γ created inside the differentiated function is disposed before the backward runs
    save([centered, invstd, gamma])
    return {
      value: forwardValue(centered, invstd, gamma, beta),
      gradFunc: (dy, saved, _last, ownsDy) => backward(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor1D, saved[2] as tf.Tensor1D, ownsDy === true)[0],
    }
  })
  return op(x) as tf.Tensor4D
}
