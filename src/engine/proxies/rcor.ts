import { correlationProxy } from './correlation-family'

/** RCor: activation + gradient correlations, unweighted (reference `act_grad_cor`). */
export const rcorProxy = correlationProxy({
  id: 'rcor',
  label: 'RCor',
  description: 'log|det Σ(|corr(A)|+|corr(∂L/∂A)|)| over all ReLU calls, unweighted',
  activations: true,
  gradients: true,
  weight: () => 1,
  paperRho: { cifar10: 0.803, cifar100: 0.839, imagenet16: 0.817, nb101: 0.553 },
})
