import { describe, expect, it } from 'vitest'
import {
  SJW,
  SPW,
  ZEROCOST,
  VOTING_PROXIES,
  beatsComponents,
  comparatorRanking,
  copelandScores,
  expandProxyIds,
  getVotingProxy,
  votingCompare,
  votingRanks,
  type IndexComparator,
} from '../../../src/engine/proxies/voting'
import { majorityCompare } from '../../../src/engine/search/compare'
import { Rng } from '../../../src/engine/core/rng'

describe('voting proxy definitions', () => {
  it('members are the reference sets', () => {
    expect(SJW.members).toEqual(['synflow', 'jaccor', 'wrcor'])
    expect(SPW.members).toEqual(['synflow', 'pnorm', 'wrcor'])
    expect(ZEROCOST.members).toEqual(['synflow', 'jaccor', 'snip'])
    expect(VOTING_PROXIES.map((v) => v.id).slice(0, 3)).toEqual(['sjw', 'spw', 'zerocost'])
    expect(getVotingProxy(' SJW ')).toBe(SJW)
    expect(getVotingProxy('synflow')).toBeUndefined()
  })

  it('expands a mixed proxy list into the plain proxies to compute, without duplicates', () => {
    expect(expandProxyIds(['wrcor', 'sjw', 'synflow', 'zerocost'])).toEqual(['wrcor', 'synflow', 'jaccor', 'snip'])
  })
})

describe('majority comparator on voting members', () => {
  const a = { synflow: 3, jaccor: 1, wrcor: 5 }
  const b = { synflow: 2, jaccor: 2, wrcor: 4 }

  it('two of three members decide', () => {
    expect(votingCompare(SJW, a, b)).toBe(1)
    expect(votingCompare(SJW, b, a)).toBe(-1)
  })

  it('is antisymmetric on random member vectors, including NaN and equal values', () => {
    const rng = new Rng(7)
    const pick = (): number => {
      const u = rng.next()
      return u < 0.1 ? NaN : u < 0.2 ? 0.5 : rng.next()
    }
    for (let t = 0; t < 2000; t++) {
      const m = 1 + rng.int(5)
      const x = Array.from({ length: m }, pick)
      const y = Array.from({ length: m }, pick)
      expect(majorityCompare(x, y)).toBe(-majorityCompare(y, x) || 0)
    }
  })

  it('ties when members split evenly, or when a NaN member leaves 1 vs 1', () => {
    // 4 members, 2 say x, 2 say y: more than half needed -> tie
    expect(majorityCompare([1, 1, 0, 0], [0, 0, 1, 1])).toBe(0)
    // SJW with JacCor NaN for one architecture: synflow says a, wrcor says b -> tie
    const x = { synflow: 3, jaccor: NaN, wrcor: 1 }
    const y = { synflow: 2, jaccor: 0, wrcor: 2 }
    expect(votingCompare(SJW, x, y)).toBe(0)
    expect(votingCompare(SJW, y, x)).toBe(0)
    // a missing member counts as NaN: 1 vs 1 again
    expect(votingCompare(SJW, { synflow: 3, wrcor: 1 }, y)).toBe(0)
    // equal values are neither larger nor smaller: 1 vs 0 of 3 -> tie
    expect(majorityCompare([2, 5, 5], [1, 5, 5])).toBe(0)
  })
})

/** Is there a path v ->* u in the beats graph (so (u,v) with u beats v lies on a cycle)? */
function reaches(n: number, cmp: IndexComparator, from: number, to: number): boolean {
  const seen = new Uint8Array(n)
  const todo = [from]
  seen[from] = 1
  while (todo.length > 0) {
    const v = todo.pop() as number
    if (v === to) return true
    for (let w = 0; w < n; w++) if (seen[w] === 0 && cmp(v, w) === 1) ((seen[w] = 1), todo.push(w))
  }
  return false
}

function agreementViolations(n: number, cmp: IndexComparator, pos: Float64Array): string[] {
  const bad: string[] = []
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < n; v++) {
      if (cmp(u, v) !== 1) continue
      if (reaches(n, cmp, v, u)) continue // cyclic pair: no ranking can honour all of a cycle
      if (!(pos[u] > pos[v])) bad.push(`${u}>${v}`)
    }
  }
  return bad
}

describe('comparator-derived ranking', () => {
  // Hand-built example: members (m1, m2, m3) for 7 architectures.
  // 0,1,2 form a Condorcet cycle (0>1 by m1,m2; 1>2 by m2,m3; 2>0 by m1,m3);
  // 3 beats everyone; 6 loses to everyone; 4 and 5 are tied with each other
  // (one member NaN and the other two disagree).
  const rows = [
    { synflow: 3, jaccor: 3, wrcor: 1 }, // 0
    { synflow: 2, jaccor: 2, wrcor: 3 }, // 1
    { synflow: 4, jaccor: 1, wrcor: 2 }, // 2
    { synflow: 9, jaccor: 9, wrcor: 9 }, // 3
    { synflow: 0.5, jaccor: NaN, wrcor: 0.9 }, // 4
    { synflow: 0.6, jaccor: 0.5, wrcor: 0.8 }, // 5
    { synflow: -1, jaccor: -1, wrcor: -1 }, // 6
  ]
  const vec = rows.map((r) => [r.synflow, r.jaccor, r.wrcor])
  const cmp: IndexComparator = (i, j) => majorityCompare(vec[i], vec[j])

  it('the hand-built example has the intended structure', () => {
    expect([cmp(0, 1), cmp(1, 2), cmp(2, 0)]).toEqual([1, 1, 1])
    expect(cmp(4, 5)).toBe(0)
    for (let j = 0; j < 7; j++) if (j !== 3) expect(cmp(3, j)).toBe(1)
    for (let j = 0; j < 6; j++) expect(cmp(j, 6)).toBe(1)
    const comp = beatsComponents(7, cmp)
    expect(comp[0]).toBe(comp[1])
    expect(comp[1]).toBe(comp[2])
    expect(new Set(comp).size).toBe(5) // {0,1,2}, {3}, {4}, {5}, {6}
    // Copeland (wins − losses): 3 beats all 6 -> +6, 6 loses to all -> −6
    const c = copelandScores(7, cmp)
    expect(c[3]).toBe(6)
    expect(c[6]).toBe(-6)
  })

  it('scc-copeland agrees with the comparator on every non-tied, non-cyclic pair', () => {
    const pos = votingRanks(SJW, rows)
    expect(Array.from(pos).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(pos[3]).toBe(6)
    expect(pos[6]).toBe(0)
    expect(agreementViolations(7, cmp, pos)).toEqual([])
  })

  it('scc-copeland agrees on random comparators with many ties and cycles', () => {
    const rng = new Rng(11)
    for (let t = 0; t < 30; t++) {
      const n = 4 + rng.int(12)
      const m = 1 + rng.int(4)
      // coarse integer values make ties and NaNs frequent
      const v = Array.from({ length: n }, () => Array.from({ length: m }, () => (rng.next() < 0.1 ? NaN : rng.int(4))))
      const c: IndexComparator = (i, j) => majorityCompare(v[i], v[j])
      const pos = comparatorRanking(n, c)
      expect(agreementViolations(n, c, pos)).toEqual([])
    }
  })

  it('for a transitive comparator (one member) both methods give the sorted order', () => {
    const x = [0.3, -2, 7, 1.5, 0]
    const c: IndexComparator = (i, j) => majorityCompare([x[i]], [x[j]])
    const expected = [2, 0, 4, 3, 1] // positions by value, 0 = smallest
    expect(Array.from(comparatorRanking(5, c))).toEqual(expected)
    expect(Array.from(comparatorRanking(5, c, 'sort'))).toEqual(expected)
  })

  it('a Copeland complete tournament ranks by number of wins', () => {
    // 5 items, no ties: item i beats j when (j - i) mod 5 in {1, 2} would be a regular tournament (all tied);
    // instead make 4 the Condorcet loser and 0 the winner with a 3-cycle 1>2>3>1 in between.
    const beats = (i: number, j: number): boolean => {
      if (i === 0) return true
      if (j === 0) return false
      if (i === 4) return false
      if (j === 4) return true
      return (i === 1 && j === 2) || (i === 2 && j === 3) || (i === 3 && j === 1)
    }
    const c: IndexComparator = (i, j) => (i === j ? 0 : beats(i, j) ? 1 : -1)
    const pos = comparatorRanking(5, c)
    expect(pos[0]).toBe(4)
    expect(pos[4]).toBe(0)
    expect(new Set([pos[1], pos[2], pos[3]])).toEqual(new Set([1, 2, 3]))
  })
})
