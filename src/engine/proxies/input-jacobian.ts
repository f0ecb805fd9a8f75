/**
 * The input-gradient pass shared by JacCor, NetSens and EPE (reference
 * notes §3): J = ∂(Σ over the batch of the logits)/∂x with BN in training
 * mode — the reference's batched backward with a ones gradient — one row per
 * sample (NHWC flattening; all three proxies are invariant to a common
 * feature permutation). Labels are not used.
 *
 * Memoised per (parameter store, batch) object pair (WeakMap), so the
 * proxies of one architecture share one forward/backward. The result is a
 * plain Float32Array; no tensor outlives the call. `computeProxies` primes
 * the memo from the response pass's own forward when a response proxy
 * (WRCor, …) runs on the same parameters and batch (`primeInputJacobian`),
 * which saves the forward; the values are bit-identical either way.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { Batch } from '../core/data'
import { ZsnasError } from '../core/errors'
import type { NetworkDef } from '../core/network'
import type { ParamStore } from '../nn/params'
import { forwardBackward } from '../nn/run'
import { readData } from '../backend/read'

export interface InputJacobian {
  /** row-major n×d */
  j: Float32Array
  n: number
  d: number
}

const memo = new WeakMap<ParamStore, WeakMap<Batch, InputJacobian>>()

/**
 * Memoises ∂(Σ logits)/∂x with BN in training mode, given as a tensor of the batch's shape (read back, not
 * kept), for (params, batch) — computed here or elsewhere (the response pass primes it from its own forward).
 */
export async function primeInputJacobian(params: ParamStore, batch: Batch, grad: tf.Tensor): Promise<InputJacobian> {
  if (grad.size !== batch.x.length) {
    throw new ZsnasError('BAD_SHAPE', `input Jacobian has ${grad.size} values, the batch ${batch.x.length}`)
  }
  const j = (await readData(grad)).slice()
  const n = batch.shape[0]
  const out: InputJacobian = { j, n, d: j.length / n }
  let byBatch = memo.get(params)
  if (byBatch === undefined) {
    byBatch = new WeakMap()
    memo.set(params, byBatch)
  }
  byBatch.set(batch, out)
  return out
}

/** True when the Jacobian of (params, batch) is already memoised. */
export function hasInputJacobian(params: ParamStore, batch: Batch): boolean {
  return memo.get(params)?.has(batch) === true
}

/** The memoised Jacobian of (params, batch), computed by one forward + backward when missing (async: one host read). */
export async function inputJacobian(def: NetworkDef, params: ParamStore, batch: Batch): Promise<InputJacobian> {
  const hit = memo.get(params)?.get(batch)
  if (hit !== undefined) return hit
  const g = (await forwardBackward(def, params, batch, { bn: 'train', loss: 'sumLogits', wrt: 'input' })).inputGrad!
  try {
    return await primeInputJacobian(params, batch, g)
  } finally {
    g.dispose()
  }
}
