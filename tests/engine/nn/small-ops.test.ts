/**
 * The remaining custom-gradient ops (add, sigmoid, mulChannels, concat/slice
 * channels, global average pooling, bilinear resize, linear, 'none', losses,
 * gradient tap): forward equals stock tfjs, gradients equal the stock cpu
 * gradient (≤ 1e-4 relative), finite differences, or a hand computation.
 * The stock resize gradient is shown to be wrong (ignores halfPixelCenters).
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { addOp, mulChannelsOp, sigmoidOp } from '../../../src/engine/nn/ops/elementwise'
import { concatChannelsOp, globalAvgPoolOp, sliceChannelsOp } from '../../../src/engine/nn/ops/layout'
import { resizeBilinearOp } from '../../../src/engine/nn/ops/resize'
import { linearOp } from '../../../src/engine/nn/ops/linear'
import { gradTapOp, zeroOp } from '../../../src/engine/nn/ops/misc'
import { crossEntropyOp, sumOp } from '../../../src/engine/nn/ops/loss'
import { ZsnasError } from '../../../src/engine/core/errors'
import { loadStockGradients } from './tfjs-reference-gradients'
import { BACKENDS, autoGrads, finiteDiff, onBackend, randn, randnValues, relErr } from './helpers'

type F = (...xs: tf.Tensor[]) => tf.Tensor
interface OpCase {
  name: string
  shapes: number[][]
  ours: F
  stock: F
}
const X = [2, 4, 5, 3]
const CASES: OpCase[] = [
  { name: 'add', shapes: [X, X], ours: (a, b) => addOp(a, b), stock: (a, b) => tf.add(a, b) },
  { name: 'sigmoid', shapes: [X], ours: (a) => sigmoidOp(a), stock: (a) => tf.sigmoid(a) },
  {
    name: 'mulChannels',
    shapes: [X, [2, 1, 1, 3]],
    ours: (a, g) => mulChannelsOp(a as tf.Tensor4D, g as tf.Tensor4D),
    stock: (a, g) => tf.mul(a, g),
  },
  {
    name: 'concatChannels',
    shapes: [X, [2, 4, 5, 2]],
    ours: (a, b) => concatChannelsOp([a as tf.Tensor4D, b as tf.Tensor4D]),
    stock: (a, b) => tf.concat([a, b], 3),
  },
  { name: 'sliceChannels', shapes: [X], ours: (a) => sliceChannelsOp(a as tf.Tensor4D, 2), stock: (a) => tf.slice(a, [0, 0, 0, 0], [-1, -1, -1, 2]) },
  { name: 'globalAvgPool', shapes: [X], ours: (a) => globalAvgPoolOp(a as tf.Tensor4D), stock: (a) => tf.mean(a, [1, 2], true) },
  {
    name: 'linear [N,C] with bias, weight grads',
    shapes: [[3, 6], [6, 4], [4]],
    ours: (x, w, b) => linearOp(x, w as tf.Tensor2D, b as tf.Tensor1D, true),
    stock: (x, w, b) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b),
  },
  {
    name: 'linear [N,1,1,C] without bias, weight grads',
    shapes: [[3, 1, 1, 6], [6, 4]],
    ours: (x, w) => linearOp(x, w as tf.Tensor2D, undefined, true),
    stock: (x, w) => tf.matMul(tf.reshape(x, [3, 6]), w as tf.Tensor2D),
  },
]

describe.each(BACKENDS)('small ops on %s', (backend) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: forward and gradients equal stock cpu', async (_n, c) => {
    await loadStockGradients()
    const make = () => c.shapes.map((s, i) => randn(s, 40 + i))
    const want = await onBackend('cpu', () =>
      tf.tidy(() => {
        const xs = make()
        const y = c.stock(...xs)
        const r = randnValues(y.size, 50)
        return { y: y.dataSync().slice(), r, g: autoGrads(c.stock, xs, r) }
      }) as unknown as { y: Float32Array; r: Float32Array; g: Float32Array[] },
    )
    await onBackend(backend, () =>
      tf.tidy(() => {
        const xs = make()
        expect(relErr(c.ours(...xs).dataSync(), want.y)).toBeLessThan(1e-6)
        const g = autoGrads(c.ours, xs, want.r)
        for (let i = 0; i < g.length; i++) expect(relErr(g[i], want.g[i]), `input ${i}`).toBeLessThan(1e-4)
      }),
    )
  })

  it("linear without weight gradients differentiates the input only (dx = dy·Wᵀ)", async () => {
    await onBackend(backend, () =>
      tf.tidy(() => {
        const x = tf.tensor2d([[1, 2]])
        const w = tf.tensor2d([
          [1, 2, 3],
          [4, 5, 6],
        ])
        // dy = [1, 0, -1] -> dx = [1-3, 4-6] = [-2, -2]
        const [dx] = autoGrads((xx) => linearOp(xx, w), [x], new Float32Array([1, 0, -1]))
        expect(Array.from(dx)).toEqual([-2, -2])
        const y = linearOp(x, w)
        expect(tf.engine().gradients(() => linearOp(x, w), [w], tf.onesLike(y), true).grads[0] == null).toBe(true)
      }),
    )
  })

  it("'none' gives zeros and a zero gradient but stays on the path; the gradient tap sees ∂L/∂x", async () => {
    await onBackend(backend, () =>
      tf.tidy(() => {
        const x = randn([1, 2, 2, 1], 60)
        expect(Array.from(zeroOp(x).dataSync())).toEqual([0, 0, 0, 0])
        const [g] = autoGrads((xx) => addOp(zeroOp(xx), zeroOp(xx)), [x], new Float32Array([1, 2, 3, 4]))
        expect(Array.from(g)).toEqual([0, 0, 0, 0])
        let seen: number[] = []
        const [g2] = autoGrads((xx) => gradTapOp(xx, (d) => void (seen = Array.from(d.dataSync()))), [x], new Float32Array([1, 2, 3, 4]))
        expect(seen).toEqual([1, 2, 3, 4])
        expect(Array.from(g2)).toEqual([1, 2, 3, 4])
      }),
    )
  })

  it('cross-entropy: value and gradient equal the float64 hand computation; sum: gradient 1', async () => {
    await onBackend(backend, () =>
      tf.tidy(() => {
        const z = [
          [2, -1, 0.5],
          [0, 0, 3],
        ]
        const labels = new Int32Array([0, 2])
        let want = 0
        const grad: number[] = []
        for (let i = 0; i < 2; i++) {
          const m = Math.max(...z[i])
          const lse = m + Math.log(z[i].reduce((a, v) => a + Math.exp(v - m), 0))
          want += (lse - z[i][labels[i]]) / 2
          for (let j = 0; j < 3; j++) grad.push((Math.exp(z[i][j] - lse) - (j === labels[i] ? 1 : 0)) / 2)
        }
        const logits = tf.tensor2d(z)
        expect(crossEntropyOp(logits, labels).dataSync()[0]).toBeCloseTo(want, 6)
        const [g] = autoGrads((l) => crossEntropyOp(l as tf.Tensor2D, labels), [logits], new Float32Array([1]))
        expect(relErr(g, grad)).toBeLessThan(1e-6)
        const [gs] = autoGrads((l) => sumOp(l), [logits], new Float32Array([1]))
        expect(Array.from(gs)).toEqual([1, 1, 1, 1, 1, 1])
        expect(() => crossEntropyOp(logits, new Int32Array([0]))).toThrow(ZsnasError)
      }),
    )
  })

  it('resizeBilinear follows PyTorch align_corners=False (hand-computed 2x2 -> 4x4)', async () => {
    await onBackend(backend, () =>
      tf.tidy(() => {
        // src = (dst + 0.5)/2 - 0.5, clamped: weights (1), (.75,.25), (.25,.75), (1)
        const y = resizeBilinearOp(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), 4)
        const want = [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]
        expect(relErr(y.dataSync(), want)).toBeLessThan(1e-6)
      }),
    )
  })

  it.each([
    [5, 6],
    [5, 7],
    [8, 4],
    [7, 3],
  ])('resizeBilinear %i -> %i: gradient equals finite differences (the stock kernel ignores halfPixelCenters)', async (a, b) => {
    await loadStockGradients()
    await onBackend(backend, () =>
      tf.tidy(() => {
        const x = randn([2, a, a, 2], 61)
        const r = randnValues(2 * b * b * 2, 62)
        const f = (xx: tf.Tensor) => resizeBilinearOp(xx as tf.Tensor4D, b)
        const [g] = autoGrads(f, [x], r)
        const fd = finiteDiff(f, x, r, Array.from({ length: x.size }, (_, i) => i), 1e-2)
        expect(relErr(g, fd)).toBeLessThan(1e-3)
        const [stock] = autoGrads((xx) => tf.image.resizeBilinear(xx as tf.Tensor4D, [b, b], false, true), [x], r)
        expect(relErr(stock, fd)).toBeGreaterThan(0.05)
      }),
    )
  })

  it('shape errors are ZsnasErrors', async () => {
    await onBackend(backend, () =>
      tf.tidy(() => {
        const x = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D
        expect(() => addOp(x, tf.zeros([1, 2, 2, 1]))).toThrow(ZsnasError)
        expect(() => mulChannelsOp(x, tf.zeros([1, 2, 2, 3]) as tf.Tensor4D)).toThrow(ZsnasError)
        expect(() => sliceChannelsOp(x, 4)).toThrow(ZsnasError)
        expect(() => concatChannelsOp([x, tf.zeros([1, 3, 2, 3]) as tf.Tensor4D])).toThrow(ZsnasError)
        expect(() => linearOp(x, tf.zeros([3, 2]) as tf.Tensor2D)).toThrow(ZsnasError)
        expect(() => resizeBilinearOp(x, 0)).toThrow(ZsnasError)
      }),
    )
  })
})
