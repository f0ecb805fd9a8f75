import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../../src/engine/backend/select'
import { Rng } from '../../../src/engine/core/rng'
import { epadsLayerTerms, epadsLayerTermsTf, epadsScoreFromSum, randomPermutation } from '../../../src/engine/proxies/epads/terms'
import { gaussianNoise, stackPerturbed } from '../../../src/engine/proxies/epads/input'
import { packCodes, popcount32, readFloat32, rowHamming } from '../../../src/engine/proxies/epads/codes'

beforeAll(async () => {
  await initBackend({ log: () => {} })
})

// B = 3 samples, each a 2x2x1 map (d = 4). Rows 0..2 clean, rows 3..5 perturbed.
//   clean codes  c0 = 1010, c1 = 0110, c2 = 1101
//   noisy codes  ñ0 = 1110 (1 flip), ñ1 = 0101 (2 flips), ñ2 = 1101 (0 flips)  => D2 = 3
const PRE = [
  [1, -1, 2, 0],
  [-1, 3, 0.5, -2],
  [0.2, 0.1, -3, 4],
  [1, 1, 2, -1],
  [-1, 3, -0.5, 2],
  [0.2, 0.1, -3, 4],
]

describe('epadsLayerTerms (hand-computed)', () => {
  it('computes D1 with a derangement and D2 as flip count', () => {
    const pre = tf.tensor4d(PRE.flat(), [6, 2, 2, 1])
    // perm [2,0,1]: |c0-c2| = 0111 (3), |c1-c0| = 1100 (2), |c2-c1| = 1011 (3) => D1 = 8
    const t = epadsLayerTerms(pre, Int32Array.from([2, 0, 1]))
    expect(t).toEqual({ d1: 8, d2: 3 })
    expect(pre.isDisposed).toBe(false)
    pre.dispose()
  })
  it('a fixed point of the permutation contributes 0 to D1; identity gives D1 = 0', () => {
    const pre = tf.tensor2d(PRE.flat(), [6, 4])
    // perm [0,2,1]: 0 + |c1-c2| (3) + |c2-c1| (3) = 6
    expect(epadsLayerTerms(pre, Int32Array.from([0, 2, 1])).d1).toBe(6)
    expect(epadsLayerTerms(pre, Int32Array.from([0, 1, 2]))).toEqual({ d1: 0, d2: 3 })
    pre.dispose()
  })
  it('frees every intermediate tensor', () => {
    const pre = tf.tensor2d(PRE.flat(), [6, 4])
    const before = tf.memory().numTensors
    epadsLayerTerms(pre, Int32Array.from([1, 2, 0]))
    expect(tf.memory().numTensors).toBe(before)
    pre.dispose()
  })
  it('codes NaN and 0 as 0 (like torch.gt), so the terms stay finite', () => {
    // clean s0 = (NaN, 1) → 01, s1 = (0, 2) → 01; perturbed s0 = (1, 1) → 11, s1 = (0, −1) → 00
    const pre = tf.tensor2d([NaN, 1, 0, 2, 1, 1, 0, -1], [4, 2])
    expect(epadsLayerTerms(pre, Int32Array.from([1, 0]))).toEqual({ d1: 0, d2: 2 })
    pre.dispose()
  })
  it('agrees with the all-tf formulation on random maps (B = 16, d = 300)', async () => {
    const r = new Rng(12)
    const pre = tf.tensor4d(Float32Array.from({ length: 32 * 300 }, () => (r.next() < 0.1 ? 0 : r.normal())), [32, 10, 10, 3])
    for (const seed of [1, 2, 3]) {
      const perm = randomPermutation(16, new Rng(seed))
      const a = epadsLayerTerms(pre, perm)
      expect(a).toEqual(await epadsLayerTermsTf(pre, perm))
      expect(a.d1).toBeGreaterThan(0)
      expect(a.d2).toBeGreaterThan(0)
    }
    pre.dispose()
  })
  it('a per-pass cache reuses codes and D2 of a tensor seen before, with identical results', () => {
    const pre = tf.tensor2d(PRE.flat(), [6, 4])
    const cache = new WeakMap()
    expect(epadsLayerTerms(pre, Int32Array.from([2, 0, 1]), cache)).toEqual({ d1: 8, d2: 3 })
    expect(epadsLayerTerms(pre, Int32Array.from([0, 2, 1]), cache)).toEqual({ d1: 6, d2: 3 })
    const other = tf.tensor2d(PRE.slice(3).concat(PRE.slice(0, 3)).flat(), [6, 4]) // halves swapped: new tensor, no hit
    expect(epadsLayerTerms(other, Int32Array.from([0, 1, 2]), cache)).toEqual(epadsLayerTerms(other, Int32Array.from([0, 1, 2])))
    pre.dispose()
    other.dispose()
  })
  it('rejects an index vector that is not a permutation', () => {
    const pre = tf.zeros([6, 4])
    expect(() => epadsLayerTerms(pre, Int32Array.from([0, 0, 1]))).toThrow(/not a permutation/)
    expect(() => epadsLayerTerms(pre, Int32Array.from([0, 1, 3]))).toThrow(/not a permutation/)
    pre.dispose()
  })
  it('rejects a tensor whose batch is not 2B', () => {
    const pre = tf.zeros([5, 4])
    expect(() => epadsLayerTerms(pre, Int32Array.from([0, 1, 2]))).toThrow(/expected 2·3/)
    pre.dispose()
  })
})

describe('packed codes', () => {
  it('packs [x > 0] 32 per word, row by row, with zero tail bits (hand-computed, d = 35)', () => {
    // row 0: +1 at j = 0, 31, 32 and 34; −0, NaN, −∞, −1e-45 elsewhere are code 0; row 1: +∞ at j = 1, denormal 1e-45 at j = 33
    const d = 35
    const v = new Float32Array(2 * d).fill(-1)
    v[0] = 1
    v[31] = 1
    v[32] = 1
    v[34] = 1
    v[2] = -0
    v[3] = NaN
    v[4] = -Infinity
    v[5] = -1e-45
    v[d + 1] = Infinity
    v[d + 33] = 1e-45
    v[d + 6] = 0
    const c = packCodes(v, 2, d)
    expect(c.wordsPerRow).toBe(2)
    expect(Array.from(c.words)).toEqual([(1 | (1 << 31)) >>> 0, 0b101, 0b10, 0b10])
    // |row0 − row1| = {0, 1, 31, 32, 33, 34} → 6
    expect(rowHamming(c, 0, 1)).toBe(6)
    expect(rowHamming(c, 1, 0)).toBe(6)
    expect(rowHamming(c, 1, 1)).toBe(0)
  })
  it('popcount32 counts set bits of any 32-bit word', () => {
    expect([0, 1, 0xff, 0x80000000, 0xffffffff, 0x55555555, 0x12345678].map(popcount32)).toEqual([0, 1, 8, 1, 32, 16, 13])
    expect(popcount32(-1)).toBe(32)
  })
  it('row Hamming distances equal element-wise counts on random maps (d = 1000 and 64)', () => {
    const r = new Rng(3)
    for (const d of [1000, 64]) {
      const v = Float32Array.from({ length: 5 * d }, () => (r.next() < 0.05 ? 0 : r.normal()))
      const c = packCodes(v, 5, d)
      for (let a = 0; a < 5; a++) {
        for (let b = 0; b < 5; b++) {
          let n = 0
          for (let j = 0; j < d; j++) n += +(v[a * d + j] > 0) ^ +(v[b * d + j] > 0)
          expect(rowHamming(c, a, b)).toBe(n)
        }
      }
    }
  })
  it('reads activations in place (wasm heap view) with the same values as dataSync, and the same terms', () => {
    const r = new Rng(8)
    const pre = tf.tensor4d(Float32Array.from({ length: 20 * 7 * 7 * 5 }, () => r.normal()), [20, 7, 7, 5])
    const view = readFloat32(pre)
    expect(Array.from(view)).toEqual(Array.from(pre.dataSync()))
    if (tf.getBackend() === 'wasm') expect(view.buffer.byteLength).toBeGreaterThan(view.byteLength) // a view of the heap, not a copy
    const perm = randomPermutation(10, new Rng(2))
    expect(epadsLayerTerms(pre, perm, undefined, true)).toEqual(epadsLayerTerms(pre, perm, undefined, false))
    const ints = tf.tensor1d([1, 2], 'int32')
    expect(() => readFloat32(ints)).toThrow(/float32/)
    pre.dispose()
    ints.dispose()
  })
})

describe('epadsScoreFromSum', () => {
  it('is the natural log, with -Infinity (never NaN) for a zero sum', () => {
    expect(epadsScoreFromSum(24)).toBeCloseTo(3.1780538303479458, 14)
    expect(epadsScoreFromSum(0)).toBe(-Infinity)
    expect(epadsScoreFromSum(NaN)).toBeNaN() // failed evaluation
    expect(() => epadsScoreFromSum(-1)).toThrow()
  })
})

describe('randomPermutation', () => {
  it('is a seeded permutation: same seed => same, all indices once', () => {
    const a = randomPermutation(50, new Rng(5))
    expect(Array.from(a)).toEqual(Array.from(randomPermutation(50, new Rng(5))))
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(Array.from(randomPermutation(50, new Rng(6)))).not.toEqual(Array.from(a))
  })
})

describe('perturbed input', () => {
  it('stacks x then x + sigma*N(0,1) drawn from the rng in element order', () => {
    const x = Float32Array.from([0.5, -1, 2])
    const r = new Rng(9)
    const expected = [0.5, -1, 2].map((v) => Math.fround(v + Math.fround(0.25 * r.normal())))
    const stacked = stackPerturbed(x, gaussianNoise(3, 0.25, new Rng(9)))
    expect(Array.from(stacked.slice(0, 3))).toEqual([0.5, -1, 2])
    expect(Array.from(stacked.slice(3))).toEqual(expected)
    expect(Array.from(stackPerturbed(x, gaussianNoise(3, 0, new Rng(9))).slice(3))).toEqual([0.5, -1, 2])
    expect(() => gaussianNoise(3, -1, new Rng(1))).toThrow(/sigma/)
  })
})
