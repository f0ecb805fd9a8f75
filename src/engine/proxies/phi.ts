import type { StandaloneProxyDef } from './types'
import { perturbedFeatureDistance } from './zen'

/**
 * Phi (reference `phi_score`, notes §3): with BatchNorm removed and Gaussian
 * inputs ε, ε′ ~ N(0,1) of the batch's shape,
 *   Phi = ‖f(ε + 0.01ε′) − f(ε)‖₁ summed over the whole batch tensor,
 * f = the pre-GAP feature map. Forward only; labels and the data batch are not
 * used (only its shape). Higher = better (sign +1).
 */
export const phiProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'phi',
  label: 'Phi',
  description: '‖f(ε+0.01ε′) − f(ε)‖₁ of pre-GAP features with BN removed (reference phi_score)',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  paperRho: { cifar10: 0.703 },
  compute: async (ctx) => (await perturbedFeatureDistance(ctx.def, ctx.params, ctx.batch.shape, ctx.rng, 'off')).delta,
}
