import { describe, expect, it } from 'vitest'
import { decodeScore, encodeScore, ScoreValueSchema, WireScoreSchema } from '../../src/shared/score-value'

describe('score values on the wire', () => {
  it('round-trips every number through encode → JSON → decode, keeping NaN, +∞ and −∞ apart', () => {
    const xs = [0, 1.5, -2.25e-300, 1e308, Number.MIN_VALUE, NaN, Infinity, -Infinity]
    for (const x of xs) {
      const wire = JSON.parse(JSON.stringify({ v: encodeScore(x) })).v
      expect(WireScoreSchema.parse(wire)).toEqual(wire)
      expect(Object.is(decodeScore(wire), x)).toBe(true)
    }
    expect([NaN, Infinity, -Infinity].map(encodeScore)).toEqual(['NaN', 'Infinity', '-Infinity'])
    expect(Object.is(decodeScore(encodeScore(-0)), -0)).toBe(true) // in memory; JSON itself writes −0 as 0
  })

  it('legacy null and a missing score read as NaN; other strings and null on the wire are rejected', () => {
    expect(decodeScore(null)).toBeNaN()
    expect(decodeScore(undefined)).toBeNaN()
    expect(ScoreValueSchema.safeParse(null).success).toBe(true)
    expect(WireScoreSchema.safeParse(null).success).toBe(false)
    for (const bad of ['inf', '-inf', 'nan', '1.5', '']) expect(ScoreValueSchema.safeParse(bad).success).toBe(false)
    expect(WireScoreSchema.safeParse(NaN).success).toBe(false) // a raw NaN is not JSON: it must be encoded
  })
})
