/**
 * Per-weight cache of derived kernels (spatially flipped / transposed copies
 * used by the custom backward passes).
 *
 * Contract: a derived tensor is created at most once per (weight tensor, key),
 * is kept out of every tidy scope, and lives until `releaseDerived(weight)`
 * (called by `disposeParams`) or until it is requested again after its weight
 * was disposed (then it is dropped and rebuilt for the new tensor). tfjs
 * tensors are immutable, so a cached entry can never go stale.
 */
import * as tf from '@tensorflow/tfjs-core'

const cache = new WeakMap<tf.Tensor, Map<string, tf.Tensor>>()

/** Returns the cached `make(weight)` for `key`, creating (and keeping) it on first use. */
export function derived(weight: tf.Tensor, key: string, make: (w: tf.Tensor) => tf.Tensor): tf.Tensor {
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
