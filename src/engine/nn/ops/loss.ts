/**
 * Scalar losses over logits [N,K] with explicit gradients:
 * - crossEntropyOp: mean softmax cross-entropy vs integer labels
 *   (PyTorch F.cross_entropy, reduction 'mean'); ∂L/∂logits = (softmax − onehot)/N.
 *   The forward uses a max-shifted log-sum-exp (stable).
 * - sumOp: Σ of all entries; gradient 1 everywhere.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import { customOp } from './custom'

export function crossEntropyOp(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  const [n, k] = logits.shape
  if (logits.rank !== 2 || labels.length !== n) {
    throw new ZsnasError('BAD_SHAPE', `cross-entropy needs logits [N,K] and N labels, got [${logits.shape}] and ${labels.length}`)
  }
  const op = customOp(([z], save) => {
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), k)
    const logp = tf.logSoftmax(z)
    save([logp, oneHot])
    return {
      value: tf.div(tf.neg(tf.sum(tf.mul(oneHot, logp))), n),
      gradFunc: (dy, [lp, oh]) => tf.mul(tf.div(tf.sub(tf.exp(lp), oh), n), dy),
    }
  })
  return op(logits) as tf.Scalar
}

const sum = customOp(([x]) => ({ value: tf.sum(x), gradFunc: (dy) => tf.mul(tf.ones(x.shape), dy) }))

export function sumOp(x: tf.Tensor): tf.Scalar {
  return sum(x) as tf.Scalar
}
