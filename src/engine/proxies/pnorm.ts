import { readData } from '../backend/read'
import { ZsnasError } from '../core/errors'
import type { StandaloneProxyDef } from './types'
import { layerWeightSpecs } from './weights'

/**
 * PNorm (zero-cost-nas `l2_norm`, paper's "PNorm"): Σ over conv+linear
 * weights of the Frobenius norm ‖W‖_F (float64 accumulation). Depends only on
 * the initial weights — no forward pass, no data. Higher = better (sign +1).
 */
export const pnormProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'pnorm',
  label: 'PNorm',
  description: 'Σ over conv/linear weights of ‖W‖_F (zero-cost-nas l2_norm)',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  paperRho: { cifar10: 0.684, nb101: 0.561 },
  async compute(ctx) {
    let total = 0
    for (const spec of layerWeightSpecs(ctx.def)) {
      const t = ctx.params.get(spec.name)
      if (t === undefined) throw new ZsnasError('NOT_FOUND', `PNorm: parameter '${spec.name}' is not in the parameter store`)
      const v = await readData(t)
      let ss = 0
      for (let i = 0; i < v.length; i++) ss += v[i] * v[i]
      total += Math.sqrt(ss)
    }
    return total
  },
}
