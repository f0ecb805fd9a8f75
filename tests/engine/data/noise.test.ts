import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { openDataset } from '../../../src/engine/data/open'

describe('noise dataset', () => {
  it('yields N(0,1) NHWC values and uniform labels, reproducibly', () => {
    const src = openDataset({ kind: 'noise', imageSize: 16, numClasses: 10 })
    expect(src.count).toBe(Infinity)
    const b = src.sampleBatch(64, new Rng(42))
    expect(b.shape).toEqual([64, 16, 16, 3])
    expect(b.x.length).toBe(64 * 16 * 16 * 3)
    let s = 0, s2 = 0
    for (const v of b.x) (s += v, s2 += v * v)
    const n = b.x.length, mean = s / n, variance = s2 / n - mean * mean
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n))
    expect(Math.abs(variance - 1)).toBeLessThan(0.03)
    // normal tail mass: P(|x|<1) = 0.6827, P(|x|<2) = 0.9545, kurtosis 3
    const within = (k: number) => b.x.filter((v) => Math.abs(v) < k).length / n
    expect(Math.abs(within(1) - 0.6827)).toBeLessThan(0.01)
    expect(Math.abs(within(2) - 0.9545)).toBeLessThan(0.005)
    let m4 = 0
    for (const v of b.x) m4 += v ** 4
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.15)
    expect(b.labels.every((l) => l >= 0 && l < 10)).toBe(true)
    expect(new Set(b.labels).size).toBeGreaterThan(5)
    const again = src.sampleBatch(64, new Rng(42))
    expect(Buffer.from(again.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true)
    expect(Array.from(again.labels)).toEqual(Array.from(b.labels))
    const other = src.sampleBatch(64, new Rng(43))
    expect(Buffer.from(other.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(false)
  })
  it('rejects bad sizes with INVALID_OPTION', () => {
    expect(() => openDataset({ kind: 'noise', imageSize: 0, numClasses: 10 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
    expect(() => openDataset({ kind: 'noise', imageSize: 32, numClasses: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
  })
})
