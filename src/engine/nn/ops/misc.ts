/**
 * Small custom-gradient helpers.
 * - `zeroOp(x)`: NB201 'none' = x·0 — value zeros, gradient zeros, but the
 *   node stays on the gradient path (no multiply, and no wasted gradient for
 *   a constant operand).
 * - `gradTapOp(x, onBackward)`: identity whose backward hands the incoming
 *   gradient ∂L/∂x to `onBackward` (valid only during the call; anything it
 *   allocates is disposed) and passes it on unchanged.
 */
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom'
import { alias } from './alias'

const zero = customOp(([xx]) => ({ value: tf.zerosLike(xx), gradFunc: (dy) => tf.zerosLike(dy) }))

export function zeroOp(x: tf.Tensor): tf.Tensor {
  return zero(x)
}

export function gradTapOp(x: tf.Tensor, onBackward: (grad: tf.Tensor) => void): tf.Tensor {
  const op = customOp(([xx]) => ({
    value: tf.clone(xx),
    gradFunc: (dy) => {
      tf.tidy(() => onBackward(dy))
      return alias(dy)
    },
  }))
  return op(x)
}
