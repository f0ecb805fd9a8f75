/**
 * conv2dOp: forward equals stock tfjs; dx/dW/dBias equal the stock cpu-backend
 * gradients (relative error ≤ 1e-4) and central finite differences; explicit
 * padding follows PyTorch (hand-computed example); dW is not produced when
 * weight gradients are off.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { conv2dOp } from '../../../src/engine/nn/ops/conv'
import type { Padding } from '../../../src/engine/core/network'
import { ZsnasError } from '../../../src/engine/core/errors'
import { loadStockGradients } from './tfjs-reference-gradients'
import { BACKENDS, autoGrads, finiteDiff, onBackend, pick, randn, randnValues, relErr, sampleIndices } from './helpers'

interface Case {
  k: number
  s: number
  pad: Padding
  dw: boolean
  h: number
}
const CASES: Case[] = []
for (const dw of [false, true]) {
  for (const k of [1, 3, 5, 7]) {
    for (const s of [1, 2]) {
      const pads: Padding[] = ['same', 'valid', (k - 1) / 2]
      for (const pad of pads) CASES.push({ k, s, pad, dw, h: k === 7 ? 9 : 6 })
    }
  }
}
// odd input size with stride 2 (asymmetric TF padding, leftover rows)
CASES.push({ k: 3, s: 2, pad: 'same', dw: false, h: 7 }, { k: 3, s: 2, pad: 1, dw: true, h: 7 }, { k: 3, s: 2, pad: 'valid', dw: false, h: 8 })
// padding wider than k−1 (outputs that see only padding): the input gradient crops the dilated dy
CASES.push({ k: 1, s: 2, pad: 1, dw: false, h: 5 }, { k: 3, s: 1, pad: 3, dw: true, h: 5 })

const N = 2
const CIN = 3
const COUT = 4
const name = (c: Case) => `${c.dw ? 'depthwise' : 'conv'} k${c.k} s${c.s} pad=${c.pad} in${c.h}`

function tensors(c: Case) {
  const x = randn([N, c.h, c.h, CIN], 1)
  const w = randn([c.k, c.k, CIN, c.dw ? 1 : COUT], 2, 0.5)
  const b = randn([c.dw ? CIN : COUT], 3)
  return { x, w, b }
}

function stock(c: Case, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const y = c.dw
    ? tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad as 'same')
    : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad as 'same')
  return tf.add(y, b)
}
function ours(c: Case, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return conv2dOp(x as tf.Tensor4D, w as tf.Tensor4D, { stride: c.s, pad: c.pad, depthwise: c.dw, weightGrads: true }, b as tf.Tensor1D)
}

/** stock cpu reference: forward and gradients of L = Σ y ⊙ R */
const reference = new Map<Case, { y: Float32Array; r: Float32Array; g: Float32Array[] }>()
async function ref(c: Case) {
  await loadStockGradients()
  const hit = reference.get(c)
  if (hit) return hit
  const out = await onBackend('cpu', () =>
    tf.tidy(() => {
      const { x, w, b } = tensors(c)
      const y = stock(c, x, w, b)
      const r = randnValues(y.size, 4)
      return { y: y.dataSync().slice() as Float32Array, r, g: autoGrads((...a) => stock(c, a[0], a[1], a[2]), [x, w, b], r) }
    }),
  )
  reference.set(c, out)
  return out
}

describe.each(BACKENDS)('conv2dOp on %s', (backend) => {
  it.each(CASES.map((c) => [name(c), c] as const))('%s: forward + dx/dW/db match stock cpu', async (_n, c) => {
    const want = await ref(c)
    await onBackend(backend, () =>
      tf.tidy(() => {
        const { x, w, b } = tensors(c)
        const y = ours(c, x, w, b)
        expect(relErr(y.dataSync(), want.y)).toBeLessThan(1e-5)
        const g = autoGrads((...a) => ours(c, a[0], a[1], a[2]), [x, w, b], want.r)
        for (let i = 0; i < 3; i++) expect(relErr(g[i], want.g[i]), ['dx', 'dW', 'db'][i]).toBeLessThan(1e-4)
      }),
    )
  })

  it('dx and dW match central finite differences (k3 s2 pad 1, depthwise k5 s2 same)', async () => {
    const picked: Case[] = [
      { k: 3, s: 2, pad: 1, dw: false, h: 6 },
      { k: 5, s: 2, pad: 'same', dw: true, h: 7 },
    ]
    await onBackend(backend, () => {
      for (const c of picked) {
        tf.tidy(() => {
          const { x, w, b } = tensors(c)
          const y = ours(c, x, w, b)
          const r = randnValues(y.size, 9)
          const [gx, gw] = autoGrads((...a) => ours(c, a[0], a[1], a[2]), [x, w, b], r)
          const ix = sampleIndices(x.size, 12, 5)
          const iw = sampleIndices(w.size, 8, 6)
          // conv is linear in x and in w, so central differences are exact up to float32 rounding
          const fx = finiteDiff((xx) => ours(c, xx, w, b), x, r, ix, 1e-2)
          const fw = finiteDiff((ww) => ours(c, x, ww, b), w, r, iw, 1e-2)
          expect(relErr(pick(gx, ix), fx)).toBeLessThan(2e-3)
          expect(relErr(pick(gw, iw), fw)).toBeLessThan(2e-3)
        })
      }
    })
  })

  it('without weight gradients the node differentiates x only (same dx)', async () => {
    const c: Case = { k: 3, s: 2, pad: 1, dw: false, h: 6 }
    const want = await ref(c)
    await onBackend(backend, () =>
      tf.tidy(() => {
        const { x, w, b } = tensors(c)
        const f = (xx: tf.Tensor) => conv2dOp(xx as tf.Tensor4D, w as tf.Tensor4D, { stride: 2, pad: 1 }, b as tf.Tensor1D)
        const [gx] = autoGrads(f, [x], want.r)
        expect(relErr(gx, want.g[0])).toBeLessThan(1e-4)
        // w is a constant of the node: there is no gradient path to it
        const y = f(x)
        const { grads } = tf.engine().gradients(() => f(x), [w], tf.onesLike(y), true)
        expect(grads[0] == null).toBe(true)
      }),
    )
  })
})

describe('explicit PyTorch padding', () => {
  it('3x3 stride 2 pad 1 on a 4x4 input equals the hand-computed PyTorch result, TF same differs', async () => {
    await onBackend('wasm', () =>
      tf.tidy(() => {
        // x[i,j] = 4i + j, all-ones kernel => each output = sum of the in-bounds window
        const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1])
        const w = tf.ones([3, 3, 1, 1]) as tf.Tensor4D
        // PyTorch: windows start at -1 and 1 => rows/cols {0,1} and {0..3}∩{1,2,3}
        // out[0,0] = x[0:2,0:2] = 0+1+4+5 = 10; out[0,1] = x[0:2,1:4] = 1+2+3+5+6+7 = 24
        // out[1,0] = x[1:4,0:2] = 4+5+8+9+12+13 = 51; out[1,1] = x[1:4,1:4] = 5+6+7+9+10+11+13+14+15 = 90
        const y = conv2dOp(x, w, { stride: 2, pad: 1 })
        expect(y.shape).toEqual([1, 2, 2, 1])
        expect(Array.from(y.dataSync())).toEqual([10, 24, 51, 90])
        // TF 'same' pads only bottom/right here: out[0,0] = x[0:3,0:3] = 45
        const same = conv2dOp(x, w, { stride: 2, pad: 'same' })
        expect(same.dataSync()[0]).toBe(45)
      }),
    )
  })

  it('rejects bad shapes and options with ZsnasError', async () => {
    await onBackend('cpu', () =>
      tf.tidy(() => {
        const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D
        expect(() => conv2dOp(x, tf.zeros([3, 3, 2, 4]) as tf.Tensor4D, { stride: 1, pad: 'same' })).toThrow(ZsnasError)
        expect(() => conv2dOp(x, tf.zeros([3, 3, 3, 2]) as tf.Tensor4D, { stride: 1, pad: 'same', depthwise: true })).toThrow(
          /depthwise kernel/,
        )
        expect(() => conv2dOp(x, tf.zeros([7, 7, 3, 1]) as tf.Tensor4D, { stride: 1, pad: 'valid' })).toThrow(/does not fit/)
        expect(() => conv2dOp(x, tf.zeros([3, 3, 3, 1]) as tf.Tensor4D, { stride: 1, pad: -1 })).toThrow(/padding/)
      }),
    )
  })
})
