import type { StandaloneProxyDef } from './types'
import { synflowScore } from './synflow-score'

/**
 * SynFlow proxy (see synflow-score.ts for the definition and the log-scaled
 * computation). Value = log(Σ|θ ⊙ ∂R/∂θ|) over conv+linear weights with |θ|,
 * BN removed and an all-ones input of one sample at the batch's spatial size;
 * the batch's contents and labels are not used. Higher = better (sign +1).
 */
export const synflowProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'synflow',
  label: 'SynFlow',
  description: 'log Σ|θ ⊙ ∂R/∂θ| with |θ|, BN off, all-ones input, R = Σ logits (Tanaka et al.; log-scaled, no float32 overflow)',
  needsLabels: false,
  needsBackward: true,
  higherIsBetter: true,
  paperRho: { cifar10: 0.743, nb101: 0.429 },
  async compute(ctx) {
    return (await synflowScore(ctx.def, ctx.params, [ctx.batch.shape[1], ctx.batch.shape[2]])).logScore
  },
}
