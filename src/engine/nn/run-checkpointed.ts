/**
 * The checkpointed form of `forwardMultiBackward` (nn/run-multi.ts): same
 * inputs, same result, same hook calls, but peak memory grows with ONE
 * segment's activations instead of the whole network's.
 *
 * Segments (nn/segments.ts) are ranges of ops between valid cut points —
 * top-level unit outputs, and finer chain points inside units (MobileNetV2's
 * stages hold most of its activations); the plan comes from the memory
 * estimate (nn/memory-estimate.ts) unless given.
 * Forward: the network runs segment by segment; each
 * segment runs in its own `tf.tidy` and only its output — the boundary
 * tensor, the input of the next unit — is kept. Forward hooks fire here,
 * once per ReLU call, with the full-forward call index (so consumers can
 * fold an activation into its N×N correlation and drop it at once). The
 * head (last unit's output → logits → losses) is recorded on the tape.
 * Backward: the losses are backpropagated to the head's input, once per
 * requested backward; then, for segment s = last−1 … 0, the segment's
 * forward is recomputed from its kept input and recorded, each backward's
 * boundary gradient is pushed through it, and its tape, recomputed output
 * and kept input are freed.
 *
 * Guarantees (tests/engine/nn/run-checkpointed.test.ts): losses, logits,
 * input gradients and every hook's tensors are bit-identical to
 * `forwardMultiBackward` on the same backend — the recomputed forward runs
 * the same kernels on the same values, and every tensor's gradient is
 * accumulated in the same order (all consumers of a boundary tensor lie in
 * the next segment). Hook order: forward hooks in forward order; backward k's
 * hooks in reverse forward order, interleaved per segment with the other
 * backwards' (each backward's own sequence is unchanged). With no backwards
 * the call is a forward only (hooks, logits). Cost: one extra forward of
 * every segment but the last when there is a backward. Everything but the
 * returned input gradients is disposed, also on error.
 * Throws INVALID_OPTION for a plan whose segments do not chain.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Batch } from '../core/data'
import type { NetworkDef } from '../core/network'
import { ZsnasError } from '../core/errors'
import type { ParamStore } from './params'
import { createTfOps, type ReluCall, type TfOpsHooks } from './tf-ops'
import { checkBatchData, checkInput, checkLoss, lossOf } from './run'
import { backpropagate, recordTape } from './tape'
import { runSegment, type Segment, type SegmentReluOffset } from './segments'
import { estimatePassBytes } from './memory-estimate'
import type { BackwardSpec, MultiRunResult } from './run-multi'

export interface CheckpointedRunOptions {
  bn: 'train' | 'off'
  forwardHooks?: Pick<TfOpsHooks, 'onReluForward' | 'onLayerOutput'>
  backwards: readonly BackwardSpec[]
  /** the segments (nn/segments.ts); default: the plan of `estimatePassBytes` */
  plan?: readonly Segment[]
}

export function forwardMultiBackwardCheckpointed(def: NetworkDef, params: ParamStore, batch: Batch, opts: CheckpointedRunOptions): MultiRunResult {
  const shape = batch.shape
  for (const b of opts.backwards) {
    checkLoss(b.loss)
    checkInput(def, shape, batch.labels, b.loss)
  }
  checkBatchData(batch)
  const plan = opts.plan ?? estimatePassBytes(def, { batchSize: shape[0], backwards: opts.backwards.length, reluHooks: true, bn: opts.bn }).segments
  plan.forEach((sg, i) => {
    if (sg.from !== (i === 0 ? -1 : plan[i - 1].to) || !(sg.to > sg.from)) {
      throw new ZsnasError('INVALID_OPTION', `checkpoint plan: segment ${i} (${sg.from}, ${sg.to}] does not continue the previous one`)
    }
  })
  const L = plan.length - 1
  let current: BackwardSpec | undefined
  const fh = opts.forwardHooks ?? {}
  const anyReluBw = opts.backwards.some((b) => b.hooks?.onReluBackward !== undefined)
  const anyLayerBw = opts.backwards.some((b) => b.hooks?.onLayerBackward !== undefined)
  const shift = (o: SegmentReluOffset, c: ReluCall): ReluCall => ({ index: o.value + c.index, tag: c.tag })
  /** A fresh interpreter for one segment; forward hooks on the first pass only, backward hooks when recorded. */
  const opsFor = (o: SegmentReluOffset, forward: boolean, recorded: boolean) => {
    const fr = fh.onReluForward
    return createTfOps({
      params,
      bnEps: def.bnEps,
      bn: opts.bn,
      weightGrads: false,
      onReluForward: forward && fr !== undefined ? (c, pre, post) => fr(shift(o, c), pre, post) : undefined,
      onLayerOutput: forward ? fh.onLayerOutput : undefined,
      onReluBackward: recorded && anyReluBw ? (c, g) => current?.hooks?.onReluBackward?.(shift(o, c), g) : undefined,
      onLayerBackward: recorded && anyLayerBw ? (info, g) => current?.hooks?.onLayerBackward?.(info, g) : undefined,
    })
  }
  // a backward with neither hooks nor an input gradient has no observable effect
  const active = opts.backwards.map((b) => b.inputGrad === true || b.hooks?.onReluBackward !== undefined || b.hooks?.onLayerBackward !== undefined)
  const needBackward = active.some((a) => a)
  const x = tf.tensor4d(batch.x, shape as [number, number, number, number])
  const kept: tf.Tensor[] = [] // kept[s] = output of segment s
  let dys: (tf.Tensor | undefined)[] = []
  let logits: Float32Array = new Float32Array(0)
  const headOf = (z: tf.Tensor): tf.Tensor[] => {
    if (z.rank !== 2 || z.shape[0] !== shape[0] || z.shape[1] !== def.numClasses) {
      throw new ZsnasError('BAD_SHAPE', `network '${def.name}' produced logits [${z.shape}], expected [${shape[0]},${def.numClasses}]`)
    }
    logits = z.dataSync() as Float32Array
    return opts.backwards.map((b) => lossOf(z as tf.Tensor2D, b.loss, batch.labels))
  }
  try {
    for (let s = 0; s < L; s++) {
      const o = { value: 0 }
      kept.push(tf.tidy(() => runSegment(def, opsFor(o, true, false), plan[s], x, kept[s - 1], o)))
    }
    const headIn = L > 0 ? kept[L - 1] : x
    const ho = { value: 0 }
    if (!needBackward) {
      const losses = tf.tidy(() => headOf(runSegment(def, opsFor(ho, true, false), plan[L], x, kept[L - 1], ho)))
      const values = losses.map((l) => l.dataSync()[0])
      for (const l of losses) l.dispose()
      return { losses: values, logits, inputGrads: opts.backwards.map(() => undefined) }
    }
    const { result: lossTensors, tape } = recordTape([headIn], () =>
      tf.tidy(() => headOf(runSegment(def, opsFor(ho, true, true), plan[L], x, kept[L - 1], ho))),
    )
    let losses: number[]
    try {
      losses = lossTensors.map((l) => l.dataSync()[0])
      dys = opts.backwards.map((b, k) => {
        if (!active[k]) return undefined
        current = b
        return backpropagate(tape, { tensor: lossTensors[k] }, [headIn])[0]
      })
    } finally {
      current = undefined
      tape.dispose()
      for (const l of lossTensors) l.dispose()
    }
    for (let s = L - 1; s >= 0; s--) {
      kept.pop()?.dispose() // segment s's output: its gradient is in dys already
      dys = backwardUnit(s)
    }
    const inputGrads = opts.backwards.map((b, k) => {
      if (b.inputGrad === true) return dys[k]
      dys[k]?.dispose()
      return undefined
    })
    dys = []
    return { losses, logits, inputGrads }
  } finally {
    current = undefined
    for (const t of kept) t.dispose()
    for (const d of dys) d?.dispose()
    x.dispose()
  }

  /** Recomputes segment s from its kept input, pushes every backward's boundary gradient through it, returns the input's gradients. */
  function backwardUnit(s: number): (tf.Tensor | undefined)[] {
    const input = s === 0 ? x : kept[s - 1]
    const o = { value: 0 }
    const { result: out, tape } = recordTape([input], () => tf.tidy(() => runSegment(def, opsFor(o, false, true), plan[s], x, kept[s - 1], o)))
    const next: (tf.Tensor | undefined)[] = []
    try {
      opts.backwards.forEach((b, k) => {
        const dy = dys[k]
        if (dy === undefined) return void next.push(undefined)
        current = b
        // a unit that is the identity has nothing recorded: its input's gradient is the output's
        next.push(out.id === input.id ? tf.clone(dy) : backpropagate(tape, { tensor: out, dy }, [input])[0])
        dy.dispose()
        dys[k] = undefined
      })
      return next
    } catch (e) {
      for (const t of next) t?.dispose()
      throw e
    } finally {
      current = undefined
      tape.dispose()
      if (out.id !== input.id) out.dispose()
    }
  }
}
