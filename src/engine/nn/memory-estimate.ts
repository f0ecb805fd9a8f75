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
import { offloadsByDefault } from './host-store'
import { ZsnasError } from '../core/errors'
import { traceCuts, type OpGraph, type Segment } from './segments'
import { batchChunks } from './ops/batch-chunks'
import { inputGradChunks } from './ops/conv'
import { heapWritable } from '../backend/wasm-inplace'

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
  /** host bytes of the checkpointed pass's offloaded boundary values and carried gradients at their peak */
  hostBytes: number
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
  /** checkpointed boundary values live on the host (nn/host-store.ts); default: run-checkpointed's (on wasm) */
  offload?: boolean
  /**
   * split backwards write into heap buffers (backend/wasm-inplace.ts: chunks copied into one allocation, ReLU/BN
   * gradients over dy) instead of concatenating; default: the active backend can (wasm)
   */
  heapWrites?: boolean
  /** the plan has at least two segments wherever the network has a valid cut, even when one segment estimates lower (checkpoint=on) */
  split?: boolean
}

const F32 = 4
/** the Gram of a response hook works on blocks of ≤ 64 MiB (proxies/responses.ts GRAM_BLOCK_BYTES): a slice, its transposed copy, XNNPACK's packed operand */
const hookBytes = (b: number): number => (b > 64 * 2 ** 20 ? 3 * 64 * 2 ** 20 : b)

/**
 * Transient bytes of training-mode BN's backward for a map of `b` bytes (ops/batch-norm.ts, ops/batch-chunks.ts);
 * split with heap writes (wasm): dx's chunks are written over dy, a few chunks only.
 */
function bnBackwardBytes(b: number, n: number, heapWrites: boolean): number {
  const k = batchChunks(b, n)
  // unsplit: x − μ rebuilt, dy·(x − μ), both terms and dx — the product is freed first, but 4 maps match tfjs'
  // measured peak on NB201 best; split: those per chunk (x − μ included)
  return k === 1 ? 5 * b : (heapWrites ? 0 : 2 * b) + (5 * b) / k
}

function outSize(h: number, k: number, s: number, pad: Padding): number {
  if (pad === 'same') return Math.ceil(h / s)
  if (pad === 'valid') return Math.floor((h - k) / s) + 1
  return Math.floor((h + 2 * pad - k) / s) + 1
}

/** Estimates the peak tensor bytes of the plain and the checkpointed pass (see the module comment). */
export function estimatePassBytes(def: NetworkDef, opts: EstimateOptions): PassEstimate {
  // offload's default is run-checkpointed's
  const o = { ...opts, offload: opts.offload ?? offloadsByDefault() }
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) {
    throw new ZsnasError('INVALID_OPTION', `memory estimate: batchSize must be a positive integer, got ${o.batchSize}`)
  }
  const specs = new Map(def.params.map((p) => [p.name, p]))
  const heapWrites = o.heapWrites ?? heapWritable()
  const bytes = (s: Shape): number => s.h * s.w * s.c * o.batchSize * F32
  const costs: OpCost[] = []
  /** an op's output: `held`/`saved` maps of its size, `transient` maps during its forward, `backwardBytes` during its backward */
  /** buffer-level facts of the op being emitted (see OpCost); reset after each emit */
  let extra: Pick<OpCost, 'own' | 'savesOut' | 'savesIn' | 'hook' | 'bwdLast'> = { own: 0, savesOut: false, savesIn: [], hook: 0 }
  const emit = (s: Shape, held = 1, saved = 0, transient = 0, backwardBytes = 0, transientBytes = 0): Shape => {
    const b = bytes(s)
    costs.push({ ins: [], ...extra, held: held * b, saved: saved * b, fwdTransient: Math.max(transient * b, transientBytes), bwdTransient: backwardBytes, out: b })
    extra = { own: 0, savesOut: false, savesIn: [], hook: 0 }
    return s
  }
  const mark = (e: Partial<typeof extra>): void => {
    extra = { ...extra, ...e }
  }
  const ops: Ops<Shape> = {
    conv2d(x, weight, c: ConvOptions) {
      const w = specs.get(weight)
      if (w === undefined) throw new ZsnasError('NOT_FOUND', `memory estimate: parameter '${weight}' is not in network '${def.name}'`)
      const k = w.shape[0]
      const outC = c.depthwise ? x.c : w.shape[3]
      // backward: dy dilated/padded to the input's spatial size (out channels), and dx; split over k batch chunks (ops/conv.ts): a chunk's dilation, dx's chunks and their concatenation
      const k1 = inputGradChunks([o.batchSize, x.h, x.w, x.c], outC, c.stride)
      const dil = bytes({ ...x, c: outC })
      // (stride > 1: ops/spread.ts pads rows then columns — half a map, a map, and the reshapes tfjs counts again)
      // split: the chunks' dx are concatenated (2 maps of dx), or copied into one allocation (heap writes)
      const back = k1 === 1 ? (c.stride > 1 ? 3 : 1) * dil + bytes(x) : (3 * dil) / k1 + (heapWrites ? 1 : 2) * bytes(x)
      return emit({ h: outSize(x.h, k, c.stride, c.pad), w: outSize(x.w, k, c.stride, c.pad), c: outC }, 1, 0, 0, back)
    },
    // BN (ops/batch-norm.ts) saves its input; the forward holds x − μ and (x − μ)² or y besides x — per chunk above
    // the split threshold (y assembled from its chunks); its backward: bnBackwardBytes
    batchNorm: (x) => {
      if (o.bn === 'off') return emit({ ...x }, 0)
      const kb = batchChunks(bytes(x), o.batchSize)
      mark({ savesIn: [0] })
      return emit({ ...x }, 1, 0, 0, bnBackwardBytes(bytes(x), o.batchSize, heapWrites), kb === 1 ? bytes(x) : (3 * bytes(x)) / kb + (heapWrites ? 0 : bytes(x)))
    },
    // a response hook's Gram (proxies/responses.ts) copies one block of ≤ 64 MiB (and XNNPACK packs it): ≤ 1 map
    // (the ReLU's mask is freed before the hook runs; counted anyway: tfjs' byte count, which this is checked against, also counts views)
    relu: (x) => {
      // the backward hook runs once dy and the saved mask are freed (nn/tape.ts afterGradient): g + the Gram's block
      // (the Gram's block: its reshape and transposed copy and XNNPACK's packed operand, ≤ 3 × 64 MiB; tfjs counts the views too)
      // it saves a bool mask (ops/relu.ts: 1 byte per element); its backward makes the float mask and dy·mask —
      // split with heap writes: per chunk, written over dy (a chunk's slices, mask and product only)
      const kr = heapWrites ? batchChunks(bytes(x), o.batchSize) : 1
      const own = kr > 1 ? (4 * bytes(x)) / kr : 2 * bytes(x)
      mark({ own: bytes(x) / 4, hook: o.reluHooks ? bytes(x) + 3 * Math.min(bytes(x), 64 * 2 ** 20) : 0, bwdLast: own })
      return emit({ ...x }, 1.25, 0.25, 0, own + (o.reluHooks ? hookBytes(bytes(x)) : 0), o.reluHooks ? hookBytes(bytes(x)) : 0)
    },
    add: (a) => emit({ ...a }),
    zero: (x) => emit({ ...x }),
    avgPool: (x, k, s, pad) => (mark({ savesIn: [0] }), emit({ h: outSize(x.h, k, s, pad), w: outSize(x.w, k, s, pad), c: x.c }, 1, 1, 0, 3 * bytes(x))),
    // the backward (ops/pool.ts) builds every tap's masks in one scope: ≈ 9 maps per tap, plus the padded input and sum
    maxPool: (x, k, s, pad) => (mark({ savesIn: [0], savesOut: true }), emit({ h: outSize(x.h, k, s, pad), w: outSize(x.w, k, s, pad), c: x.c }, 1, 1, 0, (9 * k * k + 2) * bytes(x))),
    globalAvgPool: (x) => emit({ h: 1, w: 1, c: x.c }),
    linear(x, weight) {
      const w = specs.get(weight)
      if (w === undefined) throw new ZsnasError('NOT_FOUND', `memory estimate: parameter '${weight}' is not in network '${def.name}'`)
      return emit({ h: 1, w: 1, c: w.shape[1] })
    },
    concatChannels: (xs) => emit({ h: xs[0].h, w: xs[0].w, c: xs.reduce((a, x) => a + x.c, 0) }),
    sliceChannels: (x, n) => emit({ h: x.h, w: x.w, c: n }),
    sigmoid: (x) => (mark({ savesOut: true }), emit({ ...x }, 1, 1)),
    mulChannels: (x) => (mark({ savesIn: [0, 1] }), emit({ ...x }, 1, 1)),
    resizeBilinear: (x, size) => emit({ h: size, w: size, c: x.c }, 1, 1),
    unitOutput: (x) => x,
  }
  const [h, w, c] = def.inputShape
  def.forward(ops, { h, w, c })
  const inputBytes = bytes({ h, w, c })
  // the backward's derived kernels (flipped / transposed weights, ops/kernel-cache.ts) stay cached with the parameters
  const kernels = o.backwards > 0 ? def.params.filter((p) => p.kind !== 'bias' && p.kind !== 'bnGamma' && p.kind !== 'bnBeta').reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1) * F32, 0) : 0
  const graph = traceCuts(def)
  if (graph.inputs.length !== costs.length) {
    throw new ZsnasError('BAD_VALUE', `memory estimate: network '${def.name}' traced ${graph.inputs.length} ops, the estimate ${costs.length}`)
  }
  graph.inputs.forEach((ins, i) => (costs[i].ins = ins))
  const sim = checkpointSimulator(costs, graph, inputBytes, kernels, o)
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
    const r = sim(segs)
    // offloaded boundary values cost host memory instead of heap: the plan minimises both together (the process's RSS)
    const sorted = r.segmentPeaks.map((p) => p + r.hostBytes).sort((a, b) => b - a)
    const forced = o.split === true && best.segments.length === 1 && segs.length > 1
    if (forced || lower(sorted, best.sorted)) best = { peak: r.peak, segments: segs, sorted }
  }
  // refinement: split the segment with the highest peak at the point that lowers the plan most, while that helps
  // (the greedy targets cut every segment alike; MobileNetV2's first stage dominates at 256–320 px)
  if (best.segments.length > 1 || last > 0) {
    for (let round = 0; round < 64; round++) {
      const cur = sim(best.segments)
      const w = cur.segmentPeaks.indexOf(Math.max(...cur.segmentPeaks))
      const sg = best.segments[w]
      let next: typeof best | undefined
      for (let i = sg.from + 1; i < sg.to; i++) {
        if (liveBytes(i) > 4 * costs[i].out) continue
        const segs = [...best.segments.slice(0, w), { from: sg.from, to: i }, { from: i, to: sg.to }, ...best.segments.slice(w + 1)]
        const r = sim(segs)
        const sorted = r.segmentPeaks.map((p) => p + r.hostBytes).sort((a, b) => b - a)
        if (lower(sorted, (next ?? best).sorted)) next = { peak: r.peak, segments: segs, sorted }
      }
      if (next === undefined) break
      best = next
    }
  }
  const r = sim(best.segments)
  return { plainBytes, checkpointedBytes: r.peak, hostBytes: r.hostBytes, segments: best.segments, segmentPeaks: r.segmentPeaks }
}

/**
 * The checkpointed pass (nn/run-checkpointed.ts) simulated buffer by buffer
 * for a plan: per segment the larger of
 * - its forward: the uploaded sources + the values made and still read
 *   (eager frees, nn/segments.ts) + the op's transient and output;
 * - its recorded forward: the same + every saved buffer so far (BN's x − μ,
 *   saved outputs/operands);
 * - its backward: the saved buffers of the nodes not yet passed (all of them
 *   for a backward that is not the tape's last) + one gradient per value of
 *   the live frontier + the node's transient; a ReLU's hook after its dy and
 *   saved output are freed;
 * plus the network input and the backward's cached kernels. With `offload`
 * (default) boundary values and carried gradients live on the host
 * (`hostBytes`: every boundary value at the end of the forward + one
 * boundary's gradients per backward in flight); without, they stay on the
 * device and add to every segment after the one that made them.
 */
function checkpointSimulator(costs: readonly OpCost[], graph: OpGraph, inputBytes: number, kernels: number, o: EstimateOptions) {
  const n = costs.length
  const lastUse = new Int32Array(n).fill(-1)
  costs.forEach((q, i) => q.ins.forEach((v) => v >= 0 && (lastUse[v] = Math.max(lastUse[v], i))))
  const size = (v: number): number => (v === -1 ? inputBytes : costs[v].out)
  const sum = (vs: Iterable<number>): number => {
    let a = 0
    for (const v of vs) a += v === -1 ? 0 : size(v)
    return a
  }
  const B = o.backwards
  const inFlight = o.separateSweeps === true ? 1 : B
  return (segs: readonly Segment[]): { peak: number; segmentPeaks: number[]; hostBytes: number } => {
    const segmentPeaks: number[] = []
    const kept = new Set<number>()
    let maxBoundary = 0
    for (const [k, sg] of segs.entries()) {
      const lastSeg = k === segs.length - 1
      const sources = sg.from === -1 ? [] : graph.live[sg.from].filter((v) => v !== -1)
      const want = new Set(lastSeg ? [sg.to] : graph.live[sg.to])
      const onDevice = o.offload === false ? sum([...kept].filter((v) => !sources.includes(v))) : 0
      /** forward (recorded = with saved buffers), returns its peak and the saved buffers left (value ids + own bytes per op) */
      const forward = (recorded: boolean): { peak: number; savedVals: Map<number, number>; own: Map<number, number> } => {
        const alive = new Set<number>(sources)
        const savedVals = new Map<number, number>() // value → lowest op saving it
        const own = new Map<number, number>() // op → own saved bytes
        let peak = 0
        for (let i = sg.from + 1; i <= sg.to; i++) {
          const q = costs[i]
          const savedBytes = recorded ? sum([...savedVals.keys()].filter((v) => !alive.has(v))) + [...own.values()].reduce((a, b) => a + b, 0) : 0
          const transient = recorded ? q.fwdTransient : q.fwdTransient + q.own
          peak = Math.max(peak, sum(alive) + savedBytes + transient + q.out)
          if (recorded) {
            if (q.own > 0) own.set(i, q.own)
            if (q.savesOut && !savedVals.has(i)) savedVals.set(i, i)
            for (const p of q.savesIn) if (!savedVals.has(q.ins[p])) savedVals.set(q.ins[p], i)
          }
          if (lastUse[i] > i || want.has(i)) alive.add(i)
          for (const p of q.ins) if (p >= 0 && lastUse[p] === i && !want.has(p) && !sources.includes(p)) alive.delete(p)
        }
        return { peak, savedVals, own }
      }
      let peak = B > 0 && lastSeg ? 0 : forward(false).peak
      if (B > 0) {
        const rec = forward(true)
        peak = Math.max(peak, rec.peak + kernels)
        // one backward per sweep in flight; the last backward over the tape frees as it goes
        for (let b = 0; b < inFlight; b++) {
          const last = b === inFlight - 1
          const grads = new Set<number>(lastSeg ? [] : want)
          const savedVals = new Map(rec.savedVals)
          const own = new Map(rec.own)
          for (let i = sg.to; i > sg.from; i--) {
            const q = costs[i]
            const held = (): number => sum(savedVals.keys()) + [...own.values()].reduce((a, c) => a + c, 0) + sum(grads) + kernels
            peak = Math.max(peak, held() + (last && q.bwdLast !== undefined ? q.bwdLast : q.bwdTransient))
            grads.delete(i)
            if (last) {
              own.delete(i)
              for (const [v, j] of savedVals) if (j === i) savedVals.delete(v)
            }
            if (q.hook > 0) peak = Math.max(peak, held() + q.hook)
            for (const p of q.ins) if (p >= sg.from + 1 || sources.includes(p) || p === -1) grads.add(p)
          }
        }
      }
      segmentPeaks.push(inputBytes + onDevice + peak)
      if (!lastSeg) {
        for (const v of graph.live[sg.to]) if (v !== -1) kept.add(v)
        maxBoundary = Math.max(maxBoundary, sum(graph.live[sg.to]))
      }
    }
    const hostBytes = o.offload === false ? 0 : sum(kept) + inFlight * maxBoundary
    return { peak: Math.max(...segmentPeaks), segmentPeaks, hostBytes }
  }
}

interface OpCost {
  /** operands (op indices, −1 = the network input) */
  ins: number[]
  /** bytes of buffers the op saves for its backward besides its output and operands (BN: x − μ) */
  own: number
  /** the op saves its output buffer (ReLU, sigmoid, max pooling) */
  savesOut: boolean
  /** operand positions whose buffers the op saves (mulChannels: both; pooling: its input) */
  savesIn: number[]
  /** extra bytes after the backward has freed dy and the saved tensors (a ReLU's response hook) */
  hook: number
  /** the backward's transient on the tape's last backward, where the op frees a saved buffer early (ReLU: its output after the mask) */
  bwdLast?: number
  /** bytes the forward holds until its scope ends */
  held: number
  /** bytes the backward still needs (saved for the gradients) */
  saved: number
  fwdTransient: number
  bwdTransient: number
  /** the output's bytes */
  out: number
}
