import type { StandaloneProxyDef } from './types'
import { ceGradPass } from './ce-grads'

/**
 * GradNorm / PGNorm (zero-cost-nas `grad_norm`, notes §3):
 *   Σ over conv+linear weights of ‖∂L/∂W‖_F
 * (one Frobenius norm per layer, summed). L = mean CE with true labels, BN in
 * training mode; gradients from the shared CE gradient pass. Float64
 * accumulation. Higher = better (sign +1).
 */
export const gradnormProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'gradnorm',
  label: 'GradNorm (PGNorm)',
  description: 'Σ over conv/linear layers of ‖∂L/∂W‖_F (zero-cost-nas grad_norm)',
  needsLabels: true,
  needsBackward: true,
  higherIsBetter: true,
  paperRho: { cifar10: 0.591 },
  async compute(ctx) {
    const pass = await ceGradPass(ctx.def, ctx.params, ctx.batch)
    let total = 0
    for (const spec of pass.weights) {
      const g = pass.grads.get(spec.name) as Float32Array
      let ss = 0
      for (let i = 0; i < g.length; i++) ss += g[i] * g[i]
      total += Math.sqrt(ss)
    }
    return total
  },
}
