import { pearsonRows, symmetricEigenvalues } from '../linalg'
import { inputJacobian } from './input-jacobian'
import type { StandaloneProxyDef } from './types'

/** k of the reference's −Σ[log(λ+k) + 1/(λ+k)] */
export const JACCOR_K = 1e-5

/**
 * The JacCor score of a per-sample Jacobian matrix J (n×d row-major):
 * C = corrcoef(J) (float64, numpy semantics), λ = eigenvalues of C (Jacobi,
 * float64), score = −Σ_i [log(λ_i + k) + 1/(λ_i + k)], k = 1e-5.
 * NaN when C is undefined (a sample with a constant Jacobian row: numpy's
 * corrcoef gives NaN and the reference's eig/log then yields NaN) or when an
 * eigenvalue is ≤ −k (log of a non-positive number; numpy gives NaN too).
 */
export function jacobianCorrelationScore(j: ArrayLike<number>, n: number, d: number): number {
  const c = pearsonRows(j, n, d)
  if (c.zeroVarianceRows.length > 0) return NaN
  const lambda = symmetricEigenvalues(c.matrix, n)
  let s = 0
  for (const l of lambda) {
    const v = l + JACCOR_K
    if (!(v > 0)) return NaN
    s += Math.log(v) + 1 / v
  }
  return -s
}

/**
 * JacCor as implemented in zero-cost-nas `jacob_cov` (reference notes §3 —
 * the eigenvalue score, NOT the NASWOT-v1 histogram the paper's text
 * describes): J = ∂(Σ over the batch of the logits)/∂x with BN in training
 * mode (so samples are coupled exactly as in the reference's batched
 * backward with a ones gradient), one row per sample flattened (NHWC order —
 * correlation is invariant to a common feature permutation), then
 * `jacobianCorrelationScore`. J comes from the input-gradient pass shared
 * with NetSens and EPE (input-jacobian.ts). Labels are not used. Higher = better: the score
 * is largest when the eigenvalues are all near 1, i.e. the samples'
 * Jacobians are decorrelated.
 */
export const jaccorProxy: StandaloneProxyDef = {
  kind: 'standalone',
  usesInputJacobian: true,
  id: 'jaccor',
  label: 'JacCor',
  description: '−Σ[log(λ+1e-5) + 1/(λ+1e-5)] over eigenvalues of corrcoef of per-sample input Jacobians (zero-cost-nas jacob_cov)',
  needsLabels: false,
  needsBackward: true,
  higherIsBetter: true,
  paperRho: { cifar10: 0.726, nb101: 0.362 },
  async compute(ctx) {
    const { j, n, d } = await inputJacobian(ctx.def, ctx.params, ctx.batch)
    return jacobianCorrelationScore(j, n, d)
  },
}
