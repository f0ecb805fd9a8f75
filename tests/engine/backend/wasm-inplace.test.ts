/**
 * Heap writes on the wasm backend (src/engine/backend/wasm-inplace.ts) and the
 * ops that use them (ops/relu.ts, ops/batch-norm.ts through the engine tape):
 * - the primitives: exclusive ownership (a clone or a reshape shares the
 *   buffer), writes land at the right samples, shape mismatches are refused;
 * - a ReLU gradient written over a dy the tape hands over equals dy·step(y)
 *   computed independently (JS, element by element, signed zeros included),
 *   and the caller's seed gradient is never overwritten;
 * - the ReLU saves a 1-byte mask, not its float32 output.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { allocateF32, exclusive, heapSlice, heapWritable, inPlaceStats, sliceAxis, writeSamples } from '../../../src/engine/backend/wasm-inplace'
import { Rng } from '../../../src/engine/core/rng'
import { reluOp } from '../../../src/engine/nn/ops/relu'
import { batchNormTrainOp } from '../../../src/engine/nn/ops/batch-norm'
import { withOpChunkBytes } from '../../../src/engine/nn/ops/batch-chunks'
import { backpropagate, recordTape } from '../../../src/engine/nn/tape'
import { onBackend, randn } from '../nn/helpers'

describe('wasm heap writes: primitives', () => {
  it('exclusive only while one tensor owns the buffer; writeSamples places samples; off wasm nothing is writable', async () => {
    await onBackend('wasm', () => {
      expect(heapWritable()).toBe(true)
      const t = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [4, 1, 1, 2])
      expect(exclusive(t)).toBe(true)
      // a clone is a copy on wasm (its own buffer); a reshape shares the buffer
      const c = tf.clone(t)
      expect(c.dataId).not.toBe(t.dataId)
      expect(exclusive(t)).toBe(true)
      c.dispose()
      const r = tf.reshape(t, [8])
      expect(exclusive(t)).toBe(false)
      r.dispose()
      expect(exclusive(t)).toBe(true)
      const out = allocateF32([4, 1, 1, 2])
      writeSamples(out, tf.tensor4d([10, 20, 30, 40], [2, 1, 1, 2]), 2)
      writeSamples(out, tf.tensor4d([-1, -2, -3, -4], [2, 1, 1, 2]), 0)
      expect(Array.from(out.dataSync())).toEqual([-1, -2, -3, -4, 10, 20, 30, 40])
      expect(() => writeSamples(out, tf.tensor4d([1, 2, 3], [1, 1, 1, 3]), 0)).toThrow(/do not fit/)
      expect(() => writeSamples(out, tf.tensor4d([1, 2, 3, 4], [2, 1, 1, 2]), 3)).toThrow(/do not fit/)
      expect(exclusive(tf.tensor1d([1, 2], 'int32'))).toBe(false)
      tf.dispose([t, out])
    })
    await onBackend('cpu', () => {
      expect(heapWritable()).toBe(false)
      const t = tf.tensor1d([1])
      expect(exclusive(t)).toBe(false)
      t.dispose()
    })
  })
})

describe('heap-to-heap slices (wasm)', () => {
  it('equal tf.slice for 300 random slices of rank 1–5 float32, int32 and bool tensors', async () => {
    await onBackend('wasm', () => {
      const rng = new Rng(5)
      const int = (lo: number, hi: number): number => lo + Math.floor(rng.next() * (hi - lo + 1))
      for (let trial = 0; trial < 300; trial++) {
        const rank = int(1, 5)
        const shape = Array.from({ length: rank }, () => int(1, 5))
        const size = shape.reduce((a, b) => a * b, 1)
        const dtype = (['float32', 'int32', 'bool'] as const)[trial % 3]
        const values = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? (i * 7 + trial) % 3 === 0 : dtype === 'int32' ? i - 5 : (i - 3.25) * 1.5))
        const t = tf.tensor(values as number[], shape, dtype)
        const begin = shape.map((d) => int(0, d - 1))
        const sz = shape.map((d, a) => (rng.next() < 0.2 ? -1 : int(0, d - begin[a])))
        const want = tf.slice(t, begin, sz)
        const got = heapSlice(t, begin, sz)
        expect(got.shape).toEqual(want.shape)
        expect(got.dtype).toBe(want.dtype)
        expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()))
        tf.dispose([t, want, got])
      }
      // one axis, signed zeros and NaN kept bit for bit
      const t = tf.tensor4d([0, -0, NaN, 1, -1, Infinity, 2, 3], [4, 1, 1, 2])
      const s = sliceAxis(t, 0, 1, 2)
      const v = s.dataSync()
      expect([Object.is(v[0], NaN), v[1], v[2], v[3]]).toEqual([true, 1, -1, Infinity])
      expect(Object.is(sliceAxis(t, 0, 0, 1).dataSync()[1], -0)).toBe(true)
      expect(() => sliceAxis(t, 0, 3, 2)).toThrow(/outside/)
      tf.dispose([t, s])
    })
  })
})

describe('ReLU gradient written over the handed-over dy (wasm)', () => {
  it('equals dy·step(y) element by element, signed zeros included; the seed is untouched; the mask is 1 byte per element', async () => {
    await onBackend('wasm', () => {
      const n = 6
      const bytesBefore = tf.memory().numBytes
      // pre-activations with exact zeros, negative zeros and both signs
      const xv = tf.tidy(() => randn([n, 3, 3, 2], 41).dataSync().slice())
      xv[0] = 0
      xv[1] = -0
      xv[5] = -1e-30
      const x = tf.tensor4d(xv, [n, 3, 3, 2])
      // dy through a second op so the ReLU's dy is a fresh tensor the tape owns (the seed itself is shared)
      const seedV = tf.tidy(() => randn([n, 3, 3, 2], 42).dataSync().slice())
      seedV[0] = -2 // dy < 0 where y = 0: dy·0 = −0
      const seed = tf.tensor4d(seedV, [n, 3, 3, 2])
      const gamma = tf.ones([2]) as tf.Tensor1D
      const beta = tf.zeros([2]) as tf.Tensor1D
      const before = { ...inPlaceStats }
      const { result, tape } = recordTape([x], () => tf.tidy(() => batchNormTrainOp(reluOp(x) as tf.Tensor4D, gamma, beta, 1e-5)))
      // saved: BN's x − μ (n·18 floats) and invstd (2), γ is a parameter; the ReLU's mask (n·18 bytes)
      const saved = tape.nodes.flatMap((nd) => nd.saved)
      const mask = saved.find((t) => t.dtype === 'bool')!
      expect(mask.shape).toEqual([n, 3, 3, 2])
      expect(saved.some((t) => t.dtype === 'float32' && t.shape.join() === [n, 3, 3, 2].join() && t !== mask)).toBe(true)
      // reference: the same tape, unsplit (nothing written over a dy: the threshold is above every map)
      const [gWhole] = backpropagate(tape, { tensor: result, dy: seed }, [x])
      // one chunk per sample: both ops' gradients are written over their dy (BN's over the seed's clone is refused: shared)
      const gSplit = withOpChunkBytes(1, () => backpropagate(tape, { tensor: result, dy: seed }, [x], { last: true })[0])
      expect(inPlaceStats.overwritten - before.overwritten).toBeGreaterThanOrEqual(n)
      const a = gWhole.dataSync()
      const b = gSplit.dataSync()
      for (let i = 0; i < a.length; i++) expect(Object.is(a[i], b[i])).toBe(true)
      // independent check of the mask rule: where x ≤ 0 (or −0) the gradient is ±0, elsewhere non-zero in general
      for (let i = 0; i < xv.length; i++) if (!(xv[i] > 0)) expect(b[i] === 0).toBe(true)
      expect(Array.from(b).some((v) => v !== 0)).toBe(true)
      expect(Array.from(seed.dataSync())).toEqual(Array.from(seedV))
      tape.dispose()
      tf.dispose([x, seed, gamma, beta, gWhole, gSplit, result])
      expect(tf.memory().numBytes).toBe(bytesBefore)
    })
  })

  it('ReLU alone: dy·step(y) with dy the tape owns, bit for bit against a JS reference', async () => {
    await onBackend('wasm', () => {
      const xv = Float32Array.from([3, -1, 0, -0, 2.5, -7, 1e-38, -1e-38])
      const dv = Float32Array.from([-1.5, -2, -3, 4, 5, 6, -7, 8])
      const x = tf.tensor4d(xv, [4, 1, 1, 2])
      const d = tf.tensor4d(dv, [4, 1, 1, 2])
      // y = relu(x) · 1 through a second ReLU: the inner ReLU's dy is a fresh gradient the tape owns
      const { result, tape } = recordTape([x], () => tf.tidy(() => reluOp(reluOp(x))))
      const before = inPlaceStats.overwritten
      const [g] = withOpChunkBytes(1, () => backpropagate(tape, { tensor: result, dy: d }, [x], { last: true }))
      expect(inPlaceStats.overwritten - before).toBeGreaterThan(0)
      const got = g.dataSync()
      xv.forEach((xi, i) => {
        const step = xi > 0 ? 1 : 0
        expect(Object.is(got[i], Math.fround(dv[i] * step) * step)).toBe(true)
      })
      tape.dispose()
      tf.dispose([x, d, g, result])
    })
  })
})
