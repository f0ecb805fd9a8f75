import type { ConvOptions, NetworkDef, Ops, ParamSpec, Padding } from '../core/network'
import { ZsnasError } from '../core/errors'

/**
 * Shape-only `Ops` interpreter: runs a `NetworkDef.forward` on shapes (no
 * tensors) and counts exact parameters and multiply-adds for ONE input sample.
 * Because it interprets the same definition the tfjs interpreter runs, counts
 * cannot drift from what is executed. It also checks shapes (channel counts of
 * every conv/linear against its weight, equal shapes in `add`), so a builder
 * bug surfaces here without running tfjs.
 *
 * What is counted is decided by a `CountRules` object, one rule per op, so a
 * space can reuse the interpreter with its own convention:
 *
 * `NB201_COUNT_RULES` — the NAS-Bench-201 / xautodl counter (`get_model_infos`),
 * which hooks every module but SUMS ONLY Conv2d and Linear modules:
 *   - conv: outH·outW·k·k·(inC/groups)·outC   (+ outH·outW·outC if it has a bias)
 *   - linear: in·out (+ out if it has a bias)
 *   - BN, ReLU, add, pools (incl. the reduction shortcut's AvgPool2×2 and
 *     avg_pool_3x3 edges), 'none' (x·0), global pooling, sigmoid, channel
 *     multiply, resize: 0.
 *   - params: every element of every ParamSpec (BN γ and β included), i.e.
 *     PyTorch's `sum(p.numel())`.
 * With these rules the NB201 anchors hold exactly, e.g. CIFAR-10: 0.073306 M
 * params / 7.78305 M FLOPs (no-conv cell) and 1.531546 M / 220.11969 M
 * (all nor_conv_3x3). "FLOPs" in NB201 and the paper are multiply-adds
 * (MACs), not 2×MACs.
 *
 * Output-size rules: pad 'same' → ⌈H/s⌉; 'valid' → ⌊(H−k)/s⌋+1; explicit
 * symmetric pad p → ⌊(H+2p−k)/s⌋+1 (PyTorch).
 */
export interface CountShape {
  h: number
  w: number
  c: number
}

export interface ConvCountInfo {
  input: CountShape
  output: CountShape
  k: number
  inC: number
  outC: number
  groups: number
  bias: boolean
}

export interface CountRules {
  /** elements counted for one parameter tensor */
  param(spec: ParamSpec): number
  conv(i: ConvCountInfo): number
  linear(i: { in: number; out: number; bias: boolean }): number
  batchNorm(x: CountShape): number
  relu(x: CountShape): number
  add(x: CountShape): number
  zero(x: CountShape): number
  pool(i: { input: CountShape; output: CountShape; k: number; kind: 'avg' | 'max' }): number
  globalAvgPool(x: CountShape): number
  sigmoid(x: CountShape): number
  mulChannels(x: CountShape): number
  resize(i: { input: CountShape; output: CountShape }): number
}

const zeroRule = (): number => 0
const elems = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/** The NAS-Bench-201 (xautodl) convention: params = all tensors, FLOPs = conv + linear MACs (+ bias adds). */
export const NB201_COUNT_RULES: CountRules = {
  param: (spec) => elems(spec.shape),
  conv: (i) => i.output.h * i.output.w * (i.k * i.k * (i.inC / i.groups) * i.outC + (i.bias ? i.outC : 0)),
  linear: (i) => i.in * i.out + (i.bias ? i.out : 0),
  batchNorm: zeroRule,
  relu: zeroRule,
  add: zeroRule,
  zero: zeroRule,
  pool: zeroRule,
  globalAvgPool: zeroRule,
  sigmoid: zeroRule,
  mulChannels: zeroRule,
  resize: zeroRule,
}

export interface CountResult {
  params: number
  /** multiply-adds for one sample under the given rules */
  flops: number
  /** FLOPs split by op kind (keys: conv, linear, batchNorm, …) */
  flopsByOp: Record<string, number>
}

function outSize(h: number, k: number, s: number, pad: Padding): number {
  if (pad === 'same') return Math.ceil(h / s)
  if (pad === 'valid') return Math.floor((h - k) / s) + 1
  return Math.floor((h + 2 * pad - k) / s) + 1
}

function fail(def: NetworkDef, msg: string): never {
  throw new ZsnasError('BAD_SHAPE', `network ${def.name}: ${msg}`)
}

/** Counts params and per-sample multiply-adds of `def` under `rules` (default: NB201's). */
export function countNetwork(def: NetworkDef, rules: CountRules = NB201_COUNT_RULES): CountResult {
  const specs = new Map(def.params.map((p) => [p.name, p]))
  const flopsByOp: Record<string, number> = {}
  const tally = (op: string, v: number): void => {
    flopsByOp[op] = (flopsByOp[op] ?? 0) + v
  }
  const spec = (name: string): ParamSpec => specs.get(name) ?? fail(def, `unknown parameter '${name}'`)
  const same = (a: CountShape, b: CountShape, what: string): void => {
    if (a.h !== b.h || a.w !== b.w || a.c !== b.c) {
      fail(def, `${what}: shapes [${a.h},${a.w},${a.c}] and [${b.h},${b.w},${b.c}] differ`)
    }
  }
  const ops: Ops<CountShape> = {
    conv2d(x, weight, o: ConvOptions) {
      const w = spec(weight)
      const [k, k2, inPer, outC] = w.shape
      if (k !== k2) fail(def, `conv ${weight}: non-square kernel`)
      const groups = o.depthwise ? x.c : 1
      if (o.depthwise ? inPer !== x.c || outC !== 1 : inPer !== x.c) {
        fail(def, `conv ${weight}: input has ${x.c} channels, kernel shape [${w.shape}]`)
      }
      const out: CountShape = {
        h: outSize(x.h, k, o.stride, o.pad),
        w: outSize(x.w, k, o.stride, o.pad),
        c: o.depthwise ? x.c : outC,
      }
      if (out.h < 1 || out.w < 1) fail(def, `conv ${weight}: output would be empty for input ${x.h}×${x.w}`)
      if (o.bias) spec(o.bias)
      tally('conv', rules.conv({ input: x, output: out, k, inC: x.c, outC: out.c, groups, bias: !!o.bias }))
      return out
    },
    batchNorm(x, gamma, beta) {
      for (const n of [gamma, beta]) if (spec(n).shape[0] !== x.c) fail(def, `BN ${n}: ${x.c} channels expected`)
      tally('batchNorm', rules.batchNorm(x))
      return x
    },
    relu(x) {
      tally('relu', rules.relu(x))
      return x
    },
    add(a, b) {
      same(a, b, 'add')
      tally('add', rules.add(a))
      return a
    },
    zero(x) {
      tally('zero', rules.zero(x))
      return x
    },
    avgPool(x, k, s, pad) {
      const out = { h: outSize(x.h, k, s, pad), w: outSize(x.w, k, s, pad), c: x.c }
      tally('pool', rules.pool({ input: x, output: out, k, kind: 'avg' }))
      return out
    },
    maxPool(x, k, s, pad) {
      const out = { h: outSize(x.h, k, s, pad), w: outSize(x.w, k, s, pad), c: x.c }
      tally('pool', rules.pool({ input: x, output: out, k, kind: 'max' }))
      return out
    },
    globalAvgPool(x) {
      tally('globalAvgPool', rules.globalAvgPool(x))
      return { h: 1, w: 1, c: x.c }
    },
    linear(x, weight, bias) {
      const w = spec(weight)
      const inF = x.h * x.w * x.c
      if (w.shape[0] !== inF) fail(def, `linear ${weight}: input has ${inF} features, weight shape [${w.shape}]`)
      if (bias) spec(bias)
      tally('linear', rules.linear({ in: inF, out: w.shape[1], bias: !!bias }))
      return { h: 1, w: 1, c: w.shape[1] }
    },
    concatChannels(xs) {
      for (const x of xs) if (x.h !== xs[0].h || x.w !== xs[0].w) fail(def, 'concat: spatial sizes differ')
      return { h: xs[0].h, w: xs[0].w, c: xs.reduce((s, x) => s + x.c, 0) }
    },
    sliceChannels(x, n) {
      if (n > x.c) fail(def, `slice of ${n} channels from ${x.c}`)
      return { ...x, c: n }
    },
    sigmoid(x) {
      tally('sigmoid', rules.sigmoid(x))
      return x
    },
    mulChannels(x, gate) {
      if (gate.c !== x.c) fail(def, `mulChannels: gate has ${gate.c} channels, input ${x.c}`)
      tally('mulChannels', rules.mulChannels(x))
      return x
    },
    resizeBilinear(x, size) {
      const out = { h: size, w: size, c: x.c }
      tally('resize', rules.resize({ input: x, output: out }))
      return out
    },
    unitOutput: (x) => x,
  }
  const [h, w, c] = def.inputShape
  const out = def.forward(ops, { h, w, c })
  if (out.c !== def.numClasses) fail(def, `output has ${out.c} features, expected ${def.numClasses} classes`)
  const params = def.params.reduce((s, p) => s + rules.param(p), 0)
  const flops = Object.values(flopsByOp).reduce((s, v) => s + v, 0)
  return { params, flops, flopsByOp }
}
