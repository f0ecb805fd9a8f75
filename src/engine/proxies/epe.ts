import { pearsonRows } from '../linalg'
import { inputJacobian } from './input-jacobian'
import type { StandaloneProxyDef } from './types'

/** k of EPE's log(|C| + k) */
export const EPE_K = 1e-5

/**
 * EPE-NAS score of per-sample Jacobian rows grouped by label (reference
 * `epe_score`, notes §3; Lopes et al. 2021): for every class c present in the
 * batch, C_c = corrcoef of that class's rows (float64; a class with one
 * sample gives numpy's scalar 1), s_c = Σ_ij log(|C_c,ij| + k), k = 1e-5.
 * With ≤ 100 classes present (notes): score = Σ_c |s_c|. With more (ImageNet
 * batches), as in the EPE-NAS code: s_c is divided by the class's sample
 * count (a one-sample class has no length there and is skipped), and
 * score = Σ over ordered class pairs |s_c − s_c'| / #classes.
 * A constant Jacobian row makes C_c NaN and the score NaN (as numpy would).
 */
export function epeFromJacobian(j: ArrayLike<number>, n: number, d: number, labels: ArrayLike<number>): number {
  const byClass = new Map<number, number[]>()
  for (let i = 0; i < n; i++) {
    const rows = byClass.get(labels[i]) ?? []
    rows.push(i)
    byClass.set(labels[i], rows)
  }
  const many = byClass.size > 100
  const s: number[] = []
  for (const rows of byClass.values()) {
    if (rows.length === 1) {
      if (!many) s.push(Math.log(1 + EPE_K))
      continue
    }
    const sub = new Float64Array(rows.length * d)
    rows.forEach((r, k) => {
      for (let t = 0; t < d; t++) sub[k * d + t] = j[r * d + t]
    })
    const c = pearsonRows(sub, rows.length, d)
    if (c.zeroVarianceRows.length > 0) return NaN
    let v = 0
    for (const x of c.matrix) v += Math.log(Math.abs(x) + EPE_K)
    s.push(many ? v / rows.length : v)
  }
  if (!many) return s.reduce((a, v) => a + Math.abs(v), 0)
  let total = 0
  for (const a of s) for (const b of s) total += Math.abs(a - b)
  return s.length === 0 ? NaN : total / s.length
}

/**
 * EPE (Lopes et al. 2021; reference `epe_score`): per-class correlation of the
 * input Jacobians J = ∂(Σ logits)/∂x (BN in training mode), grouped by the
 * batch's true labels (`epeFromJacobian`). Shares the input-gradient pass
 * with JacCor and NetSens. Higher = better (the reference tables report |ρ|
 * only; +1 follows the EPE-NAS paper, where a larger score means a better
 * network).
 */
export const epeProxy: StandaloneProxyDef = {
  kind: 'standalone',
  usesInputJacobian: true,
  id: 'epe',
  label: 'EPE',
  description: 'Σ over classes |Σ log(|corrcoef(J_class)| + 1e-5)| of input Jacobians (EPE-NAS)',
  needsLabels: true,
  needsBackward: true,
  higherIsBetter: true,
  paperRho: { cifar10: 0.693 },
  async compute(ctx) {
    const { j, n, d } = await inputJacobian(ctx.def, ctx.params, ctx.batch)
    return epeFromJacobian(j, n, d, ctx.batch.labels)
  },
}
