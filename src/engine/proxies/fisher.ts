import type { StandaloneProxyDef } from './types'
import { ceGradPass } from './ce-grads'
import { elementsPerOutChannel } from './weights'

/**
 * Fisher (Turner et al. 2020 / Theis et al. 2018; zero-cost-nas `fisher`,
 * notes §3): for every conv/linear layer with output activation a (after its
 * bias) and g = ∂L/∂a, per output channel c
 *   f_c = ½ · mean_n ( Σ_spatial a_{n,·,c} · g_{n,·,c} )²,
 * and the reference broadcasts |f_c| to every weight of output channel c
 * before summing, i.e. the layer contributes Σ_c |f_c| · (in/groups·k·k)
 * (linear: in). Score = Σ over layers. L = mean CE with true labels, BN in
 * training mode; from the shared CE gradient pass. Higher = better (sign +1).
 */
export const fisherProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'fisher',
  label: 'Fisher',
  description: 'Σ_layers Σ_c ½·mean_n(Σ_spatial a·∂L/∂a)² × weights per channel (zero-cost-nas fisher)',
  needsLabels: true,
  needsBackward: true,
  higherIsBetter: true,
  paperRho: { cifar10: 0.506 },
  async compute(ctx) {
    const pass = await ceGradPass(ctx.def, ctx.params, ctx.batch)
    let total = 0
    for (const spec of pass.weights) {
      const f = pass.fisher.get(spec.name) as Float64Array
      const per = elementsPerOutChannel(spec)
      for (const v of f) total += Math.abs(v) * per
    }
    return total
  },
}
