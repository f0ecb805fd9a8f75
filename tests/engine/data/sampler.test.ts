import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { sampleDistinct, U8DatasetSource, type U8Images } from '../../../src/engine/data/sampler'
import type { Normalization } from '../../../src/engine/data/normalization'

// identity normalisation scaled so that the float equals the uint8 value: (v/255 - 0) / (1/255) = v
const RAW: Normalization = { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] }

/** 3 planar 4×4 images with distinct pixel values: value = 100*c + 10*y + x + image (mod 256). */
function tinyImages(layout: 'planar' | 'nhwc'): U8Images {
  const s = 4, n = 3, header = 1, rec = header + s * s * 3
  const data = new Uint8Array(n * rec)
  for (let i = 0; i < n; i++) {
    data[i * rec] = 99
    for (let c = 0; c < 3; c++) for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) {
      const v = (100 * c + 10 * y + x + i) % 256
      const off = layout === 'planar' ? c * s * s + y * s + x : (y * s + x) * 3 + c
      data[i * rec + header + off] = v
    }
  }
  return { data, count: n, size: s, recordBytes: rec, headerBytes: header, layout, labels: Int32Array.from([0, 1, 2]), numClasses: 3 }
}

/** Independent reference: flip, then explicitly zero-pad into a bigger array, then crop. */
function expected(i: number, flip: boolean, dy: number, dx: number, pad: number): number[] {
  const s = 4, P = s + 2 * pad
  const padded = new Array(P * P * 3).fill(0)
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) for (let c = 0; c < 3; c++) {
    const sx = flip ? s - 1 - x : x
    padded[((y + pad) * P + (x + pad)) * 3 + c] = (100 * c + 10 * y + sx + i) % 256
  }
  const out: number[] = []
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) for (let c = 0; c < 3; c++) out.push(padded[((y + dy) * P + (x + dx)) * 3 + c])
  return out
}

describe('sampleDistinct', () => {
  it('returns n distinct in-range indices and covers a permutation when n = count', () => {
    const r = new Rng(3)
    const all = Array.from(sampleDistinct(50, 50, r)).sort((a, b) => a - b)
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i))
    const some = sampleDistinct(1_000_000, 64, r)
    expect(new Set(some).size).toBe(64)
    expect(Math.max(...some)).toBeLessThan(1_000_000)
  })
  it('is roughly uniform: each of 10 items drawn in a 3-subset ~30% of the time', () => {
    const r = new Rng(11), counts = new Array(10).fill(0)
    for (let t = 0; t < 20_000; t++) for (const i of sampleDistinct(10, 3, r)) counts[i]++
    for (const c of counts) expect(Math.abs(c / 20_000 - 0.3)).toBeLessThan(0.02)
  })
})

describe('U8DatasetSource.sampleBatch', () => {
  for (const layout of ['planar', 'nhwc'] as const) {
    it(`applies flip → pad-crop exactly like an explicit padded copy (${layout})`, () => {
      const src = new U8DatasetSource({ kind: 't', label: 'tiny', images: tinyImages(layout), normalization: RAW, augment: { pad: 2, flip: true } })
      for (let seed = 0; seed < 20; seed++) {
        const rng = new Rng(seed)
        const mirror = Rng.fromState(rng.getState())
        const b = src.sampleBatch(3, rng)
        // replay the documented rng order: indices, then per image flip, dy, dx
        const idx = sampleDistinct(3, 3, mirror)
        for (let k = 0; k < 3; k++) {
          const flip = mirror.next() < 0.5
          const dy = mirror.int(5), dx = mirror.int(5)
          const got = Array.from(b.x.subarray(k * 48, (k + 1) * 48)).map((v) => Math.round(v))
          expect(got).toEqual(expected(idx[k], flip, dy, dx, 2))
          expect(b.labels[k]).toBe(idx[k])
        }
      }
    })
  }
  it('without augmentation returns the images unchanged, normalised per channel', () => {
    const norm: Normalization = { mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] }
    const src = new U8DatasetSource({ kind: 't', label: 'tiny', images: tinyImages('planar'), normalization: norm, augment: { pad: 2, flip: true } })
    const b = src.sampleBatch(1, new Rng(5), { augment: false })
    const i = b.labels[0]
    // pixel (y=1, x=2), channel 1: raw = 100 + 10 + 2 + i
    const raw = 112 + i
    expect(b.x[(1 * 4 + 2) * 3 + 1]).toBeCloseTo((raw / 255 - 0.25) / 0.25, 5)
    expect(b.shape).toEqual([1, 4, 4, 3])
  })
  it('same rng state gives a bit-identical batch; a different state a different one', () => {
    const src = new U8DatasetSource({ kind: 't', label: 'tiny', images: tinyImages('planar'), normalization: RAW, augment: { pad: 2, flip: true } })
    const a = src.sampleBatch(2, new Rng(9)), b = src.sampleBatch(2, new Rng(9)), c = src.sampleBatch(2, new Rng(10))
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true)
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels))
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(c.x.buffer))).toBe(false)
  })
  it('9×9 random images, pad 3: every crop offset and flip equals an explicit padded copy (both layouts), per-channel LUT', () => {
    const s = 9, n = 5, pad = 3, per = s * s * 3
    const norm: Normalization = { mean: [0.1, 0.5, 0.9], std: [0.3, 0.2, 0.7] }
    const gen = new Rng(77)
    const pix = Array.from({ length: n * per }, () => gen.int(256)) // pix[i][y][x][c], NHWC
    for (const layout of ['planar', 'nhwc'] as const) {
      const data = new Uint8Array(n * per)
      for (let i = 0; i < n; i++) for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) for (let c = 0; c < 3; c++) {
        data[i * per + (layout === 'planar' ? c * s * s + y * s + x : (y * s + x) * 3 + c)] = pix[i * per + (y * s + x) * 3 + c]
      }
      const images: U8Images = { data, count: n, size: s, recordBytes: per, headerBytes: 0, layout, labels: Int32Array.from([0, 1, 2, 3, 4]), numClasses: 5 }
      const src = new U8DatasetSource({ kind: 't', label: 'rand', images, normalization: norm, augment: { pad, flip: true } })
      const seen = new Set<string>()
      for (let seed = 0; seed < 60; seed++) {
        const rng = new Rng(seed), mirror = new Rng(seed)
        const b = src.sampleBatch(n, rng)
        const idx = sampleDistinct(n, n, mirror)
        for (let k = 0; k < n; k++) {
          const flip = mirror.next() < 0.5, dy = mirror.int(2 * pad + 1), dx = mirror.int(2 * pad + 1)
          seen.add(`${flip}${dy}${dx}`)
          for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) for (let c = 0; c < 3; c++) {
            // padded-image coordinates (y+dy, x+dx) → flipped-image pixel (y+dy−pad, x+dx−pad) → source column s−1−that when flipped
            const fy = y + dy - pad, fx = x + dx - pad
            const v = fy < 0 || fy >= s || fx < 0 || fx >= s ? 0 : pix[idx[k] * per + (fy * s + (flip ? s - 1 - fx : fx)) * 3 + c]
            expect(b.x[k * per + (y * s + x) * 3 + c]).toBe(Math.fround((v / 255 - norm.mean[c]) / norm.std[c]))
          }
        }
      }
      expect(seen.size).toBeGreaterThan(60) // most of the 2·7·7 = 98 (flip, dy, dx) cases were exercised
    }
  })
  it('writes into a caller-supplied out buffer (same values) and rejects one of the wrong size', () => {
    const src = new U8DatasetSource({ kind: 't', label: 'tiny', images: tinyImages('nhwc'), normalization: RAW, augment: { pad: 2, flip: true } })
    const out = new Float32Array(2 * 48).fill(-7)
    const b = src.sampleBatch(2, new Rng(3), { out })
    expect(b.x).toBe(out)
    expect(Array.from(out)).toEqual(Array.from(src.sampleBatch(2, new Rng(3)).x))
    expect(() => src.sampleBatch(2, new Rng(3), { out: new Float32Array(95) })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
  })
  it('rejects a batch larger than the dataset or not a positive integer', () => {
    const src = new U8DatasetSource({ kind: 't', label: 'tiny', images: tinyImages('planar'), normalization: RAW, augment: { pad: 0, flip: false } })
    expect(() => src.sampleBatch(4, new Rng(1))).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
    expect(() => src.sampleBatch(0, new Rng(1))).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
    expect(() => src.sampleBatch(1.5, new Rng(1))).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
  })
})
