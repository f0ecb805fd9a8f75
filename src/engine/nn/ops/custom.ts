/**
 * Typed wrapper around `tf.customGrad` that enforces the op-library rule
 * "every gradient body runs in `tf.tidy`": tfjs calls gradient functions
 * outside any scope and keeps everything they allocate alive until the whole
 * backward pass ends (tfjs-stack-measurements §2c — 1444 MB vs 420 MB peak on
 * MBv2). `gradFunc` must return one gradient per input, in input order.
 *
 * Lifetime rule (tfjs `engine.gradients` runs the forward in its own tidy):
 * every tensor created while the differentiated function ran is disposed
 * before the backward starts, except outputs and tensors passed to `save`.
 * A gradFunc may therefore use only `dy`, saved tensors, shapes, and
 * long-lived tensors (parameters) — never an input's or intermediate's data.
 * The same gradFunc may run more than once per forward (../tape.ts replays
 * a recorded forward with several seeds), so it must not consume `saved`.
 */
import * as tf from '@tensorflow/tfjs-core'
import { recordCustomOp } from '../tape'

export interface CustomResult {
  value: tf.Tensor
  /**
   * `last` (engine tape only, nn/tape.ts): this is the tape's last backward,
   * so the gradient may dispose a saved tensor as soon as it no longer needs
   * it (issue #18); never set on tfjs' own tape.
   * `ownsDy` (engine tape only): dy's buffer is the node's to overwrite —
   * no other tensor shares it and the tape frees dy once the gradient
   * function returns — so a gradient may be written into it
   * (ops/batch-chunks.ts `mapBatchChunks(…, into)`, wasm only).
   */
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[], last?: boolean, ownsDy?: boolean) => tf.Tensor | tf.Tensor[]
}

export function customOp(f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => CustomResult): (...inputs: tf.Tensor[]) => tf.Tensor {
  const fn = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const res = f(args.slice(0, -1) as tf.Tensor[], save)
    return {
      value: res.value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => res.gradFunc(dy, saved)),
    }
  }
  const op = tf.customGrad(fn as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor
  // while a multi-backward recording is active (../tape.ts) the node goes on that tape instead of tfjs'
  return (...inputs: tf.Tensor[]) => recordCustomOp(inputs, f) ?? op(...inputs)
}
