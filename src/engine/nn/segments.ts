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
import { ZsnasError } from '../core/errors'

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
 * Runs segment `seg` of `def` on the interpreter `ops` (create one per call:
 * interpreters number ReLU calls from 0 — add `offset.value` for the
 * full-forward index). `input` is op `seg.from`'s output (unused when
 * from = −1; `x` is the network input). Returns op `seg.to`'s output.
 */
export function runSegment<T>(def: NetworkDef, ops: Ops<T>, seg: Segment, x: T, input: T | undefined, offset: SegmentReluOffset = { value: 0 }): T {
  if (!(Number.isInteger(seg.from) && Number.isInteger(seg.to) && seg.from >= -1 && seg.to > seg.from)) {
    throw new ZsnasError('INVALID_OPTION', `segment (${seg.from}, ${seg.to}] of network '${def.name}' is not a range of ops`)
  }
  if (seg.from >= 0 && input === undefined) throw new ZsnasError('INVALID_OPTION', `segment (${seg.from}, ${seg.to}] needs op ${seg.from}'s output`)
  let index = -1
  let relus = 0
  const wrapped = {} as Record<OpName, (...a: unknown[]) => unknown>
  for (const name of OP_NAMES) {
    const f = (ops[name] as (...a: unknown[]) => unknown).bind(ops)
    wrapped[name] = (...a: unknown[]) => {
      const i = ++index
      if (i <= seg.from) {
        if (name === 'relu') relus++
        if (i === seg.from) {
          offset.value = relus
          return input
        }
        return GHOST
      }
      for (const v of operands(name, a)) {
        if (v === GHOST) {
          throw new ZsnasError('BAD_VALUE', `network '${def.name}': op ${i} (${name}) reads a value made before op ${seg.from}; no valid cut there`)
        }
      }
      const out = f(...a)
      if (i === seg.to) throw new SegmentDone(out)
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
    if (e instanceof SegmentDone) return e.value as T
    throw e
  }
  throw new ZsnasError('INVALID_OPTION', `network '${def.name}' has ${index + 1} ops; segment (${seg.from}, ${seg.to}] lies beyond them`)
}

/** Which ops each op reads (−1 = the network input), from one pass over the definition (no tensors). */
export interface OpGraph {
  /** inputs[i] = producers of op i's operands */
  inputs: number[][]
  /** cuts: op indices after which the forward may be split (see the module comment), ascending; the last op is not one */
  cuts: number[]
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
  let live = 0
  for (let i = 0; i < n - 1; i++) {
    live += diff[i]
    if (live === 1 && (lastUse.get(i) ?? -1) > i) cuts.push(i)
  }
  return { inputs, cuts }
}

/** The value operands of an op call (the other arguments are names and numbers). */
function operands(name: OpName, a: unknown[]): unknown[] {
  if (name === 'concatChannels') return a[0] as unknown[]
  return name === 'add' || name === 'mulChannels' ? [a[0], a[1]] : [a[0]]
}
