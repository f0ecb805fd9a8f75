import { correlationProxy } from './correlation-family'

/** ACor: activation correlations only, unweighted (reference `act_cor`). */
export const acorProxy = correlationProxy({
  id: 'acor',
  label: 'ACor',
  description: 'log|det Σ|corr(ReLU inputs)|| over all ReLU calls, unweighted (activations only)',
  activations: true,
  gradients: false,
  weight: () => 1,
  paperRho: { cifar10: 0.787, cifar100: 0.823, imagenet16: 0.79, nb101: 0.536 },
})
