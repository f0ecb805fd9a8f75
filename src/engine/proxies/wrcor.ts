import { blockWeight, correlationProxy, WRCOR_OPTIONS, type BlockWeighting } from './correlation-family'

/**
 * WRCor: activation + gradient correlations weighted 2^block (reference
 * `act_grad_cor_weighted`). Option `weighting` ('exp' default, 'none',
 * 'linear', 'quadratic', 'expTopDown') reproduces the Table 3 ablation.
 */
export const wrcorProxy = correlationProxy({
  id: 'wrcor',
  label: 'WRCor',
  description: 'log|det Σ 2^block·(|corr(A)|+|corr(∂L/∂A)|)| over all ReLU calls (Jing et al. 2025)',
  activations: true,
  gradients: true,
  weight: (call, def, o) => blockWeight(o.weighting as BlockWeighting, call.tag.block, def.numBlocks),
  options: WRCOR_OPTIONS,
  paperRho: { cifar10: 0.811, cifar100: 0.846, imagenet16: 0.822, nb101: 0.534 },
})
