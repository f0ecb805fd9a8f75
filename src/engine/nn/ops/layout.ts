/**
 * Channel/spatial layout ops with explicit gradients (see elementwise.ts for why):
 * - concatChannelsOp(xs): concat on C; grads = the matching channel slices of dy.
 * - sliceChannelsOp(x, n): first n channels; grad = dy zero-padded back to C.
 * - globalAvgPoolOp(x): mean over H,W (keepDims) -> [N,1,1,C]; grad = dy/(H·W) broadcast.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import { customOp } from './custom'

export function concatChannelsOp(xs: tf.Tensor4D[]): tf.Tensor4D {
  if (xs.length === 0) throw new ZsnasError('BAD_SHAPE', 'concatChannels needs at least one tensor')
  const [n, h, w] = xs[0].shape
  for (const x of xs) {
    if (x.rank !== 4 || x.shape[0] !== n || x.shape[1] !== h || x.shape[2] !== w) {
      throw new ZsnasError('BAD_SHAPE', `concatChannels needs equal N,H,W; got [${xs.map((t) => `[${t.shape}]`).join(', ')}]`)
    }
  }
  if (xs.length === 1) return xs[0]
  const sizes = xs.map((x) => x.shape[3])
  const op = customOp((inputs) => ({ value: tf.concat(inputs, 3), gradFunc: (dy) => tf.split(dy, sizes, 3) }))
  return op(...xs) as tf.Tensor4D
}

export function sliceChannelsOp(x: tf.Tensor4D, n: number): tf.Tensor4D {
  const c = x.shape[3]
  if (x.rank !== 4 || !Number.isInteger(n) || n < 1 || n > c) {
    throw new ZsnasError('BAD_SHAPE', `cannot keep ${n} channels of a tensor shaped [${x.shape}]`)
  }
  if (n === c) return x
  const op = customOp(([xx]) => ({
    value: tf.slice(xx, [0, 0, 0, 0], [-1, -1, -1, n]),
    gradFunc: (dy) =>
      tf.pad(dy, [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, c - n],
      ]),
  }))
  return op(x) as tf.Tensor4D
}

export function globalAvgPoolOp(x: tf.Tensor4D): tf.Tensor4D {
  if (x.rank !== 4) throw new ZsnasError('BAD_SHAPE', `globalAvgPool expects NHWC, got [${x.shape}]`)
  const [, h, w] = x.shape
  const op = customOp(([xx]) => ({
    value: tf.mean(xx, [1, 2], true),
    gradFunc: (dy) => tf.mul(tf.ones(xx.shape), tf.div(dy, h * w)),
  }))
  return op(x) as tf.Tensor4D
}
