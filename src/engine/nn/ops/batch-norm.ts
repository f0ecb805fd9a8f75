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
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import { customOp } from './custom'
import { avgPoolKernel } from './pool'

function check(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): void {
  if (x.rank !== 4) throw new ZsnasError('BAD_SHAPE', `batchNorm input must be NHWC (rank 4), got [${x.shape}]`)
  const c = x.shape[3]
  if (gamma.rank !== 1 || gamma.shape[0] !== c || beta.rank !== 1 || beta.shape[0] !== c) {
    throw new ZsnasError('BAD_SHAPE', `batchNorm γ/β must be [${c}], got [${gamma.shape}] and [${beta.shape}]`)
  }
  if (!(eps > 0) || !Number.isFinite(eps)) throw new ZsnasError('INVALID_OPTION', `batchNorm eps must be > 0, got ${eps}`)
}

/**
 * Per-channel mean over N,H,W as a global average pool per sample followed by
 * a mean over the batch: on wasm `tf.mean(x, [0,1,2])` first transposes x to
 * put the reduced axes innermost (≈ 3.4 ms on [64,32,32,16]), while the
 * NHWC-native avgPool reads x once (≈ 0.25 ms; bench/ops-reduce.ts).
 */
function channelMean(t: tf.Tensor4D): tf.Tensor1D {
  const [n, h, w, c] = t.shape
  const perSample = h * w === 1 ? t : avgPoolKernel(t, [h, w], [h, w], 'valid')
  return tf.mean(tf.reshape(perSample, [n, c]), 0)
}

/** a·x + b per channel (a, b: [C]) in one pass (1×1 depthwise conv with bias; mul + add would be two). */
function affine(x: tf.Tensor4D, a: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor4D {
  const c = x.shape[3]
  return tf.fused.depthwiseConv2d({ x, filter: tf.reshape(a, [1, 1, c, 1]) as tf.Tensor4D, strides: 1, pad: 'valid', bias: b })
}

/** x − μ and 1/√(σ²+eps) of the batch (biased variance, two-pass). */
function normalise(x: tf.Tensor4D, eps: number): { centered: tf.Tensor4D; invstd: tf.Tensor1D } {
  const centered = tf.sub(x, channelMean(x)) as tf.Tensor4D
  const variance = channelMean(tf.square(centered) as tf.Tensor4D)
  return { centered, invstd: tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D }
}

/** y = γ·x̂ + β = (γ·invstd)·(x − μ) + β. */
function forwardValue(centered: tf.Tensor4D, invstd: tf.Tensor1D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  return affine(centered, tf.mul(gamma, invstd) as tf.Tensor1D, beta)
}

/**
 * Returns [dx, dγ, dβ] from the saved x − μ and invstd (x̂ = (x − μ)·invstd is never materialised):
 * mean(dy·x̂) = invstd·mean(dy·(x − μ)); dx = scale·dy − scale·invstd·mean(dy·x̂)·(x − μ) − scale·mean(dy).
 */
function backward(dy: tf.Tensor4D, centered: tf.Tensor4D, invstd: tf.Tensor1D, gamma: tf.Tensor1D): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const m = dy.shape[0] * dy.shape[1] * dy.shape[2]
  const meanDy = channelMean(dy)
  const meanDyXhat = tf.mul(channelMean(tf.mul(dy, centered) as tf.Tensor4D), invstd)
  const scale = tf.mul(gamma, invstd) as tf.Tensor1D
  const dx = tf.add(affine(dy, scale, tf.neg(tf.mul(scale, meanDy)) as tf.Tensor1D), tf.mul(centered, tf.neg(tf.mul(tf.mul(scale, invstd), meanDyXhat))))
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
      gradFunc: (dy, saved) => backward(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor1D, saved[2] as tf.Tensor1D)[0],
    }
  })
  return op(x) as tf.Tensor4D
}
