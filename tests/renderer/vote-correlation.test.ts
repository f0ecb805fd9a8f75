import { describe, expect, it } from 'vitest'
import { VOTE_RANK_LIMIT, voteCorrelationTracker, voteTruthCorrelation } from '../../src/renderer/lib/vote-correlation'
import { row } from './helpers/fixtures'

const M = ['a', 'b', 'c']
const r = (i: number, s: [number, number, number], gt: number | null, status: 'ok' | 'failed' = 'ok') =>
  row(i, 0, { scores: { a: s[0], b: s[1], c: s[2] }, groundTruth: gt, status })

describe('voteTruthCorrelation', () => {
  it('ranks by the majority vote, not by any single member (hand-computed)', () => {
    // b and c agree on 0 < 2 < 1 and outvote a (which says 0 < 1 < 2); accuracies 60, 80, 70 follow the vote exactly
    const rows = [r(0, [1, 1, 1], 60), r(1, [2, 9, 9], 80), r(2, [3, 5, 5], 70)]
    const c = voteTruthCorrelation(rows, M)
    expect(c).toEqual({ n: 3, rho: 1, tau: 1 })
  })

  it('leaves out failed rows and rows without ground truth; under two rows gives NaN', () => {
    const rows = [r(0, [1, 1, 1], 60), r(1, [2, 2, 2], null), r(2, [3, 3, 3], 50, 'failed'), r(3, [0, 0, 0], 70)]
    // kept: 0 (vote above 3) at 60 and 3 at 70 → perfectly reversed
    expect(voteTruthCorrelation(rows, M)).toEqual({ n: 2, rho: -1, tau: -1 })
    const one = voteTruthCorrelation(rows.slice(0, 2), M)
    expect(one.n).toBe(1)
    expect(Number.isNaN(one.rho) && Number.isNaN(one.tau)).toBe(true)
  })

  it('a missing member score counts as neither higher nor lower', () => {
    // row 1 lacks c: vs row 0, a and b say row 1 is higher (2 of 3 > half) → the vote still ranks 0 < 1
    const rows = [r(0, [1, 1, 1], 60), { ...r(1, [2, 2, 0], 65), scores: { a: 2, b: 2 } }]
    expect(voteTruthCorrelation(rows, M)).toEqual({ n: 2, rho: 1, tau: 1 })
  })

  it('a member\'s −∞ loses to finite scores; a NaN member counts for neither side', () => {
    // row 1 is degenerate on a and b (−∞; rows arrive decoded from the client): it loses to row 0 on 2 of 3
    // members → ranked below it although listed first (were −∞ read as NaN, the tie would keep it above: ρ = −1).
    const rows = [r(1, [-Infinity, -Infinity, 5], 10), r(0, [1, 1, 1], 60)]
    expect(voteTruthCorrelation(rows, M)).toEqual({ n: 2, rho: 1, tau: 1 })
    // NaN on a and b: only c decides (1 of 3, not a majority) → a tie, and the ranking puts tied rows in
    // list order (first = higher): the NaN row stays above. Were NaN read as −∞ it would lose on a and b.
    const tie = [r(2, [NaN, NaN, 0], 80), r(0, [1, 1, 1], 60)]
    expect(voteTruthCorrelation(tie, M)).toEqual({ n: 2, rho: 1, tau: 1 })
  })

  it('tracker: recomputes when the rows grew by 10 %, the run stopped, the rows shrank or the run changed; null above the limit', () => {
    // 20 rows whose vote order matches the accuracies, then one that breaks it
    const rows = Array.from({ length: 20 }, (_, i) => r(i, [i, i, i], 50 + i))
    const more = [...rows, r(20, [99, 99, 99], 0)]
    const t = voteCorrelationTracker()
    const first = t('run1|a,b,c', rows, M, false)
    expect(first).toEqual({ n: 20, rho: 1, tau: 1 })
    // 21 < 20 × 1.1 while running: the previous value, not recomputed
    expect(t('run1|a,b,c', more, M, false)).toBe(first)
    // the run stopped: recomputed over all 21 rows
    const fin = t('run1|a,b,c', more, M, true)
    expect(fin).toEqual(voteTruthCorrelation(more, M))
    expect(fin!.n).toBe(21)
    expect(fin!.rho).toBeLessThan(1)
    // another run with fewer rows, and another key with the same length: recomputed
    expect(t('run1|a,b,c', rows, M, false)).toEqual(first)
    expect(t('run2|a,b,c', more, M, false)).toEqual(fin)
    // 22 rows ≥ 20 × 1.1: recomputed while running
    const t2 = voteCorrelationTracker()
    t2('k', rows, M, false)
    const grown = [...more, r(21, [98, 98, 98], 1)]
    expect(t2('k', grown, M, false)).toEqual(voteTruthCorrelation(grown, M))
    // above the limit nothing is ranked
    const big = Array.from({ length: VOTE_RANK_LIMIT + 1 }, (_, i) => r(i, [i, i, i], null))
    expect(t2('k', big, M, true)).toBeNull()
  })
})
