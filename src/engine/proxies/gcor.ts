import { correlationProxy } from './correlation-family'

/** GCor: gradient correlations only, unweighted (reference `grad_cor`; not in the paper's tables). */
export const gcorProxy = correlationProxy({
  id: 'gcor',
  label: 'GCor',
  description: 'log|det Σ|corr(∂L/∂A)|| over all ReLU calls, unweighted (gradients only)',
  activations: false,
  gradients: true,
  weight: () => 1,
})
