import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'

describe('Rng', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43)
    const xa = Array.from({ length: 5 }, () => a.next())
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xa)
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xa)
  })
  it('resumes the exact stream from a saved state', () => {
    const a = new Rng(7)
    for (let i = 0; i < 10; i++) a.normal()
    a.normal() // leaves a cached spare normal
    const b = Rng.fromState(JSON.parse(JSON.stringify(a.getState())))
    expect(Array.from({ length: 6 }, () => b.normal())).toEqual(Array.from({ length: 6 }, () => a.normal()))
  })
  it('int() is roughly uniform (chi-square, 10 bins, 100k draws)', () => {
    const r = new Rng(1), counts = new Array(10).fill(0)
    for (let i = 0; i < 100_000; i++) counts[r.int(10)]++
    const chi = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0)
    expect(chi).toBeLessThan(27.9) // p = 0.001 critical value, 9 dof
  })
  it('normal() has mean 0 and variance 1', () => {
    const r = new Rng(3); let s = 0, s2 = 0; const n = 200_000
    for (let i = 0; i < n; i++) { const v = r.normal(); s += v; s2 += v * v }
    expect(Math.abs(s / n)).toBeLessThan(0.01)
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02)
  })
  it('sample() returns distinct elements', () => {
    const r = new Rng(5); const xs = r.sample([...Array(64).keys()], 10)
    expect(new Set(xs).size).toBe(10)
  })
})
