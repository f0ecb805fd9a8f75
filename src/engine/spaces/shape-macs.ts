/**
 * A shape-only `Ops` interpreter that counts true multiply-adds of conv and
 * linear layers (BN, activations, pooling, additions and SE gating excluded),
 * used by the NB101/MBv2 `cost()`s. Conv: H_out·W_out·C_out·k²·C_in (depthwise:
 * H_out·W_out·C·k²); linear: in·out. Output sizes follow PyTorch for explicit
 * padding (⌊(H+2p−k)/s⌋+1), TF for 'same' (⌈H/s⌉) and 'valid' (⌊(H−k)/s⌋+1).
 *
 * It is intentionally minimal; the shared counting interpreter
 * (src/engine/nn/count.ts, owned by the nn/ developer) supersedes it once it lands.
 */
import { ZsnasError } from '../core/errors'
import type { ConvOptions, NetworkDef, Ops, Padding } from '../core/network'

export interface Shape {
  h: number
  w: number
  c: number
}

function outSize(x: number, k: number, s: number, pad: Padding): number {
  if (pad === 'same') return Math.ceil(x / s)
  if (pad === 'valid') return Math.floor((x - k) / s) + 1
  return Math.floor((x + 2 * pad - k) / s) + 1
}

/** Counts MACs of one forward pass of `net` on a single input of `inputShape` (default: the net's own). */
export function countMacs(net: NetworkDef, inputShape?: [number, number, number]): number {
  const shapes = new Map(net.params.map((p) => [p.name, p.shape]))
  const shapeOf = (name: string): number[] => {
    const s = shapes.get(name)
    if (!s) throw new ZsnasError('INTERNAL', `network ${net.name} uses undeclared parameter ${name}`)
    return s
  }
  let macs = 0
  const ops: Ops<Shape> = {
    conv2d(x: Shape, weight: string, o: ConvOptions): Shape {
      const [k, , cin, cout] = shapeOf(weight)
      const h = outSize(x.h, k, o.stride, o.pad)
      const w = outSize(x.w, k, o.stride, o.pad)
      if (o.depthwise) {
        macs += h * w * cin * k * k
        return { h, w, c: cin }
      }
      if (cin !== x.c) throw new ZsnasError('INTERNAL', `conv ${weight} expects ${cin} channels, got ${x.c}`)
      macs += h * w * cout * k * k * cin
      return { h, w, c: cout }
    },
    batchNorm: (x) => x,
    relu: (x) => x,
    add: (a) => a,
    zero: (x) => x,
    avgPool: (x, k, s, pad) => ({ h: outSize(x.h, k, s, pad), w: outSize(x.w, k, s, pad), c: x.c }),
    maxPool: (x, k, s, pad) => ({ h: outSize(x.h, k, s, pad), w: outSize(x.w, k, s, pad), c: x.c }),
    globalAvgPool: (x) => ({ h: 1, w: 1, c: x.c }),
    linear(x: Shape, weight: string): Shape {
      const [i, o] = shapeOf(weight)
      macs += i * o
      return { h: 1, w: 1, c: o }
    },
    concatChannels: (xs) => ({ h: xs[0].h, w: xs[0].w, c: xs.reduce((a, b) => a + b.c, 0) }),
    sliceChannels: (x, n) => ({ h: x.h, w: x.w, c: n }),
    sigmoid: (x) => x,
    mulChannels: (x) => x,
    resizeBilinear: (x, size) => ({ h: size, w: size, c: x.c }),
  }
  const [h, w, c] = inputShape ?? net.inputShape
  net.forward(ops, { h, w, c })
  return macs
}
