import { describe, expect, it } from 'vitest'
import { majorityCompare } from '../../../src/engine/search/compare'
import { getVotingProxy, votingCompare, VOTING_PROXIES } from '../../../src/engine/proxies/voting'
import { SEW } from '../../../src/engine/proxies/voting/sew'
import { evaluateProxies } from '../../../src/engine/score/evaluate'
import { loadNb201Table } from '../../../src/engine/benchmarks/nb201-csv'
import { sharedPath } from '../../helpers/shared-data'

describe('SEW voting proxy (SynFlow + ePADS + WRCor)', () => {
  it('is registered beside SJW with the three members', () => {
    expect(getVotingProxy('sew')).toBe(SEW)
    expect(getVotingProxy('SEW')).toBe(SEW)
    expect(VOTING_PROXIES.map((v) => v.id)).toEqual(expect.arrayContaining(['sjw', 'sew']))
    expect(SEW.members).toEqual(['synflow', 'epads', 'wrcor'])
  })

  it('an ePADS −Infinity loses its comparison (majority of 3)', () => {
    const x = { synflow: 1, epads: -Infinity, wrcor: 5 }
    const y = { synflow: 2, epads: 3, wrcor: 4 }
    // synflow: x < y, epads: x < y, wrcor: x > y  ⇒ 2 of 3 for y
    expect(votingCompare(SEW, x, y)).toBe(-1)
    expect(votingCompare(SEW, y, x)).toBe(1)
    // a missing member (NaN) counts as neither: 1 vs 1 ⇒ tie
    expect(votingCompare(SEW, { synflow: 1, wrcor: 5 }, y)).toBe(0)
  })

  it('evaluates end to end with ρ and τ, and its ranking agrees with the comparator on non-tied pairs', async () => {
    const gt = loadNb201Table(sharedPath('nb201', 'nats_bench_tss_test_acc.csv'))
    const r = await evaluateProxies({
      space: 'nb201',
      sample: { kind: 'indices', indices: [0, 1, 2, 3, 11472] },
      proxies: ['sew', 'epads'],
      dataset: { kind: 'noise', imageSize: 8, numClasses: 10 },
      groundTruth: gt,
      metric: 'cifar10',
      seed: 3,
      batchSize: 2,
      proxyOptions: { epads: { batchSize: 2 } },
    })
    for (const id of ['sew', 'epads']) {
      expect(Number.isFinite(r.stats[id].spearman)).toBe(true)
      expect(Number.isFinite(r.stats[id].kendall)).toBe(true)
      expect(r.stats[id].n).toBe(5)
    }
    for (const row of r.rows) for (const m of SEW.members) expect(typeof row.scores[m]).toBe('number')
    for (let i = 0; i < r.rows.length; i++) {
      for (let j = 0; j < r.rows.length; j++) {
        const c = majorityCompare(SEW.members.map((m) => r.rows[i].scores[m]), SEW.members.map((m) => r.rows[j].scores[m]))
        if (c === 1) expect(r.rows[i].scores.sew).toBeGreaterThanOrEqual(r.rows[j].scores.sew)
      }
    }
  })
})
