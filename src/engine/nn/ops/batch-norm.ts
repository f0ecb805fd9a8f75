/**
 * Training-mode batch normalisation (PyTorch `BatchNorm2d` in train mode):
 * statistics of the current batch over N,H,W with the BIASED variance,
 * y = γ·(x − μ)/√(σ² + eps) + β.
 *
 * Custom analytic backward (tfjs-stack-measurements §2b), saving only x̂ and
 * 1/√(σ²+eps):  with M = N·H·W,
 *   dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂)),  dγ = M·mean(dy·x̂),  dβ = M·mean(dy).
 * dγ/dβ are produced only when `weightGrads` is true (γ, β are then inputs of
 * the gradient node). Running statistics are not tracked (no proxy here
 * needs them). Every gradient body runs in `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import { customOp } from './custom'

const AXES = [0, 1, 2]

function check(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): void {
  if (x.rank !== 4) throw new ZsnasError('BAD_SHAPE', `batchNorm input must be NHWC (rank 4), got [${x.shape}]`)
  const c = x.shape[3]
  if (gamma.rank !== 1 || gamma.shape[0] !== c || beta.rank !== 1 || beta.shape[0] !== c) {
    throw new ZsnasError('BAD_SHAPE', `batchNorm γ/β must be [${c}], got [${gamma.shape}] and [${beta.shape}]`)
  }
  if (!(eps > 0) || !Number.isFinite(eps)) throw new ZsnasError('INVALID_OPTION', `batchNorm eps must be > 0, got ${eps}`)
}

/** x̂ and invstd of the batch (biased variance). */
function normalise(x: tf.Tensor4D, eps: number): { xhat: tf.Tensor4D; invstd: tf.Tensor1D } {
  const mean = tf.mean(x, AXES)
  const centered = tf.sub(x, mean)
  const variance = tf.mean(tf.square(centered), AXES)
  const invstd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D
  return { xhat: tf.mul(centered, invstd), invstd }
}

/** Returns [dx, dγ, dβ]. */
function backward(dy: tf.Tensor4D, xhat: tf.Tensor4D, invstd: tf.Tensor1D, gamma: tf.Tensor1D): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const m = dy.shape[0] * dy.shape[1] * dy.shape[2]
  const meanDy = tf.mean(dy, AXES)
  const meanDyXhat = tf.mean(tf.mul(dy, xhat), AXES)
  const scale = tf.mul(gamma, invstd)
  // dx = dy·scale + x̂·(−scale·mean(dy·x̂)) + (−scale·mean(dy))
  const dx = tf.add(tf.add(tf.mul(dy, scale), tf.mul(xhat, tf.neg(tf.mul(scale, meanDyXhat)))), tf.neg(tf.mul(scale, meanDy)))
  return [dx, tf.mul(meanDyXhat, m), tf.mul(meanDy, m)]
}

/** Training-mode BN with the custom gradient described above. */
export function batchNormTrainOp(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, weightGrads = false): tf.Tensor4D {
  check(x, gamma, beta, eps)
  if (weightGrads) {
    const op = customOp(([xx, gg, bb], save) => {
      const { xhat, invstd } = normalise(xx as tf.Tensor4D, eps)
      save([xhat, invstd])
      return {
        value: tf.add(tf.mul(xhat, gg), bb),
        gradFunc: (dy, saved) => backward(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor1D, gg as tf.Tensor1D),
      }
    })
    return op(x, gamma, beta) as tf.Tensor4D
  }
  const op = customOp(([xx], save) => {
    const { xhat, invstd } = normalise(xx as tf.Tensor4D, eps)
    // γ is saved too: a γ created inside the differentiated function is disposed before the backward runs
    save([xhat, invstd, gamma])
    return {
      value: tf.add(tf.mul(xhat, gamma), beta),
      gradFunc: (dy, saved) => backward(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor1D, saved[2] as tf.Tensor1D)[0],
    }
  })
  return op(x) as tf.Tensor4D
}
