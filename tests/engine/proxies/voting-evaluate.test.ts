import { describe, expect, it } from 'vitest'
import { evaluateProxies } from '../../../src/engine/score/evaluate'
import type { GroundTruth } from '../../../src/engine/core/data'
import type { ScoreRequest, ScoreResult } from '../../../src/engine/score/score'
import { nb201FromCellId, nb201ToString } from '../../../src/engine/spaces/nb201'
import { spearman } from '../../../src/engine/metrics'

// 12 architectures, accuracy = row index. Member proxies are built so that
// SJW's majority vote is exactly the accuracy order while each member alone is
// imperfect: synflow and jaccor each swap a different neighbouring pair and
// wrcor is reversed on the top half; two of three always agree with the truth.
const n = 12
const keys = Array.from({ length: n }, (_, i) => nb201ToString(nb201FromCellId(i * 1000 + 7)))
const gt: GroundTruth = {
  space: 'nb201',
  metrics: ['cifar10'],
  size: n,
  get: (k) => keys.indexOf(k),
  keys: () => keys,
}
const swap = (i: number, a: number, b: number): number => (i === a ? b : i === b ? a : i)
const member = (i: number) => ({
  synflow: swap(i, 2, 3),
  jaccor: swap(i, 0, 1),
  wrcor: i < 6 ? i : 100 - i,
  pnorm: i,
  snip: -i,
})

describe('zsnas evaluate with voting proxies (evaluateProxies)', () => {
  it('scores the members once, derives SJW/ZeroCost ranks from the comparator, and reports ρ/τ/top-10% for each', async () => {
    const asked: string[][] = []
    const scorer = async (req: ScoreRequest): Promise<ScoreResult> => {
      asked.push(req.proxies)
      const i = keys.indexOf(req.arch)
      const all = member(i)
      return {
        arch: req.arch,
        hash: req.arch,
        scores: Object.fromEntries(req.proxies.map((p) => [p, all[p as keyof typeof all]])),
        params: 0,
        flops: 0,
        seconds: 0,
        backend: 'fake',
        timings: { synflow: 0.1 },
      }
    }
    const r = await evaluateProxies({
      space: 'nb201',
      sample: { kind: 'indices', indices: [...Array(n).keys()].reverse() },
      proxies: ['wrcor', 'sjw', 'synflow', 'zerocost'],
      dataset: { kind: 'noise', imageSize: 8, numClasses: 10 },
      groundTruth: gt,
      metric: 'cifar10',
      seed: 1,
      scorer,
    })
    // only plain proxies reach the scorer, each once
    expect(asked[0]).toEqual(['wrcor', 'synflow', 'jaccor', 'snip'])
    // SJW: 2 of 3 members always side with the truth -> the derived ranking is exact
    expect(r.stats.sjw.spearman).toBe(1)
    expect(r.stats.sjw.kendall).toBe(1)
    expect(r.stats.sjw.top10Precision).toBe(1)
    // each member alone is worse
    for (const p of ['wrcor', 'synflow']) expect(r.stats[p].spearman).toBeLessThan(1)
    // ZeroCost = synflow, jaccor, snip (= −i): synflow and jaccor agree with the truth on every pair except
    // (2,3) and (0,1), where snip sides with the wrong one -> exactly those two pairs are inverted
    const zc = r.rows.map((row) => row.scores.zerocost)
    expect(spearman(zc, r.rows.map((row) => row.accuracy))).toBeCloseTo(r.stats.zerocost.spearman, 12)
    const byAcc = (i: number) => zc[r.rows.findIndex((row) => row.accuracy === i)]
    expect(byAcc(1)).toBeLessThan(byAcc(0))
    expect(byAcc(3)).toBeLessThan(byAcc(2))
    expect(byAcc(4)).toBeLessThan(byAcc(5))
    // 12 items, two adjacent swaps: Σd² = 4 -> ρ = 1 − 6·4/(12·143)
    expect(r.stats.zerocost.spearman).toBeCloseTo(1 - 24 / (12 * 143), 12)
    // voting scores are positions 0..n-1
    expect(r.rows.map((row) => row.scores.sjw).sort((a, b) => a - b)).toEqual([...Array(n).keys()])
    expect(r.rows[0].timings).toEqual({ synflow: 0.1 })
  })

  it('rejects an unknown proxy before scoring anything', async () => {
    let called = false
    await expect(
      evaluateProxies({
        space: 'nb201',
        sample: { kind: 'indices', indices: [0, 1] },
        proxies: ['sjw', 'nosuch'],
        dataset: { kind: 'noise', imageSize: 8, numClasses: 10 },
        groundTruth: gt,
        metric: 'cifar10',
        seed: 1,
        scorer: async () => {
          called = true
          throw new Error('unreachable')
        },
      }),
    ).rejects.toThrow(/unknown proxy 'nosuch'/)
    expect(called).toBe(false)
  })
})
