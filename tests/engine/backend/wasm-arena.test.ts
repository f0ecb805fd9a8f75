import { describe, expect, it } from 'vitest'
import { ArenaAllocator, ARENA_ALIGN, ARENA_POLICIES, type ArenaPolicy } from '../../../src/engine/backend/wasm-arena'

const A = ARENA_ALIGN

/**
 * Brute-force oracle: the placement computed from the set of live blocks
 * alone (holes between them, the end of the highest one), independent of
 * the allocator's free list.
 */
function oraclePlace(live: Map<number, number>, size: number, cap: number, policy: ArenaPolicy): number {
  const blocks = [...live.entries()].sort((a, b) => a[0] - b[0])
  const holes: { off: number; size: number }[] = []
  let end = 0
  for (const [o, s] of blocks) {
    if (o > end) holes.push({ off: end, size: o - end })
    end = o + s
  }
  const fits = holes.filter((h) => h.size >= size)
  if (fits.length > 0) {
    if (policy === 'first-fit') return fits[0].off
    return fits.reduce((b, h) => (h.size < b.size ? h : b)).off
  }
  return end + size <= cap ? end : -1
}

/** deterministic LCG so that a failure is reproducible */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

describe('ArenaAllocator (backend/wasm-arena.ts)', () => {
  it('places, reuses a hole by best fit, coalesces and lowers the top (hand-computed)', () => {
    const a = new ArenaAllocator(100 * A, 'best-fit')
    const x = a.alloc(10 * A) // [0,10)
    const y = a.alloc(5 * A) // [10,15)
    const z = a.alloc(20 * A) // [15,35)
    const w = a.alloc(3 * A) // [35,38)
    expect([x, y, z, w]).toEqual([0, 10 * A, 15 * A, 35 * A])
    a.free(x) // hole [0,10)
    a.free(z) // hole [15,35)
    expect(a.alloc(8 * A)).toBe(0) // best fit: the 10-hole, not the 20-hole
    expect(a.freeBlocks()).toEqual([{ off: 8 * A, size: 2 * A }, { off: 15 * A, size: 20 * A }])
    a.free(y) // [8,10) + [10,15) + [15,35) merge into one
    expect(a.freeBlocks()).toEqual([{ off: 8 * A, size: 27 * A }])
    a.free(w) // the top block goes: top drops to the end of the last live block
    expect(a.top).toBe(8 * A)
    expect(a.freeBlocks()).toEqual([])
    expect(a.highWater).toBe(38 * A)
    expect(a.liveBytes).toBe(8 * A)
  })

  it('rounds sizes up to the alignment, refuses what does not fit without changing anything', () => {
    const a = new ArenaAllocator(4 * A)
    expect(a.alloc(1)).toBe(0)
    expect(a.alloc(A + 1)).toBe(A) // takes 2 units
    expect(a.liveBytes).toBe(3 * A)
    expect(a.alloc(2 * A)).toBe(-1)
    expect(a.alloc(0)).toBe(-1)
    expect(a.alloc(Number.NaN)).toBe(-1)
    expect(a.liveBytes).toBe(3 * A)
    expect(a.alloc(A)).toBe(3 * A)
    expect(() => a.free(5)).toThrow(/free\(5\) of no live block/)
  })

  it('the top extends a free block that touches it (first fit over the top)', () => {
    const a = new ArenaAllocator(10 * A, 'first-fit')
    a.alloc(2 * A) // [0,2)
    const m = a.alloc(3 * A) // [2,5)
    a.alloc(1 * A) // [5,6)
    a.free(m) // hole [2,5)
    expect(a.alloc(4 * A)).toBe(6 * A) // hole too small → top
    expect(a.alloc(3 * A)).toBe(2 * A)
  })

  for (const policy of ARENA_POLICIES) {
    it(`${policy}: 3,000 random operations match the brute-force oracle, no overlap, aligned, inside`, () => {
      const cap = 1500 * A
      const a = new ArenaAllocator(cap, policy)
      const live = new Map<number, number>()
      const rnd = lcg(policy === 'best-fit' ? 1 : 2)
      let refused = 0
      for (let step = 0; step < 3000; step++) {
        if (live.size > 0 && rnd() < 0.45) {
          const keys = [...live.keys()]
          const off = keys[Math.floor(rnd() * keys.length)]
          a.free(off)
          live.delete(off)
        } else {
          // sizes: a handful of repeated sizes (as a pass reuses) plus random ones, not always aligned
          const bytes = rnd() < 0.5 ? [7, 64, 300][Math.floor(rnd() * 3)] * A : 1 + Math.floor(rnd() * 100 * A)
          const size = Math.ceil(bytes / A) * A
          const want = oraclePlace(live, size, cap, policy)
          const got = a.alloc(bytes)
          expect(got).toBe(want)
          if (got < 0) { refused++; continue }
          live.set(got, size)
        }
        // invariants against the live set (collected, one assertion per step: expect() in the inner loop is slow)
        const blocks = [...live.entries()].sort((x, y) => x[0] - y[0])
        const bad: string[] = []
        for (let i = 0; i < blocks.length; i++) {
          if (blocks[i][0] % A !== 0) bad.push(`unaligned ${blocks[i][0]}`)
          if (blocks[i][0] + blocks[i][1] > cap) bad.push(`outside ${blocks[i][0]}`)
          if (i > 0 && blocks[i - 1][0] + blocks[i - 1][1] > blocks[i][0]) bad.push(`overlap at ${blocks[i][0]}`)
        }
        const end = blocks.length === 0 ? 0 : blocks[blocks.length - 1][0] + blocks[blocks.length - 1][1]
        if (a.top !== end) bad.push(`top ${a.top} ≠ ${end}`)
        if (a.liveBytes !== blocks.reduce((t, b) => t + b[1], 0)) bad.push('liveBytes')
        const fl = a.freeBlocks()
        for (let i = 1; i < fl.length; i++) if (fl[i - 1].off + fl[i - 1].size >= fl[i].off) bad.push(`free blocks not merged at ${fl[i].off}`)
        if (bad.length > 0) expect(bad, `step ${step}`).toEqual([])
      }
      expect(refused).toBeGreaterThan(0) // the capacity limit was exercised
    })
  }
})
