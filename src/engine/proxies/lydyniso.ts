import type { ParamSpec } from '../core/network'
import { readAll } from '../backend/read'
import { ZsnasError } from '../core/errors'
import type { StandaloneProxyDef } from './types'
import { layerWeightSpecs, outChannels } from './weights'

/**
 * ‖M Mᵀ − I‖_F (float64) of a layer weight viewed as PyTorch does,
 * M = weight.reshape(out, −1): one row per output channel, the in·k·k (linear:
 * in; depthwise: k·k) entries of that channel as columns. Our layouts keep
 * the output channel last (conv HWIO [k,k,in,out], linear [in,out]) or at
 * axis 2 with a trailing 1 (depthwise [k,k,C,1]), so column j of the flat
 * array, read with stride `out`, is row j of M; the order of the columns does
 * not change M Mᵀ.
 */
export function isometryDefect(values: ArrayLike<number>, spec: ParamSpec): number {
  const out = outChannels(spec)
  const rest = values.length / out
  let s = 0
  for (let a = 0; a < out; a++) {
    for (let b = a; b < out; b++) {
      let g = 0
      for (let r = 0; r < rest; r++) g += values[r * out + a] * values[r * out + b]
      const d = g - (a === b ? 1 : 0)
      s += a === b ? d * d : 2 * d * d
    }
  }
  return Math.sqrt(s)
}

/**
 * LyDynIso (reference `layerwise_dyn_isometry`, notes §3): −Σ over conv+linear
 * layers of ‖W Wᵀ − I‖_F with W reshaped to (out, in·k·k). Data-free. Higher =
 * better (0 for exactly orthonormal rows).
 */
export const lydynisoProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'lydyniso',
  label: 'LyDynIso',
  description: '−Σ_layers ‖W Wᵀ − I‖_F, W reshaped to (out, in·k·k) (layer-wise dynamical isometry)',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  paperRho: { cifar10: 0.633 },
  async compute(ctx) {
    const specs = layerWeightSpecs(ctx.def)
    const ts = specs.map((spec) => {
      const t = ctx.params.get(spec.name)
      if (t === undefined) throw new ZsnasError('NOT_FOUND', `LyDynIso: parameter '${spec.name}' is not in the parameter store`)
      return t
    })
    const values = await readAll(ts)
    let total = 0
    specs.forEach((spec, i) => (total += isometryDefect(values[i], spec)))
    return -total
  },
}
