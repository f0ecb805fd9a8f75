/**
 * Element-wise ops with explicit gradients (tfjs-core alone registers no
 * gradient functions — they ship only with the umbrella package — so every
 * op a network uses is a custom-gradient op; see custom.ts).
 * - addOp(a, b): same-shape sum; grads (dy, dy).
 * - sigmoidOp(x): s = σ(x); grad dy·s·(1−s).
 * - mulChannelsOp(x, gate): x [N,H,W,C] ⊙ gate [N,1,1,C]; grads dy⊙gate and Σ_{H,W} dy⊙x.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import { customOp } from './custom'
import { alias } from './alias'

const sameShape = (a: tf.Tensor, b: tf.Tensor) => a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i])

const add = customOp(([a, b]) => ({ value: tf.add(a, b), gradFunc: (dy) => [alias(dy), alias(dy)] }))

export function addOp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (!sameShape(a, b)) throw new ZsnasError('BAD_SHAPE', `add needs equal shapes, got [${a.shape}] and [${b.shape}]`)
  return add(a, b)
}

const sigmoid = customOp(([x], save) => {
  const s = tf.sigmoid(x)
  save([s])
  return { value: s, gradFunc: (dy, [sv]) => tf.mul(dy, tf.mul(sv, tf.sub(1, sv))) }
})

export function sigmoidOp(x: tf.Tensor): tf.Tensor {
  return sigmoid(x)
}

const mulChannels = customOp(([x, g], save) => {
  save([x, g])
  return {
    value: tf.mul(x, g),
    gradFunc: (dy, [xs, gs]) => [tf.mul(dy, gs), tf.sum(tf.mul(dy, xs), [1, 2], true)],
  }
})

export function mulChannelsOp(x: tf.Tensor4D, gate: tf.Tensor4D): tf.Tensor4D {
  if (x.rank !== 4 || gate.rank !== 4 || gate.shape[0] !== x.shape[0] || gate.shape[1] !== 1 || gate.shape[2] !== 1 || gate.shape[3] !== x.shape[3]) {
    throw new ZsnasError('BAD_SHAPE', `mulChannels needs x [N,H,W,C] and gate [N,1,1,C], got [${x.shape}] and [${gate.shape}]`)
  }
  return mulChannels(x, gate) as tf.Tensor4D
}
