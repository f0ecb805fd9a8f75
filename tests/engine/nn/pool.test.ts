/**
 * Pooling: forward equals stock tfjs; avgPool 3x3/s1 'same' (count_include_pad=False)
 * has a count-corrected gradient that matches a hand computation and finite
 * differences, while the stock AvgPoolGrad is demonstrably wrong at the border;
 * 2x2/s2 'valid' and max pooling match stock gradients and finite differences.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { avgPoolOp, maxPoolOp } from '../../../src/engine/nn/ops/pool'
import { ZsnasError } from '../../../src/engine/core/errors'
import { loadStockGradients } from './tfjs-reference-gradients'
import { BACKENDS, autoGrad, finiteDiff, onBackend, pick, randn, randnValues, relErr, sampleIndices } from './helpers'

describe.each(BACKENDS)('pooling on %s', (backend) => {
  it('avgPool 3x3/s1 same: gradient of Σy on a 3x3 image equals the hand-computed Σ 1/cnt', async () => {
    await onBackend(backend, () =>
      tf.tidy(() => {
        const x = randn([1, 3, 3, 1], 21)
        // window counts [[4,6,4],[6,9,6],[4,6,4]]; dx_j = Σ_{i in window(j)} 1/cnt_i
        const corner = 1 / 4 + 1 / 6 + 1 / 6 + 1 / 9
        const edge = 1 / 4 + 1 / 4 + 1 / 6 + 1 / 6 + 1 / 6 + 1 / 9
        const centre = 4 / 4 + 4 / 6 + 1 / 9
        const want = [corner, edge, corner, edge, centre, edge, corner, edge, corner]
        const g = autoGrad((xx) => avgPoolOp(xx as tf.Tensor4D, 3, 1, 'same'), x, new Float32Array(9).fill(1))
        expect(relErr(g, want)).toBeLessThan(1e-6)
        // forward: count excludes padding (average of ones is one everywhere)
        expect(Array.from(avgPoolOp(tf.ones([1, 3, 3, 1]) as tf.Tensor4D, 3, 1, 'same').dataSync())).toEqual(new Array(9).fill(1))
      }),
    )
  })

  it('avgPool 3x3/s1 same: ours matches finite differences, stock AvgPoolGrad is wrong at the border', async () => {
    await loadStockGradients()
    await onBackend(backend, () =>
      tf.tidy(() => {
        const x = randn([2, 5, 6, 3], 22)
        const r = randnValues(x.size, 23)
        const ours = autoGrad((xx) => avgPoolOp(xx as tf.Tensor4D, 3, 1, 'same'), x, r)
        const stock = autoGrad((xx) => tf.avgPool(xx as tf.Tensor4D, 3, 1, 'same'), x, r)
        expect(relErr(avgPoolOp(x as tf.Tensor4D, 3, 1, 'same').dataSync(), tf.avgPool(x as tf.Tensor4D, 3, 1, 'same').dataSync())).toBeLessThan(1e-6)
        const idx = [0, 1, 2, 3 * 6 * 2 + 3 * 2 + 1, x.size - 1, ...sampleIndices(x.size, 8, 24)]
        const fd = finiteDiff((xx) => avgPoolOp(xx as tf.Tensor4D, 3, 1, 'same'), x, r, idx, 1e-2)
        expect(relErr(pick(ours, idx), fd)).toBeLessThan(2e-3)
        // the corner pixel (index 0): stock disagrees with finite differences
        const cornerFd = fd[0]
        expect(Math.abs(stock[0] - cornerFd)).toBeGreaterThan(0.05 * Math.max(Math.abs(cornerFd), 1e-3))
        // interior pixel (h=2, w=2, c=1): stock and ours agree
        const interior = (2 * 6 + 2) * 3 + 1
        expect(Math.abs(stock[interior] - ours[interior])).toBeLessThan(1e-5)
      }),
    )
  })

  it.each([
    ['avg 2x2/2 valid, 6x6', 'avg', 2, 2, 'valid', 6],
    ['avg 2x2/2 valid, 5x5 (last row/col unused)', 'avg', 2, 2, 'valid', 5],
    ['avg 3x3/2 valid (generic path)', 'avg', 3, 2, 'valid', 7],
    ['max 3x3/1 same', 'max', 3, 1, 'same', 5],
    ['max 2x2/2 valid', 'max', 2, 2, 'valid', 6],
  ] as const)('%s: forward + gradient equal stock cpu and finite differences', async (_n, kind, k, s, pad, h) => {
    await loadStockGradients()
    const f = (xx: tf.Tensor) => (kind === 'avg' ? avgPoolOp : maxPoolOp)(xx as tf.Tensor4D, k, s, pad)
    const st = (xx: tf.Tensor) => (kind === 'avg' ? tf.avgPool : tf.maxPool)(xx as tf.Tensor4D, k, s, pad)
    const ref = await onBackend('cpu', () =>
      tf.tidy(() => {
        const x = randn([2, h, h, 3], 25)
        const y = st(x)
        const r = randnValues(y.size, 26)
        return { y: y.dataSync().slice(), r, g: autoGrad(st, x, r) }
      }) as unknown as { y: Float32Array; r: Float32Array; g: Float32Array },
    )
    await onBackend(backend, () =>
      tf.tidy(() => {
        const x = randn([2, h, h, 3], 25)
        expect(relErr(f(x).dataSync(), ref.y)).toBeLessThan(1e-6)
        const g = autoGrad(f, x, ref.r)
        expect(relErr(g, ref.g)).toBeLessThan(1e-4)
        const idx = sampleIndices(x.size, 12, 27)
        // max pooling is piecewise linear: a small step keeps the arg-max (random inputs have no ties)
        expect(relErr(pick(g, idx), finiteDiff(f, x, ref.r, idx, 1e-3))).toBeLessThan(5e-3)
      }),
    )
  })

  it('maxPool ties: the first maximum in row-major window order takes the gradient (PyTorch CPU rule)', async () => {
    await onBackend(backend, () =>
      tf.tidy(() => {
        const x = tf.ones([1, 2, 2, 1])
        // 2x2/2 valid: one window, all equal -> pixel (0,0)
        expect(Array.from(autoGrad((xx) => maxPoolOp(xx as tf.Tensor4D, 2, 2, 'valid'), x, new Float32Array([1])))).toEqual([1, 0, 0, 0])
        // 3x3/1 same on 2x2: every window contains all four pixels; (0,0) comes first in each
        expect(Array.from(autoGrad((xx) => maxPoolOp(xx as tf.Tensor4D, 3, 1, 'same'), x, new Float32Array(4).fill(1)))).toEqual([4, 0, 0, 0])
      }),
    )
  })

  it('rejects unsupported avgPool configurations', async () => {
    await onBackend(backend, () =>
      tf.tidy(() => {
        const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D
        expect(() => avgPoolOp(x, 3, 2, 'same')).toThrow(ZsnasError)
        expect(() => avgPoolOp(x, 2, 1, 'same')).toThrow(/odd k/)
        expect(() => maxPoolOp(x, 5, 1, 'valid')).toThrow(/does not fit/)
      }),
    )
  })
})

describe('stock wasm MaxPoolGrad (tfjs 4.22)', () => {
  it('disagrees with finite differences, which our maxPool gradient matches', async () => {
    await loadStockGradients()
    await onBackend('wasm', () =>
      tf.tidy(() => {
        const x = randn([2, 6, 6, 3], 28)
        const r = randnValues(2 * 3 * 3 * 3, 29)
        const f = (xx: tf.Tensor) => maxPoolOp(xx as tf.Tensor4D, 2, 2, 'valid')
        const stock = autoGrad((xx) => tf.maxPool(xx as tf.Tensor4D, 2, 2, 'valid'), x, r)
        const ours = autoGrad(f, x, r)
        const idx = Array.from({ length: x.size }, (_, i) => i)
        const fd = finiteDiff(f, x, r, idx, 1e-3)
        expect(relErr(ours, fd)).toBeLessThan(5e-3)
        expect(relErr(stock, fd)).toBeGreaterThan(0.05)
      }),
    )
  })
})
