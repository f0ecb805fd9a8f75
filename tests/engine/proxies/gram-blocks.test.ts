/**
 * The row correlation of a large map is summed over blocks of axis 1
 * (responses.ts, GRAM_BLOCK_BYTES): blocked and one-matMul results agree with
 * a float64 Pearson computed here to float32 round-off, block sizes that do
 * not divide the rows included.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { centredRowCorrelation, rowCorrelationPaths, tensorRowCorrelation } from '../../../src/engine/proxies/responses'
import { Rng } from '../../../src/engine/core/rng'
import { backend } from './tiny-nets'

beforeAll(async () => {
  await backend('wasm')
})

function pearson64(x: Float32Array, n: number): Float64Array {
  const d = x.length / n
  const c = new Float64Array(n * n)
  const mean = Array.from({ length: n }, (_, i) => x.subarray(i * d, (i + 1) * d).reduce((a, v) => a + v, 0) / d)
  const ss = mean.map((m, i) => x.subarray(i * d, (i + 1) * d).reduce((a, v) => a + (v - m) ** 2, 0))
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0
      for (let k = 0; k < d; k++) acc += (x[i * d + k] - mean[i]) * (x[j * d + k] - mean[j])
      c[i * n + j] = acc / Math.sqrt(ss[i] * ss[j])
    }
  }
  return c
}

describe('blocked Gram', () => {
  it('blocked = one matMul = float64 Pearson (to float32 round-off)', () => {
    const r = new Rng(7)
    const shape = [5, 13, 6, 4]
    const vals = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => r.normal() + 0.3)
    const t = tf.tensor4d(vals, shape as [number, number, number, number])
    const ref = pearson64(vals, 5)
    const one = tensorRowCorrelation(t)
    for (const blockBytes of [4 * 5 * 6 * 4 * 3, 4 * 5 * 6 * 4 * 5, 1]) {
      const blocked = tensorRowCorrelation(t, blockBytes)
      blocked.matrix.forEach((v, i) => {
        expect(Math.abs(v - ref[i])).toBeLessThan(2e-6)
        expect(Math.abs(v - one.matrix[i])).toBeLessThan(2e-6)
      })
    }
    t.dispose()
  })

  it('rows with large means take the centring path, also per block: = float64 Pearson (to float32 round-off)', () => {
    const r = new Rng(8)
    const shape = [4, 11, 5, 3]
    // means ≫ spread (post-ReLU-like): the raw Gram would cancel; the centred path must run
    const vals = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => 40 + (i % 7) * 0.01 + r.normal() * 0.05)
    const t = tf.tensor4d(vals, shape as [number, number, number, number])
    const ref = pearson64(vals, 4)
    const one = centredRowCorrelation(t)
    for (const blockBytes of [4 * 5 * 3 * 4 * 3, 4 * 5 * 3 * 4 * 4, 1]) {
      const before = rowCorrelationPaths.centred
      const blocked = tensorRowCorrelation(t, blockBytes)
      expect(rowCorrelationPaths.centred).toBe(before + 1)
      blocked.matrix.forEach((v, i) => {
        expect(Math.abs(v - ref[i])).toBeLessThan(1e-4)
        expect(Math.abs(v - one.matrix[i])).toBeLessThan(1e-4)
      })
    }
    t.dispose()
  })
})
