/**
 * Spatial spreading used by gradients (stride-s dilation, k×k block
 * upsampling), written with tensors of rank ≤ 4 only: tfjs' webgpu backend
 * cannot pad a rank-6 tensor (its Pad shader indexes a `vec6`, which WGSL does
 * not have), and the earlier [N,oH,1,oW,1,C] formulations needed one.
 * Pure data movement (and, for `spreadBlocks`, one multiplication per value
 * followed by an exact copy): the values are bit-identical to the rank-6 forms.
 */
import * as tf from '@tensorflow/tfjs-core'

/** Inserts s−1 zeros after every row and column: [N,oH,oW,C] → [N,oH·s,oW·s,C]. */
export function dilateZeros(t: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return t
  const [n, oh, ow, c] = t.shape
  return tf.tidy(() => {
    const rows = tf.pad(tf.reshape(t, [n, oh, 1, ow * c]), [
      [0, 0],
      [0, 0],
      [0, s - 1],
      [0, 0],
    ])
    const cols = tf.pad(tf.reshape(rows, [n * oh * s, ow, 1, c]), [
      [0, 0],
      [0, 0],
      [0, s - 1],
      [0, 0],
    ])
    return tf.reshape(cols, [n, oh * s, ow * s, c])
  })
}

/** Every value times `scale`, repeated over a k×k block: [N,oH,oW,C] → [N,oH·k,oW·k,C]. */
export function spreadBlocks(t: tf.Tensor4D, k: number, scale: number): tf.Tensor4D {
  const [n, oh, ow, c] = t.shape
  return tf.tidy(() => {
    const rows = tf.mul(tf.reshape(t, [n, oh, 1, ow * c]), tf.fill([1, 1, k, 1], scale))
    const cols = tf.tile(tf.reshape(rows, [n * oh * k, ow, 1, c]), [1, 1, k, 1])
    return tf.reshape(cols, [n, oh * k, ow * k, c])
  })
}
