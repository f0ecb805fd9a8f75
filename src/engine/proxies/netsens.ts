import { inputJacobian } from './input-jacobian'
import type { StandaloneProxyDef } from './types'

/**
 * NetSens (reference `resp_sens`, notes §3 and §9.1 item 4): the mean over
 * all elements of |∂(Σ logits)/∂x| on the scoring batch, BN in training mode
 * (the code's definition; the paper's text says "l1-norm of the Jacobian" —
 * the mean is that l1 norm divided by the constant N·H·W·C, so rankings at a
 * fixed input size are the same). Shares the input-gradient pass with JacCor
 * and EPE. Labels are not used. Higher = better (sign +1, as in the tables).
 */
export const netsensProxy: StandaloneProxyDef = {
  kind: 'standalone',
  usesInputJacobian: true,
  id: 'netsens',
  label: 'NetSens',
  description: 'mean |∂Σlogits/∂x| over the batch (reference resp_sens)',
  needsLabels: false,
  needsBackward: true,
  higherIsBetter: true,
  paperRho: { cifar10: 0.686 },
  async compute(ctx) {
    const { j } = await inputJacobian(ctx.def, ctx.params, ctx.batch)
    let s = 0
    for (let i = 0; i < j.length; i++) s += Math.abs(j[i])
    return s / j.length
  },
}
