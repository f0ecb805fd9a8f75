/**
 * Params and FLOPs of an MBv2-space architecture by the REFERENCE code's
 * counting rules (ZenNAS PlainNet `get_FLOPs` / `get_model_size`, notes §5.3),
 * which define the paper's "FLOPs" (Table 10/11) and the 600 M search limit.
 * Per block at input resolution r (all with integer floor division like Python
 * `//`, except where noted):
 *   conv k×k (in→out, stride s):  in·out·k²·r² // s²          size in·out·k²
 *   depthwise k×k (C, stride s):  C·k²·r² // s²               size C·k²
 *   BN(C):                        r²·C                         size C  (quirk: not 2C)
 *   ReLU, pooling, resize:        0
 *   SE(C) at r, squeeze m:        C·m + m·C + C + C·r²         size C·m + 2m + m·C + 2C
 *   ResBlockProj (first sub-layer): in·C·(r_out/s)² + (r_out/s)²·C (quirk: divides the
 *     ALREADY downsampled resolution by s again, and uses true division — a float),
 *                                 size in·C + C (bias counted, its BN not)
 *   head linear (c8 → classes):   c8·classes                   size c8·classes + 1 (quirk)
 * Quirks are reproduced on purpose: the paper's numbers and the FLOPs limit
 * come from them. For true counts use `mbv2ExactCost` (cost.ts).
 */
import { countParams } from '../param-book'
import { countMacs } from '../shape-macs'
import { type Mbv2Arch, midChannels, seChannels, stageIn } from './arch'
import { buildMbv2Network } from './network'

export interface ReferenceCount {
  /** "FLOPs" as the reference counts them (≈ MACs + BN/SE terms); may be fractional */
  flops: number
  /** "model size" as the reference counts it */
  params: number
}

/** Counts by the reference rules; `numClasses` defaults to ImageNet's 1000. */
export function mbv2ReferenceCount(a: Mbv2Arch, numClasses = 1000): ReferenceCount {
  let flops = 0
  let size = 0
  let r = a.resolution
  const conv = (inC: number, outC: number, k: number, s: number): void => {
    flops += Math.floor((inC * outC * k * k * r * r) / (s * s))
    size += inC * outC * k * k
    r = Math.floor(r / s)
  }
  const bn = (c: number): void => {
    flops += r * r * c
    size += c
  }
  // stem
  conv(3, a.stem, 3, 2)
  bn(a.stem)
  a.stages.forEach((st, j) => {
    const mid = midChannels(st)
    const m = seChannels(mid)
    for (let i = 0; i < st.l; i++) {
      const inC = i === 0 ? stageIn(a, j) : st.c
      const s = i === 0 ? st.s : 1
      conv(inC, mid, 1, 1)
      bn(mid)
      // depthwise
      flops += Math.floor((mid * st.k * st.k * r * r) / (s * s))
      size += mid * st.k * st.k
      r = Math.floor(r / s)
      bn(mid)
      flops += mid * m + m * mid + mid + mid * r * r
      size += mid * m + 2 * m + m * mid + 2 * mid
      conv(mid, st.c, 1, 1)
      bn(st.c)
      if (i === 0) {
        const rr = r / s
        flops += inC * st.c * rr * rr + rr * rr * st.c
        size += inC * st.c + st.c
      }
    }
  })
  const c7 = a.stages[a.stages.length - 1].c
  conv(c7, a.head, 1, 1)
  bn(a.head)
  flops += a.head * numClasses
  size += a.head * numClasses + 1
  return { flops, params: size }
}

export interface ExactCount {
  /** true trainable parameters: conv/linear weights, biases, BN γ and β */
  params: number
  /** true multiply-adds of conv and linear layers (SE convs at 1×1, shortcut at its real resolution) */
  macs: number
  /** element-wise multiplies of the SE channel gates (Σ mid·r²); macs + this ≈ the notes' "exact MACs 590.0M" for Table 11 */
  seGateMults: number
}

/** Exact counts from the network definition itself (cannot drift from what runs). */
export function mbv2ExactCount(a: Mbv2Arch, numClasses = 1000): ExactCount {
  const net = buildMbv2Network(a, { numClasses, inputSize: a.resolution })
  let gate = 0
  let r = Math.floor(a.resolution / 2)
  for (const st of a.stages) {
    r = Math.floor(r / st.s)
    gate += midChannels(st) * r * r * st.l
  }
  return { params: countParams(net.params), macs: countMacs(net), seGateMults: gate }
}
