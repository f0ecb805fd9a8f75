/**
 * Running ONE segment of a network's forward — the ops between two "cut"
 * points — from a kept boundary tensor. Checkpointing (nn/run-checkpointed.ts)
 * is built on this.
 *
 * Ops are numbered in call order (0, 1, …; `unitOutput` marks are not ops).
 * A cut after op i is valid when op i's output is the ONLY value made so far
 * (network input included) that a later op reads: the rest of the forward
 * then depends on the past through that one tensor (`traceCuts`). Top-level
 * unit outputs of chain-like networks are such points, and so is every
 * point between two ops of a chain inside a unit (e.g. inside a
 * MobileNetV2 stage between its inverted-residual blocks, or inside a
 * non-residual block).
 *
 * A segment {from, to} runs ops from+1 … to; its input is op `from`'s output
 * (from = −1: the network input). `NetworkDef.forward` is one function, so
 * `runSegment` interprets the whole forward with a wrapper that
 *   - before the segment: computes nothing (every op returns a placeholder;
 *     ReLU calls are counted so call indices stay those of a full forward);
 *   - at op `from`: returns the kept input instead of computing;
 *   - inside: delegates to the real interpreter;
 *   - at op `to`: hands its output to the caller and stops the forward.
 * Guarantee: a segment computes exactly the ops a full forward computes
 * between the cuts, with the same interpreter, in the same order. An op of
 * the segment that reads a value from before the cut raises
 * `ZsnasError('BAD_VALUE')` (only possible with an invalid cut).
 */
import type { NetworkDef, Ops } from '../core/network'
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../core/errors'
import { withDyingOperands } from '../backend/wasm-inplace'

/** Ops from+1 … to (from = −1: starts at the network input). */
export interface Segment {
  from: number
  to: number
}

/** The placeholder value of ops that lie before the segment. */
const GHOST: unique symbol = Symbol('ghost')
type Ghost = typeof GHOST

class SegmentDone extends Error {
  constructor(readonly value: unknown) {
    super('segment done')
  }
}

/** ReLU calls before the segment's first computed op (set while `runSegment` runs): add to the interpreter's call index. */
export interface SegmentReluOffset {
  value: number
}

type OpName = Exclude<keyof Ops<unknown>, 'unitOutput'>
const OP_NAMES: readonly OpName[] = [
  'conv2d', 'batchNorm', 'relu', 'add', 'zero', 'avgPool', 'maxPool', 'globalAvgPool', 'linear',
  'concatChannels', 'sliceChannels', 'sigmoid', 'mulChannels', 'resizeBilinear',
]

/**
 * Eager freeing inside a segment (issue #18): with `graph` (traceCuts of the
 * same definition), a value the segment made is handed to `dispose` right
 * after the op that reads it last — unless it is wanted, or the same object
 * is still held under another op index, or is a kept value / the input.
 * A tape (nn/tape.ts) keeps what a backward needs as its own clones, so the
 * values are unchanged; only buffers nothing reads any more are freed early
 * (an MBv2 sub-layer's conv and BN outputs: ~half of a recorded forward).
 */
export interface SegmentFree<T> {
  graph: OpGraph
  dispose(v: T): void
}

/**
 * Runs segment `seg` of `def` on the interpreter `ops` (create one per call:
 * interpreters number ReLU calls from 0 — add `offset.value` for the
 * full-forward index). `kept` holds the values live after op `seg.from`
 * (by producing op index; `x`, the network input, is always available).
 * Returns the values of `want` (op indices live after op `seg.to`, or just
 * `seg.to`), each either made by the segment or passed through from `kept`.
 * With `free`, values made and last read inside the segment are freed as
 * soon as their last reader has run (`SegmentFree`).
 */
export function runSegment<T>(def: NetworkDef, ops: Ops<T>, seg: Segment, x: T, kept: ReadonlyMap<number, T>, want: readonly number[] = [seg.to], offset: SegmentReluOffset = { value: 0 }, free?: SegmentFree<T>): T[] {
  if (!(Number.isInteger(seg.from) && Number.isInteger(seg.to) && seg.from >= -1 && seg.to > seg.from)) {
    throw new ZsnasError('INVALID_OPTION', `segment (${seg.from}, ${seg.to}] of network '${def.name}' is not a range of ops`)
  }
  let index = -1
  let relus = 0
  const made = new Map<number, T>()
  const lastUse = free === undefined ? undefined : lastReaders(free.graph)
  const wanted = new Set(want)
  /** the values op i reads for the last time (by producing op), made in this segment and not wanted */
  const lastReads = (i: number): [number, T][] => {
    const out: [number, T][] = []
    for (const p of new Set(free!.graph.inputs[i] ?? [])) {
      if (p < 0 || lastUse![p] !== i || wanted.has(p)) continue
      const v = made.get(p)
      if (v !== undefined) out.push([p, v])
    }
    return out
  }
  /** the same object is the input, a kept value, or still held under another op index */
  const heldElsewhere = (p: number, v: T): boolean => v === x || [...made.entries()].some(([q, w]) => q !== p && w === v) || [...kept.values()].includes(v)
  /** frees the operands of op i whose last reader it is (see SegmentFree) */
  const release = (i: number, out: T): void => {
    for (const [p, v] of lastReads(i)) {
      const free_ = v !== out && !heldElsewhere(p, v)
      made.delete(p)
      if (free_) free!.dispose(v)
    }
  }
  /** op i's operands that `release` will free right after it (op i may write over them, backend/wasm-inplace.ts) */
  const dyingOperands = (i: number): Set<tf.Tensor> =>
    new Set(lastReads(i).filter(([p, v]) => v instanceof tf.Tensor && !heldElsewhere(p, v)).map(([, v]) => v as unknown as tf.Tensor))
  const pick = (): T[] =>
    want.map((id) => {
      const v = id === -1 ? x : (made.get(id) ?? kept.get(id))
      if (v === undefined) throw new ZsnasError('INVALID_OPTION', `segment (${seg.from}, ${seg.to}]: value of op ${id} is neither made nor kept`)
      return v
    })
  const wrapped = {} as Record<OpName, (...a: unknown[]) => unknown>
  for (const name of OP_NAMES) {
    const f = (ops[name] as (...a: unknown[]) => unknown).bind(ops)
    wrapped[name] = (...a: unknown[]) => {
      const i = ++index
      if (i <= seg.from) {
        if (name === 'relu') relus++
        if (i === seg.from) offset.value = relus
        return kept.get(i) ?? GHOST
      }
      for (const v of operands(name, a)) {
        if (v === GHOST) {
          throw new ZsnasError('BAD_VALUE', `network '${def.name}': op ${i} (${name}) reads a value made before op ${seg.from} that is not kept`)
        }
      }
      const out = (free === undefined ? f(...a) : withDyingOperands(dyingOperands(i), () => f(...a))) as T
      made.set(i, out)
      if (free !== undefined) release(i, out)
      if (i === seg.to) throw new SegmentDone(pick())
      return out
    }
  }
  const wrapper = {
    ...wrapped,
    unitOutput: (v: T | Ghost, unit: number) => (v === GHOST ? GHOST : ops.unitOutput(v as T, unit)),
  } as unknown as Ops<T | Ghost>
  if (seg.from === -1) offset.value = 0
  try {
    def.forward(wrapper, x)
  } catch (e) {
    if (e instanceof SegmentDone) return e.value as T[]
    throw e
  }
  throw new ZsnasError('INVALID_OPTION', `network '${def.name}' has ${index + 1} ops; segment (${seg.from}, ${seg.to}] lies beyond them`)
}

/** Which ops each op reads (−1 = the network input), from one pass over the definition (no tensors). */
export interface OpGraph {
  /** inputs[i] = producers of op i's operands */
  inputs: number[][]
  /** cuts: op indices after which only that op's output is live (see the module comment), ascending; the last op is not one */
  cuts: number[]
  /** live[i]: values (op indices, −1 = network input) made at ≤ i that an op after i reads, ascending; live[last] = [last] */
  live: number[][]
}

/** Traces `def`'s op graph and its valid cut points. */
export function traceCuts(def: NetworkDef): OpGraph {
  const inputs: number[][] = []
  const op =
    (name: OpName) =>
    (...a: unknown[]): number => {
      inputs.push(operands(name, a) as number[])
      return inputs.length - 1
    }
  const g = {} as Record<OpName, (...a: unknown[]) => number>
  for (const name of OP_NAMES) g[name] = op(name)
  const tracer = { ...g, unitOutput: (v: number) => v } as unknown as Ops<number>
  def.forward(tracer, -1)
  const n = inputs.length
  const lastUse = new Map<number, number>()
  inputs.forEach((ins, i) => ins.forEach((v) => lastUse.set(v, Math.max(lastUse.get(v) ?? -1, i))))
  // live[i] = number of values made at ≤ i (input included) that an op after i reads
  const diff = new Int32Array(n + 1)
  for (const [v, last] of lastUse) {
    const start = Math.max(v, 0)
    if (last > start) {
      diff[start]++
      diff[last]--
    }
  }
  const cuts: number[] = []
  let count = 0
  for (let i = 0; i < n - 1; i++) {
    count += diff[i]
    if (count === 1 && (lastUse.get(i) ?? -1) > i) cuts.push(i)
  }
  const live: number[][] = Array.from({ length: n }, () => [])
  for (const [v, last] of lastUse) for (let i = Math.max(v, 0); i < last; i++) live[i].push(v)
  for (const l of live) l.sort((a, b) => a - b)
  live[n - 1] = [n - 1]
  return { inputs, cuts, live }
}

/** lastReaders(g)[v] = the last op that reads op v's output (−1: none). */
const lastReadersCache = new WeakMap<OpGraph, Int32Array>()
function lastReaders(g: OpGraph): Int32Array {
  let r = lastReadersCache.get(g)
  if (r === undefined) {
    r = new Int32Array(g.inputs.length).fill(-1)
    g.inputs.forEach((ins, i) => ins.forEach((v) => v >= 0 && (r![v] = Math.max(r![v], i))))
    lastReadersCache.set(g, r)
  }
  return r
}

/** The value operands of an op call (the other arguments are names and numbers). */
function operands(name: OpName, a: unknown[]): unknown[] {
  if (name === 'concatChannels') return a[0] as unknown[]
  return name === 'add' || name === 'mulChannels' ? [a[0], a[1]] : [a[0]]
}
