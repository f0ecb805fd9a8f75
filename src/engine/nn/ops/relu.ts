/**
 * ReLU with forward/backward hooks (tfjs-stack-measurements §2c): instead of
 * adding zero "probe" tensors and differentiating w.r.t. them, the ReLU is a
 * custom-gradient node whose backward multiplies the incoming gradient by
 * 1[x>0] and hands that masked gradient — ∂L/∂(ReLU input), PyTorch's
 * `grad_input[0]` of an `nn.ReLU` backward hook — to `onBackward` before
 * returning it. One backward pass (e.g. w.r.t. the input image) thus delivers
 * the pre-activation gradient of every ReLU call, one at a time.
 *
 * Contracts: `onForward(pre, post)` runs synchronously inside the forward;
 * `onBackward(gradPre)` runs synchronously inside the backward, at most once
 * per call (exactly once when the call lies on the differentiated path).
 * Tensors given to hooks are only valid during the hook; anything the hook
 * creates is disposed when it returns (it runs inside tidy scopes).
 */
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom'
import { afterGradient } from '../tape'
import { batchChunks, mapBatchChunks, sampleSlice } from './batch-chunks'
import { consumable, heapWritable } from '../../backend/wasm-inplace'

export interface ReluHooks {
  onForward?(pre: tf.Tensor, post: tf.Tensor): void
  onBackward?(gradPre: tf.Tensor): void
}

/**
 * max(x, 0) with the hooks above (also without hooks: tfjs-core registers no stock Relu gradient).
 * The backward needs only where y > 0: the op saves that as a bool mask (1 byte per element on wasm and cpu,
 * a quarter of the output's float32 map; issue #18), not the output. dy·mask is the same number as
 * dy·step(y) for every non-NaN y (×1 or ×0, signed zeros included).
 */
export function reluOp(x: tf.Tensor, hooks: ReluHooks = {}): tf.Tensor {
  const op = customOp(([xx], save) => {
    const n = xx.shape[0]
    const kf = xx.rank === 4 && hooks.onForward === undefined && consumable(xx) ? batchChunks(xx.size * 4, n) : 1
    // x read for the last time, ours, above the split threshold (wasm, no forward hook that reads it): y per chunk
    // written over x — one map instead of two (the same kernel on the same values)
    const y = kf > 1 ? mapBatchChunks(n, kf, (s, z) => tf.relu(sampleSlice(xx as tf.Tensor4D, s, z)) as tf.Tensor4D, xx) : tf.relu(xx)
    if (hooks.onForward !== undefined) tf.tidy(() => hooks.onForward!(xx, y))
    save([tf.greater(y, 0)])
    return {
      value: y,
      gradFunc: (dy, saved, last, ownsDy) => {
        const n = dy.shape[0]
        const k = dy.rank === 4 ? batchChunks(dy.size * 4, n) : 1
        if (ownsDy === true && k > 1 && heapWritable()) {
          // a map above the split threshold, dy ours to overwrite (wasm): dy·mask per chunk of samples, written
          // over dy — no float mask and no second map (same kernels on the same values: the same bits)
          const m = saved[0] as tf.Tensor4D
          const g = mapBatchChunks(n, k, (s, z) => tf.mul(sampleSlice(dy as tf.Tensor4D, s, z), tf.cast(sampleSlice(m, s, z), 'float32')) as tf.Tensor4D, dy)
          if (last === true) saved[0].dispose()
          if (hooks.onBackward !== undefined) afterGradient(() => hooks.onBackward!(g))
          return g
        }
        const mask = tf.cast(saved[0], 'float32')
        // the tape's last backward: the saved mask is not needed after its float copy
        if (last === true) saved[0].dispose()
        const g = tf.mul(dy, mask)
        mask.dispose() // not alive while the hook runs (one map less at the backward's peak)
        // on the engine's tape the hook runs once dy (and, on a last backward, the saved mask) are freed
        if (hooks.onBackward !== undefined) afterGradient(() => hooks.onBackward!(g))
        return g
      },
    }
  })
  return op(x)
}
