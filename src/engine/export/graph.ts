/**
 * The export graph: a `NetworkDef` traced into a flat, ordered list of layer
 * nodes by a symbolic `Ops` interpreter (the same way `nn/count.ts` counts it),
 * so every exporter (PyTorch, ONNX) reproduces layer for layer exactly what the
 * engine runs — no exporter re-implements a space's builder.
 *
 * Guarantees:
 * - Nodes are in the order the engine executes them; every node's inputs are
 *   earlier nodes (id 0 is the network input). Node ids are dense.
 * - Every parameter of `def.params` is used by exactly one conv / BN / linear
 *   node (else `INTERNAL`); shapes are checked by `countNetwork` first.
 * - Shapes are per sample, channels-first ({c, h, w}); exported models are
 *   NCHW (PyTorch/ONNX convention) while the engine is NHWC.
 * - Paddings are resolved to explicit symmetric pixel counts. A TF 'same'
 *   padding that would be asymmetric for the traced input size is refused
 *   (`BAD_SHAPE`), as PyTorch layers cannot express it; no builder produces one.
 * - `linear` after a map larger than 1×1 is refused (NHWC and NCHW flatten
 *   orders differ); every builder applies it after global pooling.
 */
import type { ConvOptions, NetworkDef, Ops, Padding, ParamSpec } from '../core/network'
import { ZsnasError } from '../core/errors'
import { countNetwork } from '../nn/count'

export interface Shape {
  c: number
  h: number
  w: number
}

interface Base {
  id: number
  inputs: number[]
  /** output shape per sample */
  shape: Shape
  /** set when the engine marks this value as the output of top-level unit `unit` */
  unit?: number
}

export type GraphNode =
  | (Base & { op: 'input' })
  | (Base & {
      op: 'conv'
      weight: string
      bias?: string
      inC: number
      outC: number
      k: number
      stride: number
      pad: number
      groups: number
    })
  | (Base & { op: 'bn'; gamma: string; beta: string; channels: number; eps: number })
  | (Base & { op: 'linear'; weight: string; bias?: string; inF: number; outF: number })
  | (Base & { op: 'relu' | 'add' | 'zero' | 'sigmoid' | 'mul' | 'gap' | 'concat' })
  | (Base & { op: 'avgpool' | 'maxpool'; k: number; stride: number; pad: number })
  | (Base & { op: 'slice'; channels: number })
  | (Base & { op: 'resize'; size: number })

export interface ExportGraph {
  /** the traced network's name (its architecture string) */
  name: string
  nodes: GraphNode[]
  /** id of the logits node ([N, numClasses]) */
  output: number
  /** per-sample input shape, channels-first */
  input: Shape
  numClasses: number
  /** the network's parameter specs (engine layouts, see core/network.ts) */
  params: ParamSpec[]
  /** exact parameter count (every element of every spec, = the engine's counter) */
  paramCount: number
}

function outSize(h: number, k: number, s: number, pad: number): number {
  return Math.floor((h + 2 * pad - k) / s) + 1
}

/** Resolves a padding to a symmetric pixel count for input size `h` (`BAD_SHAPE` if TF 'same' is asymmetric here). */
export function symmetricPad(what: string, h: number, k: number, s: number, pad: Padding): number {
  if (typeof pad === 'number') return pad
  if (pad === 'valid') return 0
  const total = Math.max((Math.ceil(h / s) - 1) * s + k - h, 0)
  if (total % 2 !== 0) {
    throw new ZsnasError('BAD_SHAPE', `${what}: TF 'same' padding of a ${k}×${k}/${s} window on ${h} pixels is asymmetric; exporters need symmetric padding`)
  }
  return total / 2
}

/** Traces `def` into an `ExportGraph` (see the module comment for guarantees). */
export function traceNetwork(def: NetworkDef): ExportGraph {
  const count = countNetwork(def)
  const specs = new Map(def.params.map((p) => [p.name, p]))
  const used = new Set<string>()
  const use = (name: string): ParamSpec => {
    const s = specs.get(name)
    if (s === undefined) throw new ZsnasError('INTERNAL', `network ${def.name}: unknown parameter '${name}'`)
    if (used.has(name)) throw new ZsnasError('INTERNAL', `network ${def.name}: parameter '${name}' is used twice; exporters need one layer per parameter`)
    used.add(name)
    return s
  }
  const nodes: GraphNode[] = []
  type Sym = number
  type NoId<N> = N extends GraphNode ? Omit<N, 'id'> : never
  const push = (n: NoId<GraphNode>): Sym => {
    const id = nodes.length
    nodes.push({ ...n, id } as GraphNode)
    return id
  }
  const shapeOf = (x: Sym): Shape => nodes[x].shape
  const [h0, w0, c0] = def.inputShape
  const input = push({ op: 'input', inputs: [], shape: { c: c0, h: h0, w: w0 } })

  const ops: Ops<Sym> = {
    conv2d(x: Sym, weight: string, o: ConvOptions): Sym {
      const s = shapeOf(x)
      const w = use(weight)
      const [k, , , outC] = w.shape
      const pad = symmetricPad(`conv ${weight}`, s.h, k, o.stride, o.pad)
      const c = o.depthwise ? s.c : outC
      if (o.bias !== undefined) use(o.bias)
      return push({
        op: 'conv', inputs: [x], weight, bias: o.bias, inC: s.c, outC: c, k, stride: o.stride, pad,
        groups: o.depthwise ? s.c : 1,
        shape: { c, h: outSize(s.h, k, o.stride, pad), w: outSize(s.w, k, o.stride, pad) },
      })
    },
    batchNorm(x, gamma, beta) {
      use(gamma)
      use(beta)
      return push({ op: 'bn', inputs: [x], gamma, beta, channels: shapeOf(x).c, eps: def.bnEps, shape: shapeOf(x) })
    },
    relu: (x) => push({ op: 'relu', inputs: [x], shape: shapeOf(x) }),
    add: (a, b) => push({ op: 'add', inputs: [a, b], shape: shapeOf(a) }),
    zero: (x) => push({ op: 'zero', inputs: [x], shape: shapeOf(x) }),
    avgPool: (x, k, stride, pad) => pool('avgpool', x, k, stride, pad),
    maxPool: (x, k, stride, pad) => pool('maxpool', x, k, stride, pad),
    globalAvgPool: (x) => push({ op: 'gap', inputs: [x], shape: { c: shapeOf(x).c, h: 1, w: 1 } }),
    linear(x, weight, bias) {
      const s = shapeOf(x)
      if (s.h * s.w !== 1) {
        throw new ZsnasError('BAD_SHAPE', `network ${def.name}: linear ${weight} on a ${s.h}×${s.w} map; exporters need it after global pooling`)
      }
      const w = use(weight)
      if (bias !== undefined) use(bias)
      return push({ op: 'linear', inputs: [x], weight, bias, inF: w.shape[0], outF: w.shape[1], shape: { c: w.shape[1], h: 1, w: 1 } })
    },
    concatChannels: (xs) => push({ op: 'concat', inputs: xs, shape: { ...shapeOf(xs[0]), c: xs.reduce((a, x) => a + shapeOf(x).c, 0) } }),
    sliceChannels: (x, n) => push({ op: 'slice', inputs: [x], channels: n, shape: { ...shapeOf(x), c: n } }),
    sigmoid: (x) => push({ op: 'sigmoid', inputs: [x], shape: shapeOf(x) }),
    mulChannels: (x, g) => push({ op: 'mul', inputs: [x, g], shape: shapeOf(x) }),
    resizeBilinear: (x, size) => push({ op: 'resize', inputs: [x], size, shape: { c: shapeOf(x).c, h: size, w: size } }),
    unitOutput(x, unit) {
      nodes[x].unit = unit
      return x
    },
  }
  function pool(op: 'avgpool' | 'maxpool', x: Sym, k: number, stride: number, padding: 'same' | 'valid'): Sym {
    const s = shapeOf(x)
    const pad = symmetricPad(`${op} ${k}×${k}`, s.h, k, stride, padding)
    return push({ op, inputs: [x], k, stride, pad, shape: { c: s.c, h: outSize(s.h, k, stride, pad), w: outSize(s.w, k, stride, pad) } })
  }

  const output = def.forward(ops, input)
  const unused = def.params.filter((p) => !used.has(p.name)).map((p) => p.name)
  if (unused.length > 0) throw new ZsnasError('INTERNAL', `network ${def.name}: parameters never used by the forward: ${unused.join(', ')}`)
  return { name: def.name, nodes, output, input: { c: c0, h: h0, w: w0 }, numClasses: def.numClasses, params: def.params, paramCount: count.params }
}
