/**
 * Test helper: the engine's eval-mode logits (`bn: 'eval'`, forward only) of a
 * network with given engine-layout weights on an NHWC input, and the NHWC →
 * NCHW copy of that input the exported models take.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { InitScheme, NetworkDef } from '../../../src/engine/core/network'
import { materializeParams, type ParamStore } from '../../../src/engine/nn/params'
import { Rng } from '../../../src/engine/core/rng'
import { forwardBackward } from '../../../src/engine/nn/run'
import type { WeightMap } from '../../../src/engine/export/weights'

export async function engineEvalLogits(def: NetworkDef, weights: WeightMap, x: Float32Array, n: number): Promise<Float32Array> {
  const store = new Map<string, tf.Tensor>()
  for (const p of def.params) store.set(p.name, tf.tensor(weights.get(p.name)!, p.shape, 'float32'))
  try {
    return await storeEvalLogits(def, store, x, n)
  } finally {
    for (const t of store.values()) t.dispose()
  }
}

/** Eval-mode logits with an engine parameter store ('train' = batch-statistics BN, the scoring forward). */
export async function storeEvalLogits(def: NetworkDef, store: ParamStore, x: Float32Array, n: number, bn: 'eval' | 'train' = 'eval'): Promise<Float32Array> {
  const [h, w, c] = def.inputShape
  const r = await forwardBackward(def, store, { x, shape: [n, h, w, c], labels: new Int32Array(n), numClasses: def.numClasses }, { bn, loss: 'sumLogits', wrt: 'none' })
  return r.logits
}

/** The parameters `scoreArchitecture` materialises for `seed` (init stream = second fork of the root). */
export function scoringStore(def: NetworkDef, init: InitScheme, seed: number): ParamStore {
  const root = new Rng(seed)
  root.fork()
  return materializeParams(def, init, root.fork())
}

/** A reproducible N(0,1) NHWC input batch. */
export function randomInput(n: number, h: number, w: number, c: number, seed: number): Float32Array {
  const rng = new Rng(seed)
  const x = new Float32Array(n * h * w * c)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  return x
}

/** NHWC → NCHW copy. */
export function toNchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length)
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) {
    out[((b * c + ch) * h + y) * w + xx] = x[((b * h + y) * w + xx) * c + ch]
  }
  return out
}

/** max |a−b| / max |b| (relative to the reference's scale). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0
  let s = 0
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]))
    s = Math.max(s, Math.abs(b[i]))
  }
  return d / s
}
