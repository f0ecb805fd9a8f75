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
 * accumulated in the same order (a boundary value's gradient from later segments is carried
 * in as the starting gradient and the segment's contributions are added to it
 * in the same order). Hook order: forward hooks in forward order; backward k's
 * hooks in reverse forward order — interleaved per segment with the other
 * backwards' (joint), or all of backward 0's then backward 1's… as in the
 * plain pass (`separateSweeps`); each backward's own sequence is unchanged. With no backwards
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
import { backpropagateSeeds, recordTape, type TapeRecording } from './tape'
import { HostStore, offloadsByDefault } from './host-store'
import { runSegment, traceCuts, type Segment, type SegmentReluOffset } from './segments'
import { estimatePassBytes } from './memory-estimate'
import type { BackwardSpec, MultiRunResult } from './run-multi'
import { canReadSync, readAll, readAndDispose } from '../backend/read'

export interface CheckpointedRunOptions {
  bn: 'train' | 'off'
  forwardHooks?: Pick<TfOpsHooks, 'onReluForward' | 'onLayerOutput'>
  backwards: readonly BackwardSpec[]
  /** the segments (nn/segments.ts); default: the plan of `estimatePassBytes` */
  plan?: readonly Segment[]
  /**
   * Push each backward down the segments in its own sweep (one more recompute
   * of every segment per extra backward) instead of all together: only one
   * backward's boundary gradients are alive at a time. Same results.
   */
  separateSweeps?: boolean
  /**
   * Free inside each segment what no later op reads (nn/segments.ts
   * SegmentFree) and each tape node's saved tensors once the last backward
   * has passed it (nn/tape.ts `last`). Default true; false only to measure
   * what it saves. Same results either way.
   */
  eagerFree?: boolean
  /**
   * Keep boundary values and carried gradients in host memory between their
   * uses (nn/host-store.ts), uploading them when a segment needs them: the
   * wasm heap then holds one segment's working set. Default: on wasm (where
   * reads are synchronous and the heap never shrinks). Same results.
   */
  offload?: boolean
}

export async function forwardMultiBackwardCheckpointed(def: NetworkDef, params: ParamStore, batch: Batch, opts: CheckpointedRunOptions): Promise<MultiRunResult> {
  const shape = batch.shape
  for (const b of opts.backwards) {
    checkLoss(b.loss)
    checkInput(def, shape, batch.labels, b.loss)
  }
  checkBatchData(batch)
  const graph = traceCuts(def)
  const plan = opts.plan ?? estimatePassBytes(def, { batchSize: shape[0], backwards: opts.backwards.length, reluHooks: true, bn: opts.bn }).segments
  const lastOp = graph.inputs.length - 1
  plan.forEach((sg, i) => {
    if (sg.from !== (i === 0 ? -1 : plan[i - 1].to) || !(sg.to > sg.from) || (i === plan.length - 1 && sg.to !== lastOp)) {
      throw new ZsnasError('INVALID_OPTION', `checkpoint plan: segment ${i} (${sg.from}, ${sg.to}] does not continue the previous one or end at the logits (op ${lastOp})`)
    }
  })
  const L = plan.length - 1
  /** values made inside a segment are freed after their last reader (nn/segments.ts SegmentFree) */
  const eager = opts.eagerFree !== false
  const free = eager ? { graph, dispose: (t: tf.Tensor) => t.dispose() } : undefined
  /** values kept at the boundary after segment s (−1 = the input, always available) */
  const boundary = (s: number): number[] => graph.live[plan[s].to].filter((v) => v !== -1)
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
  const offload = (opts.offload ?? offloadsByDefault()) && canReadSync()
  /** kept boundary values by producing op; lastNeed = the earliest segment whose recompute reads them */
  const kept = new HostStore(offload)
  const lastNeed = new Map<number, number>()
  for (let s = L - 1; s >= 0; s--) for (const v of boundary(s)) lastNeed.set(v, s + 1)
  /** carried[k]: backward k's gradients of boundary values (−1 = the input) */
  const carried: HostStore[] = opts.backwards.map(() => new HostStore(offload))
  /** the logits (kept once, read after the forward: webgpu has no synchronous read) */
  let logitsT: tf.Tensor | undefined
  const headOf = (z: tf.Tensor): tf.Tensor[] => {
    if (z.rank !== 2 || z.shape[0] !== shape[0] || z.shape[1] !== def.numClasses) {
      throw new ZsnasError('BAD_SHAPE', `network '${def.name}' produced logits [${z.shape}], expected [${shape[0]},${def.numClasses}]`)
    }
    if (logitsT === undefined) logitsT = tf.keep(z.clone())
    return opts.backwards.map((b) => lossOf(z as tf.Tensor2D, b.loss, batch.labels))
  }
  const disposeAll = (): void => {
    kept.clear()
    for (const m of carried) m.clear()
  }
  try {
    for (let s = 0; s < L; s++) {
      const o = { value: 0 }
      const want = boundary(s)
      const inp = sourcesOf(s)
      try {
        const outs = tf.tidy(() => runSegment(def, opsFor(o, true, false), plan[s], x, inp.map, want, o, free))
        // a value live across the cut that the segment only passes through is already kept
        want.forEach((v, i) => (kept.has(v) ? outs[i].dispose() : kept.put(v, outs[i])))
      } finally {
        inp.dispose()
      }
    }
    const ho = { value: 0 }
    if (!needBackward) {
      const inp = sourcesOf(L)
      const losses = tf.tidy(() => headOf(runSegment(def, opsFor(ho, true, false), plan[L], x, inp.map, undefined, ho, free)[0]))
      inp.dispose()
      const [logits, ...values] = await readAndDispose([logitsT!, ...losses])
      logitsT = undefined
      return { losses: values.map((v) => v[0]), logits, inputGrads: opts.backwards.map(() => undefined) }
    }
    // joint: every backward goes down the segments together (one recompute); separate: one sweep per backward
    // (a recompute each, but only one backward's boundary gradients are alive at a time)
    const idx = opts.backwards.map((_, k) => k).filter((k) => active[k])
    const sweeps = opts.separateSweeps === true ? idx.map((k) => [k]) : [idx]
    let losses: number[] = []
    for (const [j, ks] of sweeps.entries()) {
      const first = j === 0
      const lastSweep = j === sweeps.length - 1
      // the head: recorded and backpropagated at once (its forward hooks fire on the first sweep only)
      const headSources = sourcesOf(L)
      const h = { value: 0 }
      const { result: lossTensors, tape } = (() => {
        try {
          return recordTape(headSources.tensors, () => tf.tidy(() => headOf(runSegment(def, opsFor(h, first, true), plan[L], x, headSources.map, undefined, h, free)[0])))
        } finally {
          // only their ids matter from here on; what the tape saved of them survives as its own clones
          headSources.dispose()
        }
      })()
      try {
        if (first) losses = (await readAll(lossTensors)).map((v) => v[0])
        for (const [n, k] of ks.entries()) {
          current = opts.backwards[k]
          const g = backpropagateSeeds(tape, [{ tensor: lossTensors[k] }], headSources.tensors, { last: eager && n === ks.length - 1 })
          headSources.ids.forEach((id, i) => g[i] !== undefined && carried[k].put(id, g[i]!))
        }
      } finally {
        current = undefined
        tape.dispose()
        for (const l of lossTensors) l.dispose()
      }
      for (let s = L - 1; s >= 0; s--) {
        if (lastSweep) release(s + 1)
        backwardSegment(s, ks)
      }
    }
    const [logits] = await readAll([logitsT!])
    const inputGrads = opts.backwards.map((b, k) => {
      const g = carried[k].has(-1) ? carried[k].take(-1) : undefined
      return b.inputGrad === true ? (g ?? tf.zerosLike(x)) : (g?.dispose(), undefined)
    })
    return { losses, logits, inputGrads }
  } finally {
    current = undefined
    logitsT?.dispose()
    disposeAll()
    x.dispose()
  }

  /**
   * The values live before segment s (kept ones, uploaded; and the input), as
   * a list and as the map runSegment reads; `dispose` frees the uploads.
   */
  function sourcesOf(s: number): { ids: number[]; tensors: tf.Tensor[]; map: Map<number, tf.Tensor>; dispose(): void } {
    const ids = s === 0 ? [-1] : graph.live[plan[s - 1].to]
    const map = new Map<number, tf.Tensor>()
    try {
      for (const v of ids) if (v !== -1) map.set(v, kept.get(v))
    } catch (e) {
      tf.dispose([...map.values()])
      throw e
    }
    return { ids, tensors: ids.map((v) => (v === -1 ? x : map.get(v)!)), map, dispose: () => tf.dispose([...map.values()]) }
  }

  /** Frees kept values no segment before s reads any more. */
  function release(s: number): void {
    for (const v of kept.ids()) if ((lastNeed.get(v) ?? 0) >= s) kept.delete(v)
  }

  /**
   * Recomputes segment s from its kept inputs and pushes every backward's
   * carried gradients of the values live after it through it; the carried
   * gradients then belong to the values live before it.
   */
  function backwardSegment(s: number, ks: readonly number[]): void {
    const o = { value: 0 }
    const src = sourcesOf(s)
    const want = graph.live[plan[s].to]
    let rec: { result: tf.Tensor[]; tape: TapeRecording }
    try {
      rec = recordTape(src.tensors, () => tf.tidy(() => runSegment(def, opsFor(o, false, true), plan[s], x, src.map, want, o, free)))
    } finally {
      src.dispose()
    }
    const { result: outs, tape } = rec
    // from here on the sources and outputs are needed by id only (the tape holds what it saved as its own clones)
    const outIds = outs.map((t) => t.id)
    tf.dispose(outs.filter((t) => t !== x))
    try {
      ks.forEach((k, n) => {
        const b = opts.backwards[k]
        const dys: tf.Tensor[] = []
        try {
          const seeds = want.flatMap((v, i) => {
            if (!carried[k].has(v)) return []
            const dy = carried[k].take(v)
            dys.push(dy)
            return [{ tensor: { id: outIds[i] }, dy }]
          })
          current = b
          const g = backpropagateSeeds(tape, seeds, src.tensors, { last: eager && n === ks.length - 1 })
          src.ids.forEach((id, i) => g[i] !== undefined && carried[k].put(id, g[i]!))
        } finally {
          tf.dispose(dys)
        }
      })
    } finally {
      current = undefined
      tape.dispose()
    }
  }
}
