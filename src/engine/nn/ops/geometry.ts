/**
 * Spatial geometry of windowed ops (conv, pooling) for the three padding
 * modes of `Padding`:
 * - 'same': TensorFlow rule — out = ceil(in/stride), total padding
 *   max((out-1)·stride + k - in, 0), the extra pixel (if odd) at the bottom/right;
 * - 'valid': no padding, out = floor((in-k)/stride) + 1;
 * - number p: PyTorch symmetric padding, out = floor((in + 2p - k)/stride) + 1.
 */
import type { Padding } from '../../core/network'
import { ZsnasError } from '../../core/errors'

export interface Axis {
  out: number
  /** padding before (top/left) */
  before: number
  /** padding after (bottom/right) */
  after: number
}

/** Geometry along one spatial axis; throws `BAD_SHAPE` when the window does not fit. */
export function axisGeometry(size: number, k: number, stride: number, pad: Padding): Axis {
  if (!Number.isInteger(k) || k < 1) throw new ZsnasError('BAD_SHAPE', `kernel size must be a positive integer, got ${k}`)
  if (!Number.isInteger(stride) || stride < 1) {
    throw new ZsnasError('BAD_SHAPE', `stride must be a positive integer, got ${stride}`)
  }
  let out: number
  let before: number
  let after: number
  if (pad === 'same') {
    out = Math.ceil(size / stride)
    const total = Math.max((out - 1) * stride + k - size, 0)
    before = Math.floor(total / 2)
    after = total - before
  } else if (pad === 'valid') {
    out = Math.floor((size - k) / stride) + 1
    before = 0
    after = 0
  } else if (typeof pad === 'number' && Number.isInteger(pad) && pad >= 0) {
    out = Math.floor((size + 2 * pad - k) / stride) + 1
    before = pad
    after = pad
  } else {
    throw new ZsnasError('INVALID_OPTION', `padding must be 'same', 'valid' or a non-negative integer, got ${String(pad)}`)
  }
  if (out < 1) {
    throw new ZsnasError('BAD_SHAPE', `window ${k} (stride ${stride}, padding ${String(pad)}) does not fit an input of size ${size}`)
  }
  return { out, before, after }
}
