/**
 * Parameter materialisation: a `NetworkDef`'s `ParamSpec`s become tfjs tensors.
 *
 * Guarantees:
 * - Values are drawn in JS from the given `Rng` (specs in declaration order,
 *   elements in row-major order of the spec shape) and only then uploaded, so
 *   the same seed gives bit-identical float32 weights on every backend.
 * - Shapes equal the spec shapes; names are unique (else `BAD_SHAPE`/`BAD_VALUE`).
 * - `disposeParams` also releases every derived kernel cached for these
 *   tensors by the op library (flipped/transposed copies), and empties the store.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { InitScheme, NetworkDef, ParamSpec } from '../core/network'
import type { Rng } from '../core/rng'
import { ZsnasError } from '../core/errors'
import { initDistribution, type Distribution } from './init'
import { markCacheable, releaseDerived } from './ops/kernel-cache'

/** name → tensor (NHWC conventions of core/network.ts). */
export type ParamStore = Map<string, tf.Tensor>

function size(spec: ParamSpec): number {
  if (!Array.isArray(spec.shape) || spec.shape.length === 0 || !spec.shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ZsnasError('BAD_SHAPE', `parameter '${spec.name}' has shape [${String(spec.shape)}]; expected positive integers`)
  }
  return spec.shape.reduce((a, b) => a * b, 1)
}

/** Fills a Float32Array from `dist` using `rng` (element order = row-major). */
export function sampleValues(n: number, dist: Distribution, rng: Rng): Float32Array {
  const out = new Float32Array(n)
  if (dist.kind === 'const') out.fill(dist.value)
  else if (dist.kind === 'uniform') for (let i = 0; i < n; i++) out[i] = (2 * rng.next() - 1) * dist.limit
  else for (let i = 0; i < n; i++) out[i] = rng.normal() * dist.std
  return out
}

/** Creates every parameter of `def` with `init`, deterministically from `rng`. */
export function materializeParams(def: NetworkDef, init: InitScheme, rng: Rng): ParamStore {
  const store: ParamStore = new Map()
  try {
    for (const spec of def.params) {
      if (store.has(spec.name)) throw new ZsnasError('BAD_VALUE', `network '${def.name}' declares parameter '${spec.name}' twice`)
      const values = sampleValues(size(spec), initDistribution(spec, init), rng)
      store.set(spec.name, markCacheable(tf.tensor(values, spec.shape, 'float32')))
    }
  } catch (e) {
    disposeParams(store)
    throw e
  }
  return store
}

/** Disposes every tensor (and its cached derived kernels) and empties the store. */
export function disposeParams(p: ParamStore): void {
  for (const t of p.values()) {
    releaseDerived(t)
    if (!t.isDisposed) t.dispose()
  }
  p.clear()
}

/** Independent copy (new tensors with the same values). */
export function cloneParams(p: ParamStore): ParamStore {
  const out: ParamStore = new Map()
  for (const [k, t] of p) out.set(k, markCacheable(tf.clone(t)))
  return out
}

/** Element-wise |θ| of every parameter (SynFlow), as a new store. */
export function absParams(p: ParamStore): ParamStore {
  const out: ParamStore = new Map()
  for (const [k, t] of p) out.set(k, markCacheable(tf.abs(t)))
  return out
}
