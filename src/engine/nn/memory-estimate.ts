/**
 * Peak tensor bytes of a forward/backward pass, estimated from the network
 * definition alone (a shape-only `Ops` interpreter; nothing runs on a backend).
 *
 * Model (float32, batch N; "out" = the op's output, in bytes):
 * - While a forward runs inside one `tf.tidy` (the plain pass) every op's
 *   output stays allocated until the forward ends; training-mode BN also
 *   keeps x − μ for its backward (2·out); every other op keeps its output
 *   (ReLU's saved output and a conv's saved input are buffers that already
 *   exist). Inside an op, BN briefly holds one more map ((x − μ)²), and a
 *   response hook on a ReLU one more (the transposed copy its Gram needs).
 *   In the backward, BN's gradient briefly holds 4 maps (2 + 4 chunks when
 *   split over the batch, ops/batch-chunks.ts), a ReLU's 2 (+1 for a
 *   response hook), a conv's dy dilated to the input's size and dx (split over the batch where that is lower), avg pooling's 3 maps; max pooling's holds ≈ 9k²+2 maps of its input (ops/pool.ts
 *   builds every tap's masks in one scope).
 * - The backward holds a subset of the forward's buffers plus a few
 *   gradients of the live frontier, so the forward's peak bounds it up to
 *   those gradients (`backwards` × the largest map ×2).
 * - plain peak = input + Σ over all ops (persistent) + the largest transient.
 * - checkpointed peak, for a plan of segments (nn/segments.ts) = input +
 *   max over segments s of (kept boundary outputs before s + the larger of
 *   s's forward (Σ held + largest transient) and s's backward (Σ saved +
 *   cached kernels + largest transient + the gradients of every backward)).
 *   The plan is chosen here: greedy cuts at valid points once a segment
 *   holds ≥ a target, the target that minimises the estimated peak.
 * Measured against tfjs' own byte count (`tf.profile` peak) on NB201, NB101
 * and MobileNetV2 networks: within 25 % (tests/engine/nn/memory-estimate.test.ts).
 * Shapes follow the same rules as the counting interpreter (count.ts).
 */
import type { ConvOptions, NetworkDef, Ops, Padding } from '../core/network'
import { ZsnasError } from '../core/errors'
import { traceCuts, type Segment } from './segments'
import { batchChunks } from './ops/batch-chunks'
import { inputGradChunks } from './ops/conv'

interface Shape {
  h: number
  w: number
  c: number
}

export interface PassEstimate {
  /** peak bytes of the plain (whole-network) pass */
  plainBytes: number
  /** peak bytes of the checkpointed (unit-by-unit) pass */
  checkpointedBytes: number
  /** the checkpointing plan whose peak is `checkpointedBytes` (one segment = no useful cut) */
  segments: Segment[]
  /** estimated peak while each segment of the plan runs (forward or backward, kept values included) */
  segmentPeaks: number[]
}

export interface EstimateOptions {
  batchSize: number
  /** number of backward passes from the same forward (0 = forward only) */
  backwards: number
  /** response hooks read ReLU activations (one transient copy per call) */
  reluHooks: boolean
  bn: 'train' | 'off'
  /** checkpointed backwards run one sweep each (nn/run-checkpointed.ts `separateSweeps`): one backward's gradients alive */
  separateSweeps?: boolean
}

const F32 = 4
/** the Gram of a response hook works on blocks of ≤ 64 MiB (proxies/responses.ts GRAM_BLOCK_BYTES): a slice, its transposed copy, XNNPACK's packed operand */
const hookBytes = (b: number): number => (b > 64 * 2 ** 20 ? 3 * 64 * 2 ** 20 : b)

/** Transient bytes of training-mode BN's backward for a map of `b` bytes (ops/batch-norm.ts, ops/batch-chunks.ts). */
function bnBackwardBytes(b: number, n: number): number {
  const k = batchChunks(b, n)
  // unsplit: dy·(x − μ), both terms and dx — the product is freed first, but 4 maps match tfjs' measured peak on NB201 best
  return k === 1 ? 4 * b : 2 * b + (4 * b) / k
}

function outSize(h: number, k: number, s: number, pad: Padding): number {
  if (pad === 'same') return Math.ceil(h / s)
  if (pad === 'valid') return Math.floor((h - k) / s) + 1
  return Math.floor((h + 2 * pad - k) / s) + 1
}

/** Estimates the peak tensor bytes of the plain and the checkpointed pass (see the module comment). */
export function estimatePassBytes(def: NetworkDef, o: EstimateOptions): PassEstimate {
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) {
    throw new ZsnasError('INVALID_OPTION', `memory estimate: batchSize must be a positive integer, got ${o.batchSize}`)
  }
  const specs = new Map(def.params.map((p) => [p.name, p]))
  const bytes = (s: Shape): number => s.h * s.w * s.c * o.batchSize * F32
  const costs: OpCost[] = []
  /** an op's output: `held`/`saved` maps of its size, `transient` maps during its forward, `backwardBytes` during its backward */
  const emit = (s: Shape, held = 1, saved = 0, transient = 0, backwardBytes = 0, transientBytes = 0): Shape => {
    const b = bytes(s)
    costs.push({ held: held * b, saved: saved * b, fwdTransient: Math.max(transient * b, transientBytes), bwdTransient: backwardBytes, out: b })
    return s
  }
  const ops: Ops<Shape> = {
    conv2d(x, weight, c: ConvOptions) {
      const w = specs.get(weight)
      if (w === undefined) throw new ZsnasError('NOT_FOUND', `memory estimate: parameter '${weight}' is not in network '${def.name}'`)
      const k = w.shape[0]
      const outC = c.depthwise ? x.c : w.shape[3]
      // backward: dy dilated/padded to the input's spatial size (out channels; stride > 1: the dilation and its reshape,
      // which tfjs counts twice), and dx; split over k batch chunks (ops/conv.ts): a chunk's dilation, dx's chunks and their concatenation
      const k1 = inputGradChunks([o.batchSize, x.h, x.w, x.c], outC, c.stride)
      const dil = bytes({ ...x, c: outC })
      const back = k1 === 1 ? (c.stride > 1 ? 2 : 1) * dil + bytes(x) : (2 * dil) / k1 + 2 * bytes(x)
      return emit({ h: outSize(x.h, k, c.stride, c.pad), w: outSize(x.w, k, c.stride, c.pad), c: outC }, 1, 0, 0, back)
    },
    // BN's backward (ops/batch-norm.ts): its two dx terms and dx; split over k batch chunks: dx's chunks, their concatenation and a few chunks
    batchNorm: (x) => (o.bn === 'off' ? emit({ ...x }, 0) : emit({ ...x }, 2, 1, 1, bnBackwardBytes(bytes(x), o.batchSize))),
    // a response hook's Gram (proxies/responses.ts) copies one block of ≤ 64 MiB (and XNNPACK packs it): ≤ 1 map
    // (the ReLU's mask is freed before the hook runs; counted anyway: tfjs' byte count, which this is checked against, also counts views)
    relu: (x) => emit({ ...x }, 1, 1, 0, 2 * bytes(x) + (o.reluHooks ? hookBytes(bytes(x)) : 0), o.reluHooks ? hookBytes(bytes(x)) : 0),
    add: (a) => emit({ ...a }),
    zero: (x) => emit({ ...x }),
    avgPool: (x, k, s, pad) => emit({ h: outSize(x.h, k, s, pad), w: outSize(x.w, k, s, pad), c: x.c }, 1, 1, 0, 3 * bytes(x)),
    // the backward (ops/pool.ts) builds every tap's masks in one scope: ≈ 9 maps per tap, plus the padded input and sum
    maxPool: (x, k, s, pad) => emit({ h: outSize(x.h, k, s, pad), w: outSize(x.w, k, s, pad), c: x.c }, 1, 1, 0, (9 * k * k + 2) * bytes(x)),
    globalAvgPool: (x) => emit({ h: 1, w: 1, c: x.c }),
    linear(x, weight) {
      const w = specs.get(weight)
      if (w === undefined) throw new ZsnasError('NOT_FOUND', `memory estimate: parameter '${weight}' is not in network '${def.name}'`)
      return emit({ h: 1, w: 1, c: w.shape[1] })
    },
    concatChannels: (xs) => emit({ h: xs[0].h, w: xs[0].w, c: xs.reduce((a, x) => a + x.c, 0) }),
    sliceChannels: (x, n) => emit({ h: x.h, w: x.w, c: n }),
    sigmoid: (x) => emit({ ...x }, 1, 1),
    mulChannels: (x) => emit({ ...x }, 1, 1),
    resizeBilinear: (x, size) => emit({ h: size, w: size, c: x.c }, 1, 1),
    unitOutput: (x) => x,
  }
  const [h, w, c] = def.inputShape
  def.forward(ops, { h, w, c })
  const inputBytes = bytes({ h, w, c })
  // the backward's derived kernels (flipped / transposed weights, ops/kernel-cache.ts) stay cached with the parameters
  const kernels = o.backwards > 0 ? def.params.filter((p) => p.kind !== 'bias' && p.kind !== 'bnGamma' && p.kind !== 'bnBeta').reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1) * F32, 0) : 0
  const graph = traceCuts(def)
  const liveBytes = (i: number): number => graph.live[i].reduce((a, v) => a + (v === -1 ? 0 : costs[v].out), 0)
  const peakOf = (segs: readonly Segment[], per?: number[]): number => {
    // forward: every boundary value so far stays kept (the backward recomputes from them)
    const kept = new Set<number>()
    const keptBytes = (): number => [...kept].reduce((a, v) => a + costs[v].out, 0)
    let peak = 0
    for (const sg of segs) {
      const part = costs.slice(sg.from + 1, sg.to + 1)
      const held = part.reduce((a, q) => a + q.held, 0) + Math.max(...part.map((q) => q.fwdTransient))
      const maxMap = Math.max(...part.map((q) => q.out))
      const back = o.backwards > 0 ? part.reduce((a, q) => a + q.saved, 0) + kernels + Math.max(...part.map((q) => q.bwdTransient)) + (o.separateSweeps === true ? 1 : o.backwards) * 2 * maxMap : 0
      peak = Math.max(peak, inputBytes + keptBytes() + Math.max(held, back))
      per?.push(inputBytes + keptBytes() + Math.max(held, back))
      for (const v of graph.live[sg.to]) if (v !== -1 && sg.to !== costs.length - 1) kept.add(v)
    }
    return peak
  }
  const last = costs.length - 1
  const whole: Segment[] = [{ from: -1, to: last }]
  const plainBytes = peakOf(whole)
  let best = { peak: plainBytes, segments: whole, sorted: [plainBytes] }
  /** a before b: segment peaks, largest first, compared in order (equal within 0.1 %) */
  const lower = (a: number[], b: number[]): boolean => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] < b[i] * (1 - 1e-3)) return true
      if (a[i] > b[i] * (1 + 1e-3)) return false
    }
    return a.length > b.length
  }
  // greedy plans: once a segment holds ≥ target bytes, cut at the first point whose live values are at most
  // `ratio` × the last op's output (avoids keeping a residual's input next to a small map); keep the best plan
  const total = costs.reduce((a, q) => a + q.held, 0)
  for (const ratio of [1.5, 2.5, 4, Infinity]) for (let target = total / 2; target >= total / 4096; target /= 1.4) {
    const segs: Segment[] = []
    let from = -1
    let acc = 0
    for (let i = 0; i < last; i++) {
      acc += costs[i].held
      if (acc >= target && liveBytes(i) <= ratio * costs[i].out) {
        segs.push({ from, to: i })
        from = i
        acc = 0
      }
    }
    segs.push({ from, to: last })
    // ties on the peak (one segment dominates every plan): the plan whose next-largest segments are lower — a coarse
    // plan with the same peak holds more everywhere else, and the wasm heap keeps its high-water mark
    const per: number[] = []
    const peak = peakOf(segs, per)
    const sorted = per.sort((a, b) => b - a)
    if (lower(sorted, best.sorted)) best = { peak, segments: segs, sorted }
  }
  const segmentPeaks: number[] = []
  peakOf(best.segments, segmentPeaks)
  return { plainBytes, checkpointedBytes: best.peak, segments: best.segments, segmentPeaks }
}

interface OpCost {
  /** bytes the forward holds until its scope ends */
  held: number
  /** bytes the backward still needs (saved for the gradients) */
  saved: number
  fwdTransient: number
  bwdTransient: number
  /** the output's bytes */
  out: number
}
