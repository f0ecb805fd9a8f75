/**
 * Test helpers for the op library: backend switching (cpu = numerical
 * reference, wasm = production), deterministic random tensors, finite
 * differences in float64 bookkeeping, relative errors.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { Rng } from '../../../src/engine/core/rng'

export const BACKENDS = ['cpu', 'wasm'] as const
export type TestBackend = (typeof BACKENDS)[number]

/** Activates `name` and fails loudly if tfjs fell back to another backend. */
export async function useBackend(name: TestBackend): Promise<void> {
  const ok = await tf.setBackend(name)
  if (!ok || tf.getBackend() !== name) throw new Error(`backend ${name} unavailable (active: ${tf.getBackend()})`)
}

/** Runs `fn` with `name` active, restoring the previous backend afterwards. */
export async function onBackend<T>(name: TestBackend, fn: () => T | Promise<T>): Promise<T> {
  const prev = tf.getBackend()
  await useBackend(name)
  try {
    return await fn()
  } finally {
    if (prev && prev !== name) await tf.setBackend(prev)
  }
}

/** Standard-normal values from a seeded Rng (same on every backend). */
export function randnValues(n: number, seed: number, scale = 1): Float32Array {
  const r = new Rng(seed)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = r.normal() * scale
  return out
}

export function randn(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(randnValues(shape.reduce((a, b) => a * b, 1), seed, scale), shape)
}

/** max|a−b| / max|b| (b = reference). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`)
  let num = 0
  let den = 0
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]))
    den = Math.max(den, Math.abs(b[i]))
  }
  return den === 0 ? num : num / den
}

/**
 * Central finite differences of L(x) = Σ f(x) ⊙ R (R fixed random weights,
 * summed in float64) at the given flat indices of `x`.
 */
export function finiteDiff(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, r: Float32Array, indices: number[], h: number): number[] {
  const base = x.dataSync().slice() as Float32Array
  const lossAt = (vals: Float32Array): number =>
    tf.tidy(() => {
      const y = f(tf.tensor(vals, x.shape)).dataSync()
      let s = 0
      for (let i = 0; i < y.length; i++) s += y[i] * r[i]
      return s
    })
  return indices.map((i) => {
    const p = base.slice()
    const m = base.slice()
    p[i] += h
    m[i] -= h
    // the actual step after float32 rounding
    const step = p[i] - m[i]
    return (lossAt(p) - lossAt(m)) / step
  })
}

/**
 * Gradient of L(x) = Σ f(x) ⊙ R by autodiff, as the vector-Jacobian product
 * with dy = R (so no stock gradient of sum/mul is needed).
 */
export function autoGrad(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, r: Float32Array): Float32Array {
  return autoGrads(f, [x], r)[0]
}

/** Gradients of L = Σ f(xs) ⊙ R w.r.t. every input (vector-Jacobian product with dy = R). */
export function autoGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], r: Float32Array): Float32Array[] {
  const out: Float32Array[] = []
  tf.tidy(() => {
    const shape = f(...xs).shape
    const gs = tf.grads((...a: tf.Tensor[]) => f(...a))(xs, tf.tensor(r, shape))
    for (const g of gs) out.push(g.dataSync().slice() as Float32Array)
  })
  return out
}

export function pick(a: ArrayLike<number>, idx: number[]): number[] {
  return idx.map((i) => a[i])
}

/** A few spread-out flat indices including both ends. */
export function sampleIndices(n: number, count: number, seed: number): number[] {
  const r = new Rng(seed)
  const s = new Set<number>([0, n - 1])
  while (s.size < Math.min(count, n)) s.add(r.int(n))
  return [...s]
}
