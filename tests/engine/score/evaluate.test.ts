import { describe, expect, it } from 'vitest'
import { chooseRows, evaluateProxies, summarize } from '../../../src/engine/score/evaluate'
import type { GroundTruth } from '../../../src/engine/core/data'
import type { ScoreRequest, ScoreResult } from '../../../src/engine/score/score'
import { nb201FromCellId, nb201ToString } from '../../../src/engine/spaces/nb201'
import { ZsnasError } from '../../../src/engine/core/errors'

// a 30-row fake table: accuracy = cell id (so a proxy equal to the cell id has ρ = τ = 1)
const keys = Array.from({ length: 30 }, (_, i) => nb201ToString(nb201FromCellId(i * 500)))
const gt: GroundTruth = {
  space: 'nb201',
  metrics: ['cifar10'],
  size: keys.length,
  get: (k, m) => (m === 'cifar10' ? keys.indexOf(k) * 1.5 : undefined),
  keys: () => keys,
}
const calls: ScoreRequest[] = []
const fakeScorer = async (req: ScoreRequest): Promise<ScoreResult> => {
  calls.push(req)
  const i = keys.indexOf(req.arch)
  return {
    arch: req.arch,
    hash: req.arch,
    scores: { wrcor: i, acor: -i, rcor: i === 3 ? NaN : i === 4 ? -Infinity : i },
    params: 0,
    flops: 0,
    seconds: 0.01,
    backend: 'fake',
    timings: {},
  }
}

describe('evaluateProxies', () => {
  it('random sample: distinct rows, reproducible from the seed', () => {
    const a = chooseRows({ kind: 'random', count: 10, seed: 5 }, 30)
    expect(new Set(a).size).toBe(10)
    expect(chooseRows({ kind: 'random', count: 10, seed: 5 }, 30)).toEqual(a)
    expect(chooseRows({ kind: 'random', count: 10, seed: 6 }, 30)).not.toEqual(a)
    expect(chooseRows({ kind: 'paper' }, 15625)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(() => chooseRows({ kind: 'random', count: 31, seed: 1 }, 30)).toThrow(ZsnasError)
    expect(() => chooseRows({ kind: 'paper' }, 30)).toThrow(/1000 table rows/)
  })

  it('ρ, τ, top-10% per proxy; NaN dropped, -Infinity ranked lowest; progress reported', async () => {
    calls.length = 0
    const progress: number[] = []
    const r = await evaluateProxies({
      space: 'nb201',
      sample: { kind: 'indices', indices: Array.from({ length: 20 }, (_, i) => i) },
      proxies: ['wrcor', 'acor', 'rcor'],
      dataset: { kind: 'noise', imageSize: 8, numClasses: 10 },
      groundTruth: gt,
      metric: 'cifar10',
      seed: 9,
      scorer: fakeScorer,
      onProgress: (p) => progress.push(p.done),
    })
    expect(r.rows).toHaveLength(20)
    expect(r.rows[7].accuracy).toBe(7 * 1.5)
    expect(r.stats.wrcor.spearman).toBe(1)
    expect(r.stats.wrcor.kendall).toBe(1)
    expect(r.stats.wrcor.top10Precision).toBe(1)
    expect(r.stats.acor.spearman).toBe(-1)
    // rcor: NaN at row 3 dropped (n = 19); -Infinity at row 4 ranks lowest, below rows 0..2 -> not perfect
    expect(r.stats.rcor.n).toBe(19)
    expect(r.stats.rcor.nonFinite).toBe(2)
    expect(r.stats.rcor.spearman).toBeLessThan(1)
    expect(r.stats.rcor.spearman).toBeGreaterThan(0.95)
    expect(progress).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    // per-arch seeds differ and are stable
    expect(new Set(calls.map((c) => c.seed)).size).toBe(20)
    expect(calls[0].batchSize).toBe(64)
  })

  it('validates metric, proxies and space before scoring', async () => {
    const req = {
      space: 'nb201',
      sample: { kind: 'random' as const, count: 5, seed: 1 },
      proxies: ['wrcor'],
      dataset: { kind: 'noise' as const, imageSize: 8, numClasses: 10 },
      groundTruth: gt,
      metric: 'cifar10',
      seed: 1,
      scorer: fakeScorer,
    }
    calls.length = 0
    await expect(evaluateProxies({ ...req, metric: 'svhn' })).rejects.toThrow(/no metric 'svhn'/)
    await expect(evaluateProxies({ ...req, proxies: ['nope'] })).rejects.toThrow(/unknown proxy/)
    await expect(evaluateProxies({ ...req, groundTruth: { ...gt, space: 'nb101' } })).rejects.toThrow(/space 'nb101'/)
    expect(calls).toHaveLength(0)
  })

  it('summarize on hand values', () => {
    const rows = [1, 2, 3, 4, 5].map((a, i) => ({ index: i, arch: '', accuracy: a, seconds: 0, scores: { p: [5, 6, 7, 8, 7][i] } }))
    expect(summarize(rows, ['p']).p.spearman).toBeCloseTo(8 / Math.sqrt(95), 14)
  })
})
