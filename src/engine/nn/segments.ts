/**
 * Running ONE segment of a network's forward: the piece between two
 * top-level unit outputs (`Ops.unitOutput`), from a kept boundary tensor.
 * This is what checkpointing (nn/run-checkpointed.ts, SynFlow) is built on:
 * `NetworkDef.forward` is one function, so a segment is run by interpreting
 * the whole forward with `segmentOps`, which
 *   - before the segment ("skip"): computes nothing — every op returns a
 *     placeholder, ReLU calls are only counted (so ReLU call indices stay
 *     those of a full forward);
 *   - at the boundary `unitOutput(·, s−1)`: substitutes the kept input;
 *   - inside the segment ("run"): delegates to the real interpreter;
 *   - at `unitOutput(·, s)`: hands the output to the caller and stops the
 *     forward (throws `SegmentDone`, caught by `runSegment`).
 *
 * Segments are numbered 0..numBlocks: segment s ends at unit s's output;
 * segment 0 starts at the network input, segment numBlocks (the head) ends
 * at the logits.
 *
 * Guarantee: a segment computes exactly the ops a full forward computes
 * between the two boundaries, with the same interpreter, in the same order.
 * A network is checkpointable when no op in a segment reads a value made in
 * an earlier segment other than through the boundary (`checkSegmentable`);
 * `runSegment` throws `ZsnasError('BAD_VALUE')` if that is violated.
 */
import type { NetworkDef, Ops } from '../core/network'
import { ZsnasError } from '../core/errors'

/** The placeholder value of ops that lie before the segment. */
const GHOST: unique symbol = Symbol('ghost')
type Ghost = typeof GHOST

class SegmentDone extends Error {
  constructor(readonly value: unknown) {
    super('segment done')
  }
}

/** How the ReLU calls of a skipped prefix shift the real interpreter's numbering. */
export interface SegmentReluOffset {
  /** number of ReLU calls before the segment's first op (set while the forward runs) */
  value: number
}

/**
 * Runs segment `s` of `def` on the interpreter `ops` (create one per call:
 * interpreters number ReLU calls from 0 — add `offset.value` to get the
 * full-forward index). `input` is the output of unit s−1 (ignored for s = 0,
 * where `x` is the network input). Returns the segment's output (unit s's
 * output, or the logits for s = numBlocks).
 */
export function runSegment<T>(def: NetworkDef, ops: Ops<T>, s: number, x: T, input: T | undefined, offset: SegmentReluOffset = { value: 0 }): T {
  if (!Number.isInteger(s) || s < 0 || s > def.numBlocks) {
    throw new ZsnasError('INVALID_OPTION', `segment ${s} of network '${def.name}' does not exist (0..${def.numBlocks})`)
  }
  if (s > 0 && input === undefined) throw new ZsnasError('INVALID_OPTION', `segment ${s} needs the output of unit ${s - 1}`)
  let running = s === 0
  let relus = 0
  let nextUnit = 0
  const ghost = (v: unknown): v is Ghost => v === GHOST
  const real = (what: string, ...vs: unknown[]): void => {
    for (const v of vs) {
      if (ghost(v)) {
        throw new ZsnasError('BAD_VALUE', `network '${def.name}': ${what} in unit ${s} reads a value made before unit ${s - 1}'s output; it cannot be checkpointed at unit boundaries`)
      }
    }
  }
  // one wrapper per op: placeholder before the segment, the real op inside it
  const w = <F extends (...a: never[]) => unknown>(name: string, f: F): F =>
    ((...a: unknown[]) => {
      if (!running) return GHOST
      real(name, ...a.flat())
      return (f as unknown as (...b: unknown[]) => unknown)(...a)
    }) as unknown as F
  const seg: Ops<T | Ghost> = {
    conv2d: w('conv2d', ops.conv2d.bind(ops)),
    batchNorm: w('batchNorm', ops.batchNorm.bind(ops)),
    relu: (xx, tag) => {
      if (!running) {
        relus++
        return GHOST
      }
      real('relu', xx)
      return ops.relu(xx as T, tag)
    },
    add: w('add', ops.add.bind(ops)),
    zero: w('zero', ops.zero.bind(ops)),
    avgPool: w('avgPool', ops.avgPool.bind(ops)),
    maxPool: w('maxPool', ops.maxPool.bind(ops)),
    globalAvgPool: w('globalAvgPool', ops.globalAvgPool.bind(ops)),
    linear: w('linear', ops.linear.bind(ops)),
    concatChannels: w('concatChannels', ops.concatChannels.bind(ops)),
    sliceChannels: w('sliceChannels', ops.sliceChannels.bind(ops)),
    sigmoid: w('sigmoid', ops.sigmoid.bind(ops)),
    mulChannels: w('mulChannels', ops.mulChannels.bind(ops)),
    resizeBilinear: w('resizeBilinear', ops.resizeBilinear.bind(ops)),
    unitOutput(v, unit) {
      if (unit !== nextUnit) {
        throw new ZsnasError('BAD_VALUE', `network '${def.name}' marked unit ${unit} where unit ${nextUnit} was expected (units must be marked once each, in order)`)
      }
      nextUnit++
      if (!running) {
        if (unit === s - 1) {
          running = true
          offset.value = relus
          return input as T
        }
        return GHOST
      }
      real('unitOutput', v)
      const out = ops.unitOutput(v as T, unit)
      if (unit === s) throw new SegmentDone(out)
      return out
    },
  }
  try {
    const out = def.forward(seg, running ? x : (GHOST as T | Ghost))
    if (!running || s !== def.numBlocks) {
      throw new ZsnasError('BAD_VALUE', `network '${def.name}' marked ${nextUnit} units, its definition says ${def.numBlocks}`)
    }
    real('the logits', out)
    return out as T
  } catch (e) {
    if (e instanceof SegmentDone) return e.value as T
    throw e
  }
}

/** A shape-free tag: which segment made a value. */
interface Tag {
  seg: number
}

/**
 * True when every unit is marked once, in order, and every op reads only
 * values of its own segment or the previous unit's output — i.e. the network
 * can be run segment by segment. Cheap (no tensors; one pass over the
 * definition).
 */
export function checkSegmentable(def: NetworkDef): boolean {
  let seg = 0
  let ok = true
  let nextUnit = 0
  const use = (...vs: Tag[]): Tag => {
    for (const v of vs) if (v.seg !== seg) ok = false
    return { seg }
  }
  const ops: Ops<Tag> = {
    conv2d: (x) => use(x),
    batchNorm: (x) => use(x),
    relu: (x) => use(x),
    add: (a, b) => use(a, b),
    zero: (x) => use(x),
    avgPool: (x) => use(x),
    maxPool: (x) => use(x),
    globalAvgPool: (x) => use(x),
    linear: (x) => use(x),
    concatChannels: (xs) => use(...xs),
    sliceChannels: (x) => use(x),
    sigmoid: (x) => use(x),
    mulChannels: (x, g) => use(x, g),
    resizeBilinear: (x) => use(x),
    unitOutput(x, unit) {
      if (unit !== nextUnit) ok = false
      nextUnit++
      use(x)
      seg++
      return { seg }
    },
  }
  try {
    use(def.forward(ops, { seg: 0 }))
  } catch {
    return false
  }
  return ok && nextUnit === def.numBlocks
}
