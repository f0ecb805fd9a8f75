/**
 * Training-mode batch normalisation (PyTorch `BatchNorm2d` in train mode):
 * statistics of the current batch over N,H,W with the BIASED variance,
 * y = γ·(x − μ)/√(σ² + eps) + β.
 *
 * Custom analytic backward (tfjs-stack-measurements §2b), saving the input x, μ
 * and 1/√(σ²+eps) (x − μ is rebuilt where needed with the forward's own
 * kernel, so its bits are those the forward used; x̂ = (x − μ)/√(σ²+eps)):
 * with M = N·H·W,
 *   dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂)),  dγ = M·mean(dy·x̂),  dβ = M·mean(dy).
 * dγ/dβ are produced only when `weightGrads` is true (γ, β are then inputs of
 * the gradient node). Running statistics are not tracked (no proxy here
 * needs them). Every gradient body runs in `tf.tidy`.
 *
 * Memory (issue #18): saving x rather than x − μ keeps a buffer that exists
 * anyway (the op's input) instead of making one. When one map exceeds the
 * split threshold (ops/batch-chunks.ts) the forward's x − μ and (x − μ)², the
 * backward's per-sample means and dx are computed per chunk of samples —
 * same kernels on the same values, so bit-identical — and results are
 * assembled per chunk (on wasm into one allocation, dx over a dy the tape
 * hands over): the forward holds x, y and a few chunks; the backward x, dy,
 * dx and a few chunks.
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

/** The saved form of x − μ: the input and its channel means; `centered` rebuilds any samples of it (the same kernel, the same bits). */
interface Centered {
  x: tf.Tensor4D
  mean: tf.Tensor1D
}
const centeredOf = (c: Centered, start: number, size: number): tf.Tensor4D =>
  tf.sub(size === c.x.shape[0] ? c.x : sampleSlice(c.x, start, size), c.mean) as tf.Tensor4D

/**
 * channelMean(a) and channelMean(a·b), b = x − μ rebuilt per chunk: the per-sample
 * means taken over `k` chunks of samples and concatenated before the batch
 * mean (the same values as the unsplit form; a·b exists one chunk at a time).
 */
function chunkedMeans(a: tf.Tensor4D, c: Centered, k: number): [tf.Tensor1D, tf.Tensor1D] {
  const ma: tf.Tensor2D[] = []
  const mab: tf.Tensor2D[] = []
  for (const [s, z] of chunkRanges(a.shape[0], k)) {
    const [x, y] = tf.tidy(() => {
      const ai = sampleSlice(a, s, z)
      const bi = centeredOf(c, s, z)
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

/**
 * The batch's μ and 1/√(σ²+eps) (biased variance, two-pass: mean((x − μ)²)) and
 * y = γ·(x − μ)·invstd + β. Above the split threshold (ops/batch-chunks.ts) x − μ
 * and (x − μ)² exist one chunk of samples at a time and y is assembled from
 * its chunks: the forward holds x, y and a few chunks instead of x, x − μ,
 * (x − μ)² and y — the same kernels on the same values, so the same bits.
 */
function forward(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): { y: tf.Tensor4D; mean: tf.Tensor1D; invstd: tf.Tensor1D } {
  const n = x.shape[0]
  const k = batchChunks(x.size * 4, n)
  const mean = channelMean(x)
  const c = { x, mean }
  let variance: tf.Tensor1D
  if (k === 1) {
    const centered = centeredOf(c, 0, n)
    const sq = tf.square(centered) as tf.Tensor4D
    variance = channelMean(sq)
    sq.dispose() // (x − μ)² is not alive when the output is made
    const invstd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D
    const y = affine(centered, tf.mul(gamma, invstd) as tf.Tensor1D, beta)
    centered.dispose()
    return { y, mean, invstd }
  }
  const parts = chunkRanges(n, k).map(([s, z]) => tf.tidy(() => sampleMeans(tf.square(centeredOf(c, s, z)) as tf.Tensor4D)))
  variance = tf.mean(tf.concat(parts, 0), 0)
  tf.dispose(parts)
  const invstd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D
  const a = tf.mul(gamma, invstd) as tf.Tensor1D
  const y = mapBatchChunks(n, k, (s, z) => affine(centeredOf(c, s, z), a, beta))
  return { y, mean, invstd }
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
 * Returns [dx, dγ, dβ] from the saved x, μ and invstd (x − μ is rebuilt, x̂ never materialised):
 * mean(dy·x̂) = invstd·mean(dy·(x − μ)); dx = scale·dy − scale·invstd·mean(dy·x̂)·(x − μ) − scale·mean(dy).
 * Split over the batch when a map exceeds the threshold (see the module comment).
 */
function backward(dy: tf.Tensor4D, c: Centered, invstd: tf.Tensor1D, gamma: tf.Tensor1D, ownsDy = false): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const [n, h, w] = dy.shape
  const m = n * h * w
  const k = batchChunks(dy.size * 4, n)
  let meanDy: tf.Tensor1D
  let meanProd: tf.Tensor1D
  let centered: tf.Tensor4D | undefined
  if (k === 1) {
    centered = centeredOf(c, 0, n)
    meanDy = channelMean(dy)
    const prod = tf.mul(dy, centered) as tf.Tensor4D
    meanProd = channelMean(prod)
    prod.dispose()
  } else {
    ;[meanDy, meanProd] = chunkedMeans(dy, c, k)
  }
  const meanDyXhat = tf.mul(meanProd, invstd)
  const scale = tf.mul(gamma, invstd) as tf.Tensor1D
  const shift = tf.neg(tf.mul(scale, meanDy)) as tf.Tensor1D
  const coef = tf.neg(tf.mul(tf.mul(scale, invstd), meanDyXhat))
  const dx =
    centered !== undefined
      ? dxOf(dy, centered, scale, shift, coef)
      : mapBatchChunks(n, k, (s, z) => {
          const dyi = sampleSlice(dy, s, z)
          const ci = centeredOf(c, s, z)
          return dxOf(dyi, ci, scale, shift, coef)
          // dy is read only through its chunks once the means exist: when it is ours, dx is written over it
        }, ownsDy && heapWritable() ? dy : undefined)
  return [dx, tf.mul(meanDyXhat, m), tf.mul(meanDy, m)]
}

/** Training-mode BN with the custom gradient described above (it saves its input x, μ and invstd). */
export function batchNormTrainOp(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, weightGrads = false): tf.Tensor4D {
  check(x, gamma, beta, eps)
  if (weightGrads) {
    const op = customOp(([xx, gg, bb], save) => {
      const { y, mean, invstd } = forward(xx as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, eps)
      save([xx, mean, invstd])
      return {
        value: y,
        gradFunc: (dy, saved) => backward(dy as tf.Tensor4D, { x: saved[0] as tf.Tensor4D, mean: saved[1] as tf.Tensor1D }, saved[2] as tf.Tensor1D, gg as tf.Tensor1D),
      }
    })
    return op(x, gamma, beta) as tf.Tensor4D
  }
  const op = customOp(([xx], save) => {
    const { y, mean, invstd } = forward(xx as tf.Tensor4D, gamma, beta, eps)
    // γ is saved too: a γ created inside the differentiated function is disposed before the backward runs
    save([xx, mean, invstd, gamma])
    return {
      value: y,
      gradFunc: (dy, saved, _last, ownsDy) =>
        backward(dy as tf.Tensor4D, { x: saved[0] as tf.Tensor4D, mean: saved[1] as tf.Tensor1D }, saved[2] as tf.Tensor1D, saved[3] as tf.Tensor1D, ownsDy === true)[0],
    }
  })
  return op(x) as tf.Tensor4D
}
