/**
 * A second handle on a tensor's buffer (issue #18). `tf.clone` COPIES the
 * data on the wasm backend (its Identity kernel allocates and copies), so a
 * saved tensor, a seed or a pass-through gradient made with it costs a whole
 * map; `alias(t)` is a reshape to the same shape, which every backend
 * serves by sharing the buffer (reference-counted). Tensors are immutable,
 * so an alias reads the same values; the buffer is freed when its last
 * handle is disposed. A buffer with more than one handle is never written
 * in place (backend/wasm-inplace.ts `exclusive`).
 */
import * as tf from '@tensorflow/tfjs-core'

/** A new tensor on `t`'s buffer (dispose it like any other). */
export function alias<T extends tf.Tensor>(t: T): T {
  return tf.reshape(t, t.shape) as T
}
