/**
 * The input-gradient pass shared by JacCor, NetSens and EPE (reference
 * notes §3): J = ∂(Σ over the batch of the logits)/∂x with BN in training
 * mode — the reference's batched backward with a ones gradient — one row per
 * sample (NHWC flattening; all three proxies are invariant to a common
 * feature permutation). Labels are not used.
 *
 * Memoised per (parameter store, batch) object pair (WeakMap), so the
 * proxies of one architecture share one forward/backward. The result is a
 * plain Float32Array; no tensor outlives the call.
 */
import type { Batch } from '../core/data'
import type { NetworkDef } from '../core/network'
import type { ParamStore } from '../nn/params'
import { forwardBackward } from '../nn/run'

export interface InputJacobian {
  /** row-major n×d */
  j: Float32Array
  n: number
  d: number
}

const memo = new WeakMap<ParamStore, WeakMap<Batch, InputJacobian>>()

export function inputJacobian(def: NetworkDef, params: ParamStore, batch: Batch): InputJacobian {
  let byBatch = memo.get(params)
  const hit = byBatch?.get(batch)
  if (hit !== undefined) return hit
  const res = forwardBackward(def, params, batch, { bn: 'train', loss: 'sumLogits', wrt: 'input' })
  const g = res.inputGrad!
  const j = g.dataSync().slice() as Float32Array
  g.dispose()
  const n = batch.shape[0]
  const out: InputJacobian = { j, n, d: j.length / n }
  if (byBatch === undefined) {
    byBatch = new WeakMap()
    memo.set(params, byBatch)
  }
  byBatch.set(batch, out)
  return out
}
