import { traceOps } from '../trace-ops'
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../../src/engine/core/rng'
import { ZsnasError } from '../../../../src/engine/core/errors'
import { type Mbv2Arch, mbv2FromString, spaceViolations, TABLE11_ARCH } from '../../../../src/engine/spaces/mbv2/arch'
import { createMbv2Space, mbv2Flops, mbv2Space } from '../../../../src/engine/spaces/mbv2/space'

const sp = mbv2Space
const stride2 = (a: Mbv2Arch): number => a.stages.filter((s) => s.s === 2).length

describe('MobileNetV2 space', () => {
  it('round-trips the canonical string (Table 11) and the JSON form', () => {
    const a = sp.fromString(TABLE11_ARCH)
    expect(sp.toString(a)).toBe(TABLE11_ARCH)
    expect(a.stages[5]).toEqual({ e: 6, k: 5, s: 2, l: 6, c: 152, b: 192 })
    expect(sp.fromString(JSON.stringify(a))).toEqual(a)
    expect(spaceViolations(a)).toEqual([])
  })

  it('rejects malformed strings with INVALID_ARCH naming the problem', () => {
    const cases: [string, RegExp][] = [
      [TABLE11_ARCH.replace('@224', ''), /@<resolution>/],
      [TABLE11_ARCH.replace('SuperResIDWE2K7(32,32', 'SuperResIDWE2K7(40,32'), /input channels 40/],
      [TABLE11_ARCH.replace('SuperResIDWE2K7(48', 'SuperResIDWE3K7(48'), /expansion E=3/],
      ['SuperConvK3BNRELU(3,16,2,1)SuperResIDWE1K7(16,40,2,40,1)SuperConvK1BNRELU(40,2048,1,1)@224', /9 blocks/],
    ]
    for (const [s, re] of cases) {
      let err: unknown
      try { sp.fromString(s) } catch (e) { err = e }
      expect(err).toBeInstanceOf(ZsnasError)
      expect((err as ZsnasError).code).toBe('INVALID_ARCH')
      expect((err as ZsnasError).message).toMatch(re)
    }
  })

  it('samples inside the space, under 600 M FLOPs, with exactly 4 stride-2 stages', () => {
    const rng = new Rng(11)
    const res = new Map<number, number>()
    for (let i = 0; i < 300; i++) {
      const a = sp.sample(rng)
      expect(spaceViolations(a)).toEqual([])
      expect(stride2(a)).toBe(4)
      expect(mbv2Flops(a)).toBeLessThanOrEqual(600e6)
      res.set(a.resolution, (res.get(a.resolution) ?? 0) + 1)
    }
    expect([...res.keys()].every((r) => [192, 224, 256, 288, 320].includes(r))).toBe(true)
  })

  it('honours a tighter FLOPs limit', () => {
    const s = createMbv2Space({ flopsLimit: 250e6 })
    const rng = new Rng(2)
    for (let i = 0; i < 50; i++) expect(mbv2Flops(s.sample(rng))).toBeLessThanOrEqual(250e6)
    expect(() => createMbv2Space({ flopsLimit: 0 })).toThrowError(ZsnasError)
  })

  it('honours a resolution range for sampling, mutation and decisions; rejects bad ranges', () => {
    const space = createMbv2Space({ resolutionRange: [224, 256] })
    const rng = new Rng(11)
    const seen = new Set<number>()
    for (let i = 0; i < 60; i++) {
      const a = space.sample(rng)
      seen.add(a.resolution)
      const m = space.mutate(a, rng)
      expect([224, 256]).toContain(a.resolution)
      expect([224, 256]).toContain(m.resolution)
    }
    expect([...seen].sort()).toEqual([224, 256])
    const d = space.toDecisions(space.sample(rng))
    const rIdx = d.length - 1
    d[rIdx] = 0 // R = 192, outside the range
    expect(space.fromDecisions(d)).toBeNull()
    for (const bad of [[200, 256], [256, 224], [160, 320], [192, 352]] as [number, number][]) {
      expect(() => createMbv2Space({ resolutionRange: bad })).toThrow(/resolution range/)
    }
  })
  it('mutation keeps the limit and strides, changes (E,K) of one stage, and only the documented fields', () => {
    const rng = new Rng(4)
    for (let t = 0; t < 200; t++) {
      const p = sp.sample(rng)
      const c = sp.mutate(p, rng)
      expect(mbv2Flops(c)).toBeLessThanOrEqual(600e6)
      expect(c.stages.map((s) => s.s)).toEqual(p.stages.map((s) => s.s))
      expect(c.head).toBe(p.head)
      expect(c.stages[6].c).toBe(p.stages[6].c)
      const ekChanged = c.stages.map((s, j) => s.e !== p.stages[j].e || s.k !== p.stages[j].k)
      expect(ekChanged.filter(Boolean).length).toBe(1)
      const j = ekChanged.indexOf(true)
      c.stages.forEach((s, i) => {
        if (i !== j) { expect(s.b).toBe(p.stages[i].b); expect(s.l).toBe(p.stages[i].l) }
        if (i !== j - 1) expect(s.c).toBe(p.stages[i].c)
      })
      if (j !== 0) expect(c.stem).toBe(p.stem)
      expect(sp.toString(c)).not.toBe(sp.toString(p))
      expect(spaceViolations(c)).toEqual([])
    }
  })

  it('decisions: 42 categoricals, round trip, duplicate stride slots and over-limit give null', () => {
    const d = sp.decisions()
    expect(d.length).toBe(42)
    expect(d.find((x) => x.name === 'c0')!.options).toBe(5) // 16..48 step 8
    expect(d.find((x) => x.name === 'c8')!.options).toBe(177) // 128..1536 step 8: (1536−128)/8 + 1
    const rng = new Rng(8)
    for (let i = 0; i < 50; i++) {
      const a = sp.sample(rng)
      const v = sp.toDecisions(a)
      expect(sp.fromDecisions(v)).toEqual(a)
      const dup = v.slice()
      dup[37] = dup[38]
      expect(sp.fromDecisions(dup)).toBeNull()
    }
    const big = d.map((x) => x.options - 1)
    big.splice(37, 4, 0, 1, 2, 3)
    expect(sp.fromDecisions(big)).toBeNull() // widest everything at R=320 is far above 600 M
  })

  it('network: 9 blocks, SE ReLUs tagged site "se" in stages 1..7, BN eps 1e-3', () => {
    const a = mbv2FromString(TABLE11_ARCH)
    const net = sp.buildNetwork(a, { numClasses: 1000, inputSize: 320 })
    expect(net.numBlocks).toBe(9)
    expect(net.bnEps).toBe(1e-3)
    const se = new Map<number, number>()
    const main = new Set<number>()
    net.forward(
      traceOps({
        relu: (x, tag) => {
          if (tag.site === 'se') se.set(tag.block, (se.get(tag.block) ?? 0) + 1)
          else main.add(tag.block)
          return x
        },
      }),
      0,
    )
    expect([...se.entries()].sort((x, y) => x[0] - y[0])).toEqual(a.stages.map((s, j) => [j + 1, s.l]))
    expect([...main].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
  })
})

describe('MobileNetV2 sampling distribution (no FLOPs limit)', () => {
  it('R and c0 frequencies follow smart_round with banker\'s rounding (notes: R 17/31/33/31/17 of 129; c0 hand-counted 5/7/9/7/5 of 33)', () => {
    const s = createMbv2Space({ flopsLimit: Infinity })
    const rng = new Rng(99)
    const n = 20000
    const r = new Map<number, number>(), c0 = new Map<number, number>()
    for (let i = 0; i < n; i++) {
      const a = s.sample(rng)
      r.set(a.resolution, (r.get(a.resolution) ?? 0) + 1)
      c0.set(a.stem, (c0.get(a.stem) ?? 0) + 1)
    }
    const chi2 = (obs: Map<number, number>, exp: [number, number][]): number =>
      exp.reduce((acc, [v, p]) => acc + ((obs.get(v) ?? 0) - n * p) ** 2 / (n * p), 0)
    // 4 dof: P(chi2 > 18.47) = 0.001
    expect(chi2(r, [[192, 17 / 129], [224, 31 / 129], [256, 33 / 129], [288, 31 / 129], [320, 17 / 129]])).toBeLessThan(18.47)
    expect(chi2(c0, [[16, 5 / 33], [24, 7 / 33], [32, 9 / 33], [40, 7 / 33], [48, 5 / 33]])).toBeLessThan(18.47)
    // round-half-up (JS Math.round) would give c0 = 16 only for 16..19 (4/33): clearly rejected
    expect(chi2(c0, [[16, 4 / 33], [24, 8 / 33], [32, 8 / 33], [40, 8 / 33], [48, 5 / 33]])).toBeGreaterThan(18.47)
  })
})
