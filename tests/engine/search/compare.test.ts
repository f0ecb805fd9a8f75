import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { ZsnasError } from '../../../src/engine/core/errors'
import { majorityCompare, replacesBest, sequentialMax } from '../../../src/engine/search/compare'

describe('majority comparator', () => {
  it('hand cases: strict majority wins, otherwise tie; NaN counts as neither', () => {
    expect(majorityCompare([3, 2, 1], [1, 1, 5])).toBe(1) // 2 of 3 larger
    expect(majorityCompare([1, 1, 5], [3, 2, 1])).toBe(-1)
    expect(majorityCompare([1, NaN, 3], [2, NaN, 1])).toBe(0) // one each, NaN neither
    expect(majorityCompare([2, 2, 9], [2, 2, 1])).toBe(0) // only 1 of 3 larger
    expect(majorityCompare([NaN, 5, 5], [1, 1, 1])).toBe(1) // 2 of 3 larger despite NaN
    expect(majorityCompare([Infinity], [Infinity])).toBe(0) // ∞−∞ = NaN
    expect(majorityCompare([2, 1], [1, 2])).toBe(0) // 1 of 2 is not more than half
    expect(majorityCompare([2, 2], [1, 1])).toBe(1)
    expect(majorityCompare([1], [NaN])).toBe(0)
    expect(majorityCompare([-1], [-2])).toBe(1)
  })

  it('is antisymmetric and reflexive-tie on random vectors with NaNs and ties', () => {
    const rng = new Rng(1)
    const v = (m: number): number[] => Array.from({ length: m }, () => (rng.int(6) === 0 ? NaN : rng.int(4)))
    for (let t = 0; t < 5000; t++) {
      const m = 1 + rng.int(5)
      const x = v(m), y = v(m)
      expect(majorityCompare(x, y)).toBe(-majorityCompare(y, x) || 0)
      if (x.every((a) => !Number.isNaN(a))) expect(majorityCompare(x, x)).toBe(0)
    }
  })

  it('can be intransitive (Condorcet cycle), as the notes warn', () => {
    const a = [1, 2, 3], b = [2, 3, 1], c = [3, 1, 2]
    expect(majorityCompare(b, a)).toBe(1)
    expect(majorityCompare(c, b)).toBe(1)
    expect(majorityCompare(a, c)).toBe(1)
  })

  it('rejects mismatched score vectors', () => {
    expect(() => majorityCompare([1, 2], [1])).toThrowError(ZsnasError)
    expect(() => majorityCompare([], [])).toThrowError(ZsnasError)
  })

  it('best-so-far: ties go to the newer architecture, strict losses keep the incumbent', () => {
    expect(replacesBest([1], null, majorityCompare)).toBe(true)
    expect(replacesBest([1], [1], majorityCompare)).toBe(true) // tie → newer
    expect(replacesBest([NaN], [5], majorityCompare)).toBe(true) // NaN ties → newer (reference behaviour)
    expect(replacesBest([0], [1], majorityCompare)).toBe(false)
  })

  it('sequential max keeps the first king unless strictly beaten', () => {
    expect(sequentialMax([[1], [1], [0]], majorityCompare)).toBe(0)
    expect(sequentialMax([[1], [2], [2], [0]], majorityCompare)).toBe(1)
    // cycle order matters: a, b, c → b beats a, c beats b → c
    expect(sequentialMax([[1, 2, 3], [2, 3, 1], [3, 1, 2]], majorityCompare)).toBe(2)
  })
})
