/**
 * One forward pass of a `NetworkDef` followed by several backward passes,
 * each from its own scalar loss of the same logits (nn/tape.ts). Used where
 * proxies differentiate different losses of the same training-mode forward
 * on the same batch — WRCor (mean CE, ReLU-input gradients) and JacCor
 * (Σ logits, input gradient) — so the forward runs once instead of once per
 * proxy.
 *
 * Guarantees: for each backward, the gradients and the hook calls are those
 * of `forwardBackward(def, params, batch, { bn, loss, wrt: 'input', hooks })`
 * (same kernels, same order; tested bit for bit). Forward hooks fire once.
 * Backward k's hooks fire only during backward k. Weight gradients are never
 * computed. Every intermediate tensor is disposed before returning; the
 * returned input gradients belong to the caller.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Batch } from '../core/data'
import type { NetworkDef } from '../core/network'
import { ZsnasError } from '../core/errors'
import type { ParamStore } from './params'
import { createTfOps, type TfOpsHooks } from './tf-ops'
import { checkBatchData, checkInput, checkLoss, forwardLogits, lossOf, type RunOptions } from './run'
import { backpropagate, recordTape } from './tape'
import { readAll } from '../backend/read'

export interface BackwardSpec {
  loss: RunOptions['loss']
  /** return ∂loss/∂input */
  inputGrad?: boolean
  hooks?: Pick<TfOpsHooks, 'onReluBackward' | 'onLayerBackward'>
}

export interface MultiRunResult {
  /** loss value per backward, in order */
  losses: number[]
  /** logits [N, numClasses], row-major */
  logits: Float32Array
  /** ∂loss/∂input per backward (undefined where not requested) */
  inputGrads: (tf.Tensor | undefined)[]
}

/** Async: the logits and losses are read once, after the forward (webgpu has no synchronous read). */
export async function forwardMultiBackward(
  def: NetworkDef,
  params: ParamStore,
  batch: Batch,
  // 'eval' BN is made of plain tf ops, which the tape refuses
  opts: { bn: 'train' | 'off'; forwardHooks?: Pick<TfOpsHooks, 'onReluForward' | 'onLayerOutput'>; backwards: readonly BackwardSpec[] },
): Promise<MultiRunResult> {
  if (opts.backwards.length === 0) throw new ZsnasError('INVALID_OPTION', 'forwardMultiBackward needs at least one backward')
  const shape = batch.shape
  for (const b of opts.backwards) {
    checkLoss(b.loss)
    checkInput(def, shape, batch.labels, b.loss)
  }
  checkBatchData(batch)
  let current: BackwardSpec | undefined
  const hooks: TfOpsHooks = { ...opts.forwardHooks }
  if (opts.backwards.some((b) => b.hooks?.onReluBackward !== undefined)) {
    hooks.onReluBackward = (call, g) => current?.hooks?.onReluBackward?.(call, g)
  }
  if (opts.backwards.some((b) => b.hooks?.onLayerBackward !== undefined)) {
    hooks.onLayerBackward = (info, g) => current?.hooks?.onLayerBackward?.(info, g)
  }
  const x = tf.tensor4d(batch.x, shape as [number, number, number, number])
  let logitsT: tf.Tensor | undefined
  try {
    const { result: lossTensors, tape } = recordTape([x], () =>
      tf.tidy(() => {
        const ops = createTfOps({ params, bnEps: def.bnEps, bn: opts.bn, weightGrads: false, ...hooks })
        const z = forwardLogits(def, ops, x)
        logitsT = tf.keep(z.clone())
        return opts.backwards.map((b) => lossOf(z, b.loss, batch.labels))
      }),
    )
    try {
      const values = await readAll([logitsT!, ...lossTensors])
      const logits = values[0]
      const losses = values.slice(1).map((v) => v[0])
      const inputGrads: (tf.Tensor | undefined)[] = []
      try {
        opts.backwards.forEach((b, k) => {
          current = b
          // the last backward frees each node's saved tensors once it has passed the node
          inputGrads.push(backpropagate(tape, { tensor: lossTensors[k] }, b.inputGrad === true ? [x] : [], { last: k === opts.backwards.length - 1 })[0])
        })
      } catch (e) {
        for (const g of inputGrads) g?.dispose()
        throw e
      } finally {
        current = undefined
      }
      return { losses, logits, inputGrads }
    } finally {
      tape.dispose()
      for (const l of lossTensors) l.dispose()
    }
  } finally {
    logitsT?.dispose()
    x.dispose()
  }
}
