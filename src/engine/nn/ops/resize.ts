/**
 * Bilinear resize with PyTorch `F.interpolate(mode='bilinear',
 * align_corners=False)` semantics = tfjs halfPixelCenters=true; the gradient
 * is the backend's ResizeBilinearGrad kernel (present on cpu and wasm).
 * Inputs must be square (all images here are): for non-square inputs the
 * tfjs 4.22 gradient kernel returns a wrongly shaped result.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import { customOp } from './custom'

export function resizeBilinearOp(x: tf.Tensor4D, size: number): tf.Tensor4D {
  if (x.rank !== 4) throw new ZsnasError('BAD_SHAPE', `resizeBilinear expects NHWC, got [${x.shape}]`)
  if (x.shape[1] !== x.shape[2]) {
    // tfjs 4.22's ResizeBilinearGrad returns a transposed shape for non-square inputs
    throw new ZsnasError('BAD_SHAPE', `resizeBilinear supports square inputs only, got [${x.shape}]`)
  }
  if (!Number.isInteger(size) || size < 1) throw new ZsnasError('BAD_SHAPE', `resize size must be a positive integer, got ${size}`)
  const attrs = { alignCorners: false, halfPixelCenters: true, size: [size, size] }
  const op = customOp(([xx], save) => {
    save([xx])
    return {
      value: tf.image.resizeBilinear(xx as tf.Tensor4D, [size, size], false, true),
      gradFunc: (dy, [img]) => tf.engine().runKernel('ResizeBilinearGrad', { images: img, dy }, attrs) as tf.Tensor,
    }
  })
  return op(x) as tf.Tensor4D
}
