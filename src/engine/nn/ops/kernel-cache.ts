/**
 * Per-weight cache of derived kernels (spatially flipped / transposed copies
 * used by the custom backward passes).
 *
 * Contract: only tensors marked with `markCacheable` (every tensor created by
 * materializeParams / cloneParams / absParams) are cached: a derived tensor
 * is then created at most once per (weight tensor, key), kept out of every
 * tidy scope, and lives until `releaseDerived(weight)` (called by
 * `disposeParams`). For any other tensor `derived` just returns `make(w)`,
 * which the caller's tidy disposes — so temporary weights never leak.
 * tfjs tensors are immutable, so a cached entry can never go stale.
 */
import * as tf from '@tensorflow/tfjs-core'

const cache = new WeakMap<tf.Tensor, Map<string, tf.Tensor>>()
const cacheable = new WeakSet<tf.Tensor>()

/** Declares `t` a long-lived parameter whose derived kernels may be cached (released by `releaseDerived`). */
export function markCacheable(t: tf.Tensor): tf.Tensor {
  cacheable.add(t)
  return t
}

/** True when `t` was marked with `markCacheable`. */
export function isCacheable(t: tf.Tensor): boolean {
  return cacheable.has(t)
}

/** `make(weight)`, cached per (weight, key) when the weight is cacheable (see module comment). */
export function derived(weight: tf.Tensor, key: string, make: (w: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (!cacheable.has(weight)) return make(weight)
  let entries = cache.get(weight)
  if (entries === undefined) {
    entries = new Map()
    cache.set(weight, entries)
  }
  const hit = entries.get(key)
  if (hit !== undefined && !hit.isDisposed) return hit
  const made = tf.keep(tf.tidy(() => make(weight)))
  entries.set(key, made)
  return made
}

/** Disposes every derived tensor of `weight` (safe to call more than once). */
export function releaseDerived(weight: tf.Tensor): void {
  const entries = cache.get(weight)
  if (entries === undefined) return
  for (const t of entries.values()) if (!t.isDisposed) t.dispose()
  cache.delete(weight)
}

/** Number of live derived tensors of `weight` (for tests). */
export function derivedCount(weight: tf.Tensor): number {
  const entries = cache.get(weight)
  if (entries === undefined) return 0
  let n = 0
  for (const t of entries.values()) if (!t.isDisposed) n++
  return n
}
