import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { openDataset } from '../../../src/engine/data/open'
import { fillStandardNormal, ZIGGURAT, zigguratTables } from '../../../src/engine/data/noise'

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7) — independent of the generator. */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf)
}

const f = (x: number) => Math.exp(-0.5 * x * x)

describe('ziggurat tables (computed at module load)', () => {
  it('match the published 128-strip constants and every strip has the same area', () => {
    // Marsaglia & Tsang (2000), 128 strips: r = 3.442619855899, v = 9.91256303526217e-3
    expect(ZIGGURAT.r).toBeCloseTo(3.442619855899, 11)
    expect(ZIGGURAT.v).toBeCloseTo(9.91256303526217e-3, 12) // the published v matches the published (rounded) r
    const { x, v, r } = ZIGGURAT
    expect(x[1]).toBe(r)
    expect(x[128]).toBe(0)
    // base strip: rectangle r·f(r) plus the tail ∫_r^∞ f, here by Simpson's rule (independent of the continued fraction)
    const h = 1e-4, m = 200_000
    let tail = f(r) + f(r + m * h)
    for (let k = 1; k < m; k++) tail += (k % 2 ? 4 : 2) * f(r + k * h)
    tail *= h / 3
    expect(r * f(r) + tail).toBeCloseTo(v, 13)
    expect(x[0] * f(r)).toBeCloseTo(v, 15)
    for (let j = 1; j < 128; j++) {
      expect(x[j]).toBeGreaterThan(x[j + 1])
      expect(x[j] * (f(x[j + 1]) - f(x[j]))).toBeCloseTo(v, 12) // strip j: [0, x_j] × [f(x_j), f(x_{j+1})]
    }
  })
  it('the same construction gives the published 256-strip constants (r = 3.6541528853610088, v = 4.92867323399e-3)', () => {
    const t = zigguratTables(256)
    expect(t.r).toBeCloseTo(3.6541528853610088, 11)
    expect(t.v).toBeCloseTo(4.92867323399e-3, 13)
  })
})

describe('fillStandardNormal', () => {
  it('follows the documented word layout: 4 rng words seed sfc32, 12 warm-up steps, then strip/sign/24-bit uniform per word', () => {
    let checked = 0
    for (let seed = 0; seed < 40 && checked < 10; seed++) {
      const rng = new Rng(seed)
      const mirror = Rng.fromState(rng.getState())
      const x = new Float32Array(1)
      fillStandardNormal(x, rng)
      // the caller's rng advanced by exactly four words
      const words = [mirror.nextUint32(), mirror.nextUint32(), mirror.nextUint32(), mirror.nextUint32()] as [number, number, number, number]
      expect(rng.getState()).toEqual(mirror.getState())
      // the local stream is the Rng generator started from those words
      const local = Rng.fromState({ words, spareNormal: null })
      for (let k = 0; k < 12; k++) local.nextUint32()
      const t = local.nextUint32()
      const j = (t & 255) >>> 1, neg = (t & 1) === 1, u = t >>> 8
      const cand = (u / 16777216) * ZIGGURAT.x[j]
      if (cand < ZIGGURAT.x[j + 1]) {
        // accepted on the fast path: the value is ±u·x_j/2^24, rounded once to float32
        expect(x[0]).toBe(Math.fround(neg ? -cand : cand))
        checked++
      }
    }
    expect(checked).toBe(10)
  })

  it('is N(0,1) on 10^6 draws: moments, tail masses, symmetry, Kolmogorov–Smirnov against the normal CDF', () => {
    const n = 1_000_000
    const x = new Float32Array(n)
    fillStandardNormal(x, new Rng(2026))
    let s = 0, s2 = 0, s4 = 0, neg = 0, gt2 = 0, gt3 = 0, gtR = 0, gt4 = 0
    for (let i = 0; i < n; i++) {
      const v = x[i], a = Math.abs(v)
      s += v; s2 += v * v; s4 += v ** 4
      if (v < 0) neg++
      if (a > 2) gt2++
      if (a > 3) gt3++
      if (a > ZIGGURAT.r) gtR++
      if (a > 4) gt4++
    }
    const mean = s / n, variance = s2 / n - mean * mean
    // 5-sigma bounds from the normal's own moments: sd(mean) = 1/√n, sd(var) ≈ √(2/n), sd(m4) = √(96/n)
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n))
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n))
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n))
    expect(Math.abs(neg / n - 0.5)).toBeLessThan(5 * 0.5 / Math.sqrt(n))
    // tail masses 2·(1 − Φ(k)); counts are binomial, so bound by 5 binomial sds
    const tailCheck = (count: number, k: number) => {
      const p = 2 * (1 - normalCdf(k))
      expect(Math.abs(count - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)) + 1)
    }
    tailCheck(gt2, 2) // P = 0.0455
    tailCheck(gt3, 3) // P = 0.0027
    tailCheck(gtR, ZIGGURAT.r) // beyond the base strip: only the tail method produces these (P ≈ 5.8e-4)
    tailCheck(gt4, 4) // P ≈ 6.3e-5
    expect(2 * (1 - normalCdf(2))).toBeCloseTo(0.0455, 4)
    // KS: sup |F_n − Φ| < 1.63/√n is the 1 % critical value; a wrong wedge or strip table shows up here
    const sorted = Float64Array.from(x).sort()
    let d = 0
    for (let i = 0; i < n; i++) {
      const c = normalCdf(sorted[i])
      d = Math.max(d, Math.abs(c - i / n), Math.abs((i + 1) / n - c))
    }
    expect(d).toBeLessThan(1.63 / Math.sqrt(n))
    // chi-square over 40 equiprobable-ish bins of width 0.2 on [−4, 4] plus two tails (df = 41; 0.999 quantile ≈ 74.7)
    const edges = [-Infinity, ...Array.from({ length: 41 }, (_, k) => -4 + 0.2 * k), Infinity]
    const counts = new Array(edges.length - 1).fill(0)
    for (let i = 0; i < n; i++) {
      let b = Math.floor((sorted[i] + 4) / 0.2) + 1
      if (sorted[i] < -4) b = 0
      if (b > 41) b = 41
      counts[b]++
    }
    let chi2 = 0
    for (let b = 0; b < counts.length; b++) {
      const e = n * (normalCdf(edges[b + 1]) - normalCdf(edges[b]))
      chi2 += (counts[b] - e) ** 2 / e
    }
    expect(chi2).toBeLessThan(74.7)
  })

  it('same seed → bit-identical values; different seeds → different values', () => {
    const a = new Float32Array(10_000), b = new Float32Array(10_000), c = new Float32Array(10_000)
    fillStandardNormal(a, new Rng(7))
    fillStandardNormal(b, new Rng(7))
    fillStandardNormal(c, new Rng(8))
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true)
    let same = 0
    for (let i = 0; i < a.length; i++) if (a[i] === c[i]) same++
    expect(same).toBeLessThan(10)
  })
})

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
  it('rng order: the n labels first, then fillStandardNormal on the same rng', () => {
    const src = openDataset({ kind: 'noise', imageSize: 5, numClasses: 7 })
    const b = src.sampleBatch(3, new Rng(11))
    const mirror = new Rng(11)
    expect(Array.from(b.labels)).toEqual([mirror.int(7), mirror.int(7), mirror.int(7)])
    const x = new Float32Array(3 * 5 * 5 * 3)
    fillStandardNormal(x, mirror)
    expect(Buffer.from(b.x.buffer).equals(Buffer.from(x.buffer))).toBe(true)
  })
  it('writes into a caller-supplied out buffer (same values) and rejects one of the wrong size', () => {
    const src = openDataset({ kind: 'noise', imageSize: 4, numClasses: 3 })
    const out = new Float32Array(2 * 4 * 4 * 3).fill(99)
    const b = src.sampleBatch(2, new Rng(5), { out })
    expect(b.x).toBe(out)
    expect(Buffer.from(out.buffer).equals(Buffer.from(src.sampleBatch(2, new Rng(5)).x.buffer))).toBe(true)
    expect(() => src.sampleBatch(2, new Rng(5), { out: new Float32Array(10) })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
  })
  it('rejects bad sizes with INVALID_OPTION', () => {
    expect(() => openDataset({ kind: 'noise', imageSize: 0, numClasses: 10 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
    expect(() => openDataset({ kind: 'noise', imageSize: 32, numClasses: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
  })
})
