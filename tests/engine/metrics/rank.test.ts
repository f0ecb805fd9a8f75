import { describe, expect, it } from 'vitest'
import { spearman, kendallTau, topKPrecision, averageRanks } from '../../../src/engine/metrics'

describe('rank metrics', () => {
  it('average ranks for ties', () => {
    expect(Array.from(averageRanks([5, 6, 7, 8, 7]))).toEqual([1, 2, 3.5, 5, 3.5])
    expect(Array.from(averageRanks([-Infinity, 3, -Infinity]))).toEqual([1.5, 3, 1.5])
  })

  it('Spearman with ties (hand-computed 8/sqrt(95))', () => {
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 14)
    expect(spearman([1, 2, 3], [30, 20, 10])).toBe(-1)
  })

  it('drops NaN pairs and ranks -Infinity lowest (scipy nan_policy=omit)', () => {
    expect(spearman([1, 2, NaN, 3, 4, 5], [5, 6, 1, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 14)
    expect(spearman([-Infinity, 1, 2], [1, 2, 3])).toBe(1)
    expect(spearman([2, -Infinity, 1], [3, 1, 2])).toBe(1)
  })

  it('Kendall tau-b with ties (hand-computed 7/sqrt(90))', () => {
    // C = 8, D = 1, one tie in y, none in x, n0 = 10
    expect(kendallTau([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(7 / Math.sqrt(90), 14)
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1)
    // textbook: x=(1,2,3,4,5), y=(3,1,2,5,4): C=7, D=3 -> 0.4
    expect(kendallTau([1, 2, 3, 4, 5], [3, 1, 2, 5, 4])).toBeCloseTo(0.4, 14)
  })

  it('undefined correlations are NaN', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN()
    expect(kendallTau([1], [2])).toBeNaN()
  })

  it('top-k% precision', () => {
    // top-50% by proxy = {1,2}; by truth = {1,3} -> 1/2
    expect(topKPrecision([0.1, 0.9, 0.5, 0.3], [1, 4, 2, 3], 50)).toBe(0.5)
    expect(topKPrecision([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10)).toBe(1)
    expect(topKPrecision([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10)).toBe(0)
    expect(() => topKPrecision([1], [1], 0)).toThrow(RangeError)
  })

  it('O(n log n) Kendall equals the pair-counting definition of tau-b on data with ties and infinities', () => {
    // independent reference: tau-b straight from its definition over all pairs
    const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0)
    const cmp = (a: number, b: number) => (a === b ? 0 : sign(a - b))
    const naive = (x: number[], y: number[]) => {
      let c = 0, d = 0, tx = 0, ty = 0
      for (let i = 0; i < x.length; i++)
        for (let j = i + 1; j < x.length; j++) {
          const a = cmp(x[i], x[j]), b = cmp(y[i], y[j])
          if (a === 0 && b === 0) continue
          if (a === 0) tx++
          else if (b === 0) ty++
          else if (a === b) c++
          else d++
        }
      return (c - d) / Math.sqrt((c + d + tx) * (c + d + ty))
    }
    let s = 7
    const rnd = (k: number) => ((s = (s * 16807) % 2147483647), s % k)
    for (const n of [2, 3, 10, 57, 300, 2000]) {
      const x = Array.from({ length: n }, () => rnd(12))
      const y = Array.from({ length: n }, (_, i) => x[i] + rnd(6))
      if (n > 3) { x[0] = -Infinity; x[1] = -Infinity }
      expect(kendallTau(x, y)).toBeCloseTo(naive(x, y), 12)
    }
  })
})
