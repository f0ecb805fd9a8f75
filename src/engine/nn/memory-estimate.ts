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
 *   In the backward, BN's gradient briefly holds 4 maps, a ReLU's 2 (+1
 *   for a response hook), a conv's dy dilated to the input's size and dx, avg pooling's 3 maps; max pooling's holds ≈ 9k²+2 maps of its input (ops/pool.ts
 *   builds every tap's masks in one scope).
 * - The backward holds a subset of the forward's buffers plus a few
 *   gradients of the live frontier, so the forward's peak bounds it up to
 *   those gradients (`backwards` × the largest map ×2).
 * - plain peak = input + Σ over all ops (persistent) + the largest transient.
 * - checkpointed peak = input + max over units s of
 *   (kept outputs of units < s + Σ over unit s's ops + its largest transient
 *   + the boundary gradients of every backward).
 * Measured against tfjs' own byte count (`tf.profile` peak) on NB201, NB101
 * and MobileNetV2 networks: within 25 % (tests/engine/nn/memory-estimate.test.ts).
 * Shapes follow the same rules as the counting interpreter (count.ts).
 */
import type { ConvOptions, NetworkDef, Ops, Padding } from '../core/network'
import { ZsnasError } from '../core/errors'

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
  /** per segment (units 0..numBlocks−1, then the head): bytes its forward holds */
  segmentBytes: number[]
}

export interface EstimateOptions {
  batchSize: number
  /** number of backward passes from the same forward (0 = forward only) */
  backwards: number
  /** response hooks read ReLU activations (one transient copy per call) */
  reluHooks: boolean
  bn: 'train' | 'off'
}

const F32 = 4

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
  interface Seg {
    /** bytes the forward holds until the segment's scope ends */
    held: number
    /** bytes the backward still needs (saved for the gradients) */
    saved: number
    fwdTransient: number
    bwdTransient: number
    out: number
    maxMap: number
  }
  const fresh = (): Seg => ({ held: 0, saved: 0, fwdTransient: 0, bwdTransient: 0, out: 0, maxMap: 0 })
  const segments: Seg[] = [fresh()]
  const cur = (): Seg => segments[segments.length - 1]
  /** an op's output: `held`/`saved` maps of its size, `transient` maps during its forward, `backwardBytes` during its backward */
  const emit = (s: Shape, held = 1, saved = 0, transient = 0, backwardBytes = 0): Shape => {
    const b = bytes(s)
    const seg = cur()
    seg.held += held * b
    seg.saved += saved * b
    seg.fwdTransient = Math.max(seg.fwdTransient, transient * b)
    seg.bwdTransient = Math.max(seg.bwdTransient, backwardBytes)
    seg.maxMap = Math.max(seg.maxMap, b)
    return s
  }
  const ops: Ops<Shape> = {
    conv2d(x, weight, c: ConvOptions) {
      const w = specs.get(weight)
      if (w === undefined) throw new ZsnasError('NOT_FOUND', `memory estimate: parameter '${weight}' is not in network '${def.name}'`)
      const k = w.shape[0]
      const outC = c.depthwise ? x.c : w.shape[3]
      // backward: dy dilated/padded to the input's spatial size (out channels), and dx
      return emit({ h: outSize(x.h, k, c.stride, c.pad), w: outSize(x.w, k, c.stride, c.pad), c: outC }, 1, 0, 0, bytes({ ...x, c: outC }) + bytes(x))
    },
    batchNorm: (x) => (o.bn === 'off' ? x : emit({ ...x }, 2, 1, 1, 4 * bytes(x))),
    relu: (x) => emit({ ...x }, 1, 1, o.reluHooks ? 1 : 0, (o.reluHooks ? 3 : 2) * bytes(x)),
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
    unitOutput(x) {
      cur().out = bytes(x)
      segments.push(fresh())
      return x
    },
  }
  const [h, w, c] = def.inputShape
  const input = { h, w, c }
  def.forward(ops, input)
  const inputBytes = bytes(input)
  // the backward's derived kernels (flipped / transposed weights, ops/kernel-cache.ts) stay cached with the parameters
  const kernels = o.backwards > 0 ? def.params.filter((p) => p.kind !== 'bias' && p.kind !== 'bnGamma' && p.kind !== 'bnBeta').reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1) * F32, 0) : 0
  const backwardPeak = (held: number, s: Seg): number => (o.backwards > 0 ? held + kernels + s.bwdTransient + o.backwards * 2 * s.maxMap : 0)
  const sum = (f: (s: Seg) => number): number => segments.reduce((a, s) => a + f(s), 0)
  const plainBytes = inputBytes + Math.max(sum((s) => s.held) + Math.max(...segments.map((s) => s.fwdTransient)), ...segments.map((s) => backwardPeak(sum((q) => q.saved), s)))
  let kept = 0
  let checkpointedBytes = 0
  for (const s of segments) {
    checkpointedBytes = Math.max(checkpointedBytes, inputBytes + kept + Math.max(s.held + s.fwdTransient, backwardPeak(s.saved, s)))
    kept += s.out
  }
  return { plainBytes, checkpointedBytes, segmentBytes: segments.map((s) => s.held) }
}
