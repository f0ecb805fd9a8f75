import { describe, expect, it } from 'vitest'
import { pearsonRows, correlationFromGram, slogdet, logAbsDet, symmetricEigenvalues } from '../../../src/engine/linalg'

describe('pearsonRows (numpy corrcoef over rows)', () => {
  it('matches hand-computed correlations', () => {
    // rows: [1,2,3,4], [1,3,2,4] -> centred dot 4, norms² 5 each -> 0.8; [4,3,2,1] -> -1 with row 0
    const r = pearsonRows([1, 2, 3, 4, 1, 3, 2, 4, 4, 3, 2, 1], 3, 4)
    expect(r.zeroVarianceRows).toEqual([])
    const m = r.matrix
    expect(m[0]).toBe(1)
    expect(m[1]).toBeCloseTo(0.8, 14)
    expect(m[3]).toBeCloseTo(0.8, 14)
    expect(m[2]).toBeCloseTo(-1, 14)
    expect(m[5]).toBeCloseTo(-0.8, 14)
  })

  it('clips to [-1, 1] and is exactly ±1 for affinely related rows', () => {
    const r = pearsonRows([0.1, 0.2, 0.3, 0.3, 0.6, 0.9000000001], 2, 3)
    expect(Math.abs(r.matrix[1])).toBeLessThanOrEqual(1)
    expect(r.matrix[1]).toBeCloseTo(1, 9)
  })

  it('reports zero-variance rows and puts NaN in their row and column', () => {
    const r = pearsonRows([1, 2, 3, 0, 0, 0, 3, 1, 2], 3, 3)
    expect(r.zeroVarianceRows).toEqual([1])
    expect(r.matrix[1 * 3 + 0]).toBeNaN()
    expect(r.matrix[0 * 3 + 1]).toBeNaN()
    expect(r.matrix[4]).toBeNaN()
    expect(r.matrix[0 * 3 + 2]).toBeCloseTo(-0.5, 14) // (-1,0,1)·(1,-1,0) = -1, norms² 2 -> -0.5
  })

  it('correlationFromGram gives the same matrix as pearsonRows', () => {
    const rows = [
      [0.3, -1.2, 2.5, 0.7],
      [1.1, 0.4, -0.3, 2.2],
      [-0.5, -0.6, 0.9, 0.1],
    ]
    const c = rows.map((r) => {
      const m = r.reduce((a, b) => a + b) / r.length
      return r.map((v) => v - m)
    })
    const gram = c.flatMap((a) => c.map((b) => a.reduce((s, v, k) => s + v * b[k], 0)))
    const norms = c.map((a) => Math.sqrt(a.reduce((s, v) => s + v * v, 0)))
    const a = correlationFromGram(gram, norms, 3).matrix
    const b = pearsonRows(rows.flat(), 3, 4).matrix
    for (let i = 0; i < 9; i++) expect(a[i]).toBeCloseTo(b[i], 14)
  })

  it('rejects inconsistent shapes', () => {
    expect(() => pearsonRows([1, 2, 3], 2, 2)).toThrow(RangeError)
  })
})

describe('slogdet (LU with partial pivoting, float64)', () => {
  it('hand-computed 2×2 and 3×3 determinants', () => {
    expect(logAbsDet([2, 1, 1, 3], 2)).toBeCloseTo(Math.log(5), 14)
    const s = slogdet([4, 3, 2, 1, 5, 7, 2, 8, 6], 3) // cofactor expansion: -84
    expect(s.sign).toBe(-1)
    expect(s.logAbsDet).toBeCloseTo(Math.log(84), 13)
  })

  it('needs pivoting for a zero leading entry', () => {
    const s = slogdet([0, 1, 1, 0], 2)
    expect(s.sign).toBe(-1)
    expect(s.logAbsDet).toBe(0)
  })

  it("matches the paper's closed form det = [1+(N-1)x](1-x)^(N-1)", () => {
    for (const [n, x] of [
      [64, 0.3],
      [64, 0.95],
      [16, -0.05],
      [128, 0.5],
    ]) {
      const m = new Float64Array(n * n).fill(x)
      for (let i = 0; i < n; i++) m[i * n + i] = 1
      const expected = Math.log(Math.abs(1 + (n - 1) * x)) + (n - 1) * Math.log(1 - x)
      expect(logAbsDet(m, n)).toBeCloseTo(expected, 9)
    }
  })

  it('is -Infinity for singular matrices (never NaN, never a throw)', () => {
    expect(logAbsDet([1, 2, 2, 4], 2)).toBe(-Infinity)
    expect(logAbsDet(new Float64Array(64 * 64), 64)).toBe(-Infinity)
    expect(slogdet([1, 2, 2, 4], 2).sign).toBe(0)
  })

  it('does not modify its input', () => {
    const a = new Float64Array([0, 1, 1, 0])
    slogdet(a, 2)
    expect(Array.from(a)).toEqual([0, 1, 1, 0])
  })
})

describe('symmetricEigenvalues (Jacobi)', () => {
  it('hand-computed spectra', () => {
    expect(Array.from(symmetricEigenvalues([2, 1, 1, 2], 2)).map((v) => +v.toFixed(12))).toEqual([1, 3])
    const e = symmetricEigenvalues([2, -1, 0, -1, 2, -1, 0, -1, 2], 3)
    expect(e[0]).toBeCloseTo(2 - Math.SQRT2, 13)
    expect(e[1]).toBeCloseTo(2, 13)
    expect(e[2]).toBeCloseTo(2 + Math.SQRT2, 13)
  })

  it('equicorrelation matrix: 1-x (N-1 times) and 1+(N-1)x', () => {
    const n = 20
    const x = 0.4
    const m = new Float64Array(n * n).fill(x)
    for (let i = 0; i < n; i++) m[i * n + i] = 1
    const e = symmetricEigenvalues(m, n)
    for (let i = 0; i < n - 1; i++) expect(e[i]).toBeCloseTo(1 - x, 12)
    expect(e[n - 1]).toBeCloseTo(1 + (n - 1) * x, 12)
  })

  it('eigenvalues sum to the trace and multiply to the determinant', () => {
    const a = [4, 1, -2, 2, 1, 2, 0, 1, -2, 0, 3, -2, 2, 1, -2, -1]
    const e = symmetricEigenvalues(a, 4)
    expect(e.reduce((s, v) => s + v, 0)).toBeCloseTo(4 + 2 + 3 - 1, 12)
    expect(Math.log(Math.abs(e.reduce((s, v) => s * v, 1)))).toBeCloseTo(logAbsDet(a, 4), 10)
  })

  it('rejects a non-symmetric matrix', () => {
    expect(() => symmetricEigenvalues([1, 2, 3, 4], 2)).toThrow(/not symmetric/)
  })
})
