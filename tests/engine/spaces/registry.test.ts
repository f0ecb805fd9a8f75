import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { ZsnasError } from '../../../src/engine/core/errors'
import { getSpace, listSpaces } from '../../../src/engine/spaces/registry'
import { NB201_OPS } from '../../../src/engine/spaces/nb201/arch'

describe('space registry', () => {
  it('lists nb201, nb101, mbv2 with labels and descriptions', () => {
    const l = listSpaces()
    expect(l.map((s) => s.id)).toEqual(['nb201', 'nb101', 'mbv2'])
    for (const s of l) {
      expect(s.label.length).toBeGreaterThan(3)
      expect(s.description.length).toBeGreaterThan(20)
    }
    expect(l.find((s) => s.id === 'nb201')!.size).toBe(15625)
    expect(l.find((s) => s.id === 'nb101')!.size).toBe(423624)
    expect(l.find((s) => s.id === 'mbv2')!.size).toBeNull()
  })

  it('unknown ids raise NOT_FOUND naming the known ones', () => {
    let err: unknown
    try { getSpace('darts') } catch (e) { err = e }
    expect(err).toBeInstanceOf(ZsnasError)
    expect((err as ZsnasError).code).toBe('NOT_FOUND')
    expect((err as ZsnasError).message).toMatch(/nb201, nb101, mbv2/)
  })

  it('every space honours the SearchSpace contract on samples (round trip, decisions, mutation differs)', () => {
    for (const { id } of listSpaces()) {
      const sp = getSpace(id)
      const rng = new Rng(17)
      for (let i = 0; i < 20; i++) {
        const a = sp.sample(rng)
        expect(sp.fromString(sp.toString(a))).toEqual(a)
        expect(sp.fromDecisions(sp.toDecisions(a))).toEqual(a)
        const m = sp.mutate(a, rng)
        expect(sp.hash(m)).not.toBe(sp.hash(a))
      }
    }
  })

  it('NB201 sampling is uniform over ops on every edge (chi-square, 4 dof)', () => {
    const sp = getSpace('nb201')
    const rng = new Rng(2024)
    const n = 5000
    const counts = Array.from({ length: 6 }, () => new Array<number>(NB201_OPS.length).fill(0))
    for (let i = 0; i < n; i++) sp.toDecisions(sp.sample(rng)).forEach((op, e) => counts[e][op]++)
    const exp = n / NB201_OPS.length
    for (const row of counts) {
      const chi2 = row.reduce((s, c) => s + (c - exp) ** 2 / exp, 0)
      // 4 dof: P(chi2 > 18.47) = 0.001; with 6 edges the family-wise false alarm rate is < 0.6 %
      expect(chi2).toBeLessThan(18.47)
    }
    // and a deliberately biased sampler fails the same test (the test can fail)
    const biased = counts[0].map((_, k) => (k === 0 ? exp * 1.2 : exp - (exp * 0.2) / 4))
    expect(biased.reduce((s, c) => s + (c - exp) ** 2 / exp, 0)).toBeGreaterThan(18.47)
  })

  it('NB201 mutation changes exactly one decision', () => {
    const sp = getSpace('nb201')
    const rng = new Rng(6)
    const seen = new Set<number>()
    for (let i = 0; i < 500; i++) {
      const a = sp.sample(rng)
      const b = sp.mutate(a, rng)
      const da = sp.toDecisions(a), db = sp.toDecisions(b)
      const diff = da.map((v, k) => (v !== db[k] ? k : -1)).filter((k) => k >= 0)
      expect(diff.length).toBe(1)
      seen.add(diff[0])
    }
    expect(seen.size).toBe(6)
  })
})
