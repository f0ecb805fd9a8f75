/**
 * Training-mode BN: forward equals a float64 hand computation with the BIASED
 * batch variance; dx/dγ/dβ equal the stock cpu gradient of
 * moments+batchNorm and central finite differences; γ/β gradients only when asked.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { batchNormTrainOp } from '../../../src/engine/nn/ops/batch-norm'
import { ZsnasError } from '../../../src/engine/core/errors'
import { loadStockGradients } from './tfjs-reference-gradients'
import { BACKENDS, autoGrads, finiteDiff, onBackend, pick, randn, randnValues, relErr, sampleIndices } from './helpers'

const SHAPE = [3, 4, 5, 6]
const EPS = 1e-5

function inputs() {
  const x = randn(SHAPE, 11, 2)
  const g = tf.add(randn([6], 12, 0.5), 1) as tf.Tensor1D
  const b = randn([6], 13)
  return { x: tf.add(x, 0.7) as tf.Tensor4D, g, b: b as tf.Tensor1D }
}

function stock(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2])
  return tf.batchNorm(x as tf.Tensor4D, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, EPS)
}
const ours = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => batchNormTrainOp(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, EPS, true)

describe.each(BACKENDS)('batchNormTrainOp on %s', (backend) => {
  it('forward equals the float64 hand computation (biased variance over N,H,W)', async () => {
    await onBackend(backend, () =>
      tf.tidy(() => {
        const { x, g, b } = inputs()
        const xv = x.dataSync()
        const gv = g.dataSync()
        const bv = b.dataSync()
        const C = SHAPE[3]
        const M = xv.length / C
        const want = new Float64Array(xv.length)
        for (let c = 0; c < C; c++) {
          let s = 0
          for (let i = c; i < xv.length; i += C) s += xv[i]
          const mean = s / M
          let v = 0
          for (let i = c; i < xv.length; i += C) v += (xv[i] - mean) ** 2
          v /= M // biased
          for (let i = c; i < xv.length; i += C) want[i] = (gv[c] * (xv[i] - mean)) / Math.sqrt(v + EPS) + bv[c]
        }
        expect(relErr(ours(x, g, b).dataSync(), want)).toBeLessThan(2e-6)
        // an unbiased variance would be off by a factor sqrt(M/(M-1)) in the normalised values
        const M1 = Math.sqrt(M / (M - 1))
        expect(Math.abs(M1 - 1)).toBeGreaterThan(1e-3)
      }),
    )
  })

  it('dx, dγ, dβ equal the stock cpu gradient and finite differences', async () => {
    await loadStockGradients()
    const r = randnValues(SHAPE.reduce((a, v) => a * v, 1), 14)
    const want = await onBackend('cpu', () => tf.tidy(() => {
      const { x, g, b } = inputs()
      return autoGrads(stock, [x, g, b], r)
    }) as unknown as Float32Array[])
    await onBackend(backend, () =>
      tf.tidy(() => {
        const { x, g, b } = inputs()
        const got = autoGrads(ours, [x, g, b], r)
        for (let i = 0; i < 3; i++) expect(relErr(got[i], want[i]), ['dx', 'dγ', 'dβ'][i]).toBeLessThan(1e-4)
        const ix = sampleIndices(x.size, 10, 15)
        const fx = finiteDiff((xx) => ours(xx, g, b), x, r, ix, 1e-2)
        expect(relErr(pick(got[0], ix), fx)).toBeLessThan(5e-3)
        const fg = finiteDiff((gg) => ours(x, gg, b), g, r, [0, 3, 5], 1e-2)
        expect(relErr(pick(got[1], [0, 3, 5]), fg)).toBeLessThan(2e-3)
        // without weight gradients: same dx, γ/β are constants of the node
        const dxOnly = autoGrads((xx) => batchNormTrainOp(xx as tf.Tensor4D, g, b, EPS), [x], r)[0]
        expect(relErr(dxOnly, want[0])).toBeLessThan(1e-4)
        const { grads } = tf.engine().gradients(() => batchNormTrainOp(x, g, b, EPS), [g], tf.onesLike(x), true)
        expect(grads[0] == null).toBe(true)
      }),
    )
  })
})

describe('batchNormTrainOp input checks', () => {
  it('rejects mismatched γ/β and bad eps', async () => {
    await onBackend('cpu', () =>
      tf.tidy(() => {
        const x = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D
        expect(() => batchNormTrainOp(x, tf.ones([2]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D, EPS)).toThrow(ZsnasError)
        expect(() => batchNormTrainOp(x, tf.ones([3]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D, 0)).toThrow(/eps/)
      }),
    )
  })
})
