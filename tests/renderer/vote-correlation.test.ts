import { describe, expect, it } from 'vitest'
import { voteTruthCorrelation } from '../../src/renderer/lib/vote-correlation'
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
})
