import type { StandaloneProxyDef } from './types'
import { ceGradPass, weightValues } from './ce-grads'

/**
 * SNIP (Lee et al. 2019; zero-cost-nas `snip`, notes §3):
 *   Σ over conv+linear weights of |W ⊙ ∂L/∂W|
 * (the reference gets it as |∂L/∂m| of a ones mask m multiplying W — the same
 * number). L = mean CE with true labels, BN in training mode; ∂L/∂W comes
 * from the shared CE gradient pass (ce-grads.ts). Float64 accumulation.
 * Higher = better (sign +1, as in the reference).
 */
export const snipProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'snip',
  label: 'SNIP',
  description: 'Σ|W ⊙ ∂L/∂W| over conv/linear weights (Lee et al.; zero-cost-nas snip)',
  needsLabels: true,
  needsBackward: true,
  higherIsBetter: true,
  paperRho: { cifar10: 0.593 },
  async compute(ctx) {
    const pass = await ceGradPass(ctx.def, ctx.params, ctx.batch)
    let total = 0
    for (const spec of pass.weights) {
      const w = await weightValues(ctx.params, spec)
      const g = pass.grads.get(spec.name) as Float32Array
      for (let i = 0; i < w.length; i++) total += Math.abs(w[i] * g[i])
    }
    return total
  },
}
