/**
 * Weights for exported models: the engine's initial weights (drawn exactly as
 * `zsnas score` draws them) and the layout change from the engine's
 * conventions to PyTorch/ONNX ones.
 *
 * Layouts (core/network.ts → PyTorch/ONNX):
 * - conv [k,k,in,out] (HWIO)       → [out,in,k,k] (OIHW)
 * - depthwise [k,k,C,1]            → [C,1,k,k]
 * - linear [in,out]                → [out,in] (nn.Linear / ONNX Gemm transB=1)
 * - bias, BN γ/β [C]               → unchanged
 * BN running statistics are those of a fresh PyTorch layer (mean 0, var 1):
 * the engine's eval-mode BN (`bn: 'eval'`) computes x·γ/√(1+eps)+β, which is
 * what both PyTorch `model.eval()` and ONNX BatchNormalization compute with them.
 */
import type { InitScheme, NetworkDef, ParamSpec } from '../core/network'
import { Rng } from '../core/rng'
import { ZsnasError } from '../core/errors'
import { sampleValues } from '../nn/params'
import { initDistribution } from '../nn/init'

/** Engine-layout weights by parameter name. */
export type WeightMap = ReadonlyMap<string, Float32Array>

/**
 * The weights `materializeParams(def, init, rng)` creates, computed without
 * tfjs (same draw order: specs in declaration order, row-major elements).
 */
export function drawWeights(def: NetworkDef, init: InitScheme, rng: Rng): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>()
  for (const spec of def.params) {
    const n = spec.shape.reduce((a, b) => a * b, 1)
    out.set(spec.name, sampleValues(n, initDistribution(spec, init), rng))
  }
  return out
}

/**
 * The initial weights `scoreArchitecture` uses for seed `seed` (its init
 * stream is the second fork of `new Rng(seed)`, after the data stream), so an
 * exported model carries exactly the weights `zsnas score --seed S` scored.
 */
export function scoringWeights(def: NetworkDef, init: InitScheme, seed: number): Map<string, Float32Array> {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ZsnasError('INVALID_OPTION', `seed must be an integer in 0..4294967295, got ${seed}`)
  }
  const root = new Rng(seed)
  root.fork() // the data stream
  return drawWeights(def, init, root.fork())
}

/** The PyTorch/ONNX shape of a parameter (see the module comment). */
export function torchShape(spec: ParamSpec): number[] {
  const s = spec.shape
  switch (spec.kind) {
    case 'conv':
      return [s[3], s[2], s[0], s[1]]
    case 'depthwise':
      return [s[2], 1, s[0], s[1]]
    case 'linear':
      return [s[1], s[0]]
    default:
      return s.slice()
  }
}

/** One parameter's values in the PyTorch/ONNX layout (`BAD_SHAPE` when the value count does not match the spec). */
export function toTorchLayout(spec: ParamSpec, v: Float32Array): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1)
  if (v.length !== n) {
    throw new ZsnasError('BAD_SHAPE', `weights for '${spec.name}' have ${v.length} values; shape [${spec.shape}] needs ${n}`)
  }
  const s = spec.shape
  if (spec.kind === 'conv' || spec.kind === 'depthwise') {
    const [kh, kw, ci, co] = s
    const out = new Float32Array(n)
    // HWIO (depthwise: HW C 1) → OIHW (depthwise: C 1 H W)
    const I = spec.kind === 'depthwise' ? 1 : ci
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        for (let i = 0; i < ci; i++) {
          for (let o = 0; o < co; o++) {
            const src = ((y * kw + x) * ci + i) * co + o
            const [oo, ii] = spec.kind === 'depthwise' ? [i, 0] : [o, i]
            out[((oo * I + ii) * kh + y) * kw + x] = v[src]
          }
        }
      }
    }
    return out
  }
  if (spec.kind === 'linear') {
    const [inF, outF] = s
    const out = new Float32Array(n)
    for (let i = 0; i < inF; i++) for (let o = 0; o < outF; o++) out[o * inF + i] = v[i * outF + o]
    return out
  }
  return v
}

/** Checks that `weights` has a value array of the right length for every parameter of `params`. */
export function checkWeights(params: readonly ParamSpec[], weights: WeightMap): void {
  for (const p of params) {
    const v = weights.get(p.name)
    if (v === undefined) throw new ZsnasError('NOT_FOUND', `weights: parameter '${p.name}' is missing`)
    const n = p.shape.reduce((a, b) => a * b, 1)
    if (v.length !== n) throw new ZsnasError('BAD_SHAPE', `weights for '${p.name}' have ${v.length} values; shape [${p.shape}] needs ${n}`)
  }
}
