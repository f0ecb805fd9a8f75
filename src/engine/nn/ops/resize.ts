/**
 * Bilinear resize with PyTorch `F.interpolate(mode='bilinear',
 * align_corners=False)` semantics (= tfjs `halfPixelCenters: true`): output
 * pixel p samples source coordinate s = (p + ½)·in/out − ½, clamped to
 * [0, in−1], interpolating linearly between ⌊s⌋ and ⌊s⌋+1.
 *
 * Forward: tf.image.resizeBilinear. Backward: NOT the tfjs ResizeBilinearGrad
 * kernel — in tfjs 4.22 it ignores halfPixelCenters (and is badly wrong when
 * downscaling; see small-ops.test.ts). The resize is linear and separable,
 * Y = A_h · X · A_wᵀ per (n, c), with A the [out, in] interpolation matrix
 * built in JS, so dX = A_hᵀ · dY · A_w, computed with two plain matMuls.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import { customOp } from './custom'

/** [out, in] row-major interpolation matrix of PyTorch's align_corners=False bilinear rule. */
export function interpolationMatrix(inSize: number, outSize: number): Float32Array {
  const a = new Float32Array(outSize * inSize)
  const scale = inSize / outSize
  for (let p = 0; p < outSize; p++) {
    const s = Math.min(Math.max((p + 0.5) * scale - 0.5, 0), inSize - 1)
    const i0 = Math.floor(s)
    const i1 = Math.min(i0 + 1, inSize - 1)
    const lambda = s - i0
    a[p * inSize + i0] += 1 - lambda
    a[p * inSize + i1] += lambda
  }
  return a
}

/** dX [N,H,W,C] from dY [N,P,Q,C]. */
function resizeBackward(dy: tf.Tensor4D, h: number, w: number): tf.Tensor4D {
  const [n, p, q, c] = dy.shape
  const ahT = tf.transpose(tf.tensor2d(interpolationMatrix(h, p), [p, h])) // [H, P]
  const awT = tf.transpose(tf.tensor2d(interpolationMatrix(w, q), [q, w])) // [W, Q]
  // contract P: [P, N·Q·C] -> [H, N, Q, C]
  const t1 = tf.reshape(tf.matMul(ahT, tf.reshape(tf.transpose(dy, [1, 0, 2, 3]), [p, n * q * c])), [h, n, q, c])
  // contract Q: [Q, H·N·C] -> [W, H, N, C] -> [N, H, W, C]
  const t2 = tf.reshape(tf.matMul(awT, tf.reshape(tf.transpose(t1, [2, 0, 1, 3]), [q, h * n * c])), [w, h, n, c])
  return tf.transpose(t2, [2, 1, 0, 3]) as tf.Tensor4D
}

/** Resizes NHWC `x` to size×size (see module comment for semantics and gradient). */
export function resizeBilinearOp(x: tf.Tensor4D, size: number): tf.Tensor4D {
  if (x.rank !== 4) throw new ZsnasError('BAD_SHAPE', `resizeBilinear expects NHWC, got [${x.shape}]`)
  if (!Number.isInteger(size) || size < 1) throw new ZsnasError('BAD_SHAPE', `resize size must be a positive integer, got ${size}`)
  const [, h, w] = x.shape
  const op = customOp(([xx]) => ({
    value: tf.image.resizeBilinear(xx as tf.Tensor4D, [size, size], false, true),
    gradFunc: (dy) => resizeBackward(dy as tf.Tensor4D, h, w),
  }))
  return op(x) as tf.Tensor4D
}
