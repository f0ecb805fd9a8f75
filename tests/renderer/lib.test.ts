import { describe, expect, it } from 'vitest'
import { paretoFront } from '../../src/renderer/lib/pareto'
import { toCsv } from '../../src/renderer/lib/csv'
import { applyView, buildColumns, parseFilter } from '../../src/renderer/lib/columns'
import { decodeMbv2, decodeNb101, decodeNb201, mbv2Resolutions } from '../../src/renderer/lib/arch'
import { eta, formatDuration, formatScore, heartbeat } from '../../src/renderer/lib/format'
import { bestSoFarSeries, scoreTruthCorrelation } from '../../src/renderer/lib/chartOptions'
import { chartFields } from '../../src/renderer/lib/chart-fields'
import { scatterModel } from '../../src/renderer/lib/scatter-option'
import { toPoints } from '../../src/renderer/lib/points'
import { isVote, memberIds, mergeRows, primaryProxy, scoreKeys } from '../../src/renderer/lib/evaluations'
import { rowsToCsv } from '../../src/renderer/lib/exporters'
import { PROXIES, row, summary } from './helpers/fixtures'

describe('pareto front (min FLOPs, max score)', () => {
  it('keeps exactly the non-dominated points, sorted by FLOPs', () => {
    const pts = [
      { flops: 10, score: 1 },
      { flops: 20, score: 3 },
      { flops: 15, score: 0.5 }, // dominated by (10,1)
      { flops: 30, score: 2 }, // dominated by (20,3)
      { flops: 40, score: 5 },
      { flops: 10, score: 0.2 }, // same flops, lower score
    ]
    expect(paretoFront(pts)).toEqual([
      { flops: 10, score: 1 },
      { flops: 20, score: 3 },
      { flops: 40, score: 5 },
    ])
  })
})

describe('csv', () => {
  it('quotes commas, quotes and newlines (RFC 4180)', () => {
    const csv = toCsv([{ key: 'a', label: 'a' }, { key: 'b', label: 'b,c' }], [{ a: 'x"y', b: 1.5 }, { a: 'l1\nl2', b: null }])
    expect(csv).toBe('a,"b,c"\n"x""y",1.5\n"l1\nl2",\n')
  })
  it('exports every row with its score and arch string', () => {
    const csv = rowsToCsv([row(0, 0.5), row(1, -2, { phase: 'warmup', groundTruth: 91.5 })], ['wrcor'], 'cifar10')
    const lines = csv.trim().split('\n')
    // the one export schema (src/shared/export-schema.ts): metric name kept, phase always filled
    expect(lines[0]).toBe('index,arch,hash,status,phase,score_wrcor,test_accuracy_cifar10,flops,params,seconds,attempts,error')
    expect(lines[1].split(',')[4]).toBe('search')
    expect(lines[2].split(',').slice(4, 7)).toEqual(['warmup', '-2', '91.5'])
    expect(lines[1]).toContain('|nor_conv_3x3~0|')
  })
})

describe('table columns: filters and sorting', () => {
  const rows = [row(0, 0.2), row(1, 0.9), row(2, 0.5), row(3, 0.9, { status: 'failed', scores: {} })]
  const cols = buildColumns(['wrcor'])
  it('parses number filters and reports bad ones', () => {
    const gt = parseFilter('>0.4', true) as (v: unknown) => boolean
    expect([gt(0.5), gt(0.4), gt(null)]).toEqual([true, false, false])
    const rg = parseFilter('1..3', true) as (v: unknown) => boolean
    expect([rg(1), rg(3), rg(3.01)]).toEqual([true, true, false])
    expect(parseFilter('abc', true)).toEqual({ error: expect.stringMatching(/not a number filter/) })
    expect(parseFilter('', true)).toBeNull()
  })
  it('sorts by score descending with empty scores last, stable on ties', () => {
    const v = applyView(rows, cols, {}, { key: 'score:wrcor', dir: 'desc' })
    expect(v.rows.map((r) => r.index)).toEqual([1, 2, 0, 3])
    const asc = applyView(rows, cols, {}, { key: 'score:wrcor', dir: 'asc' })
    expect(asc.rows.map((r) => r.index)).toEqual([0, 2, 1, 3])
  })
  // rows as the client hands them over: non-finite scores already decoded to numbers (tests/renderer/score-edge.test.ts)
  it('a −∞ score sorts below every finite one and shows as −∞; NaN sorts with the blanks and shows as NaN', () => {
    const odd = [row(0, 0.2), row(1, -Infinity), row(2, NaN), row(3, Infinity), row(4, -7)]
    expect(applyView(odd, cols, {}, { key: 'score:wrcor', dir: 'desc' }).rows.map((r) => r.index)).toEqual([3, 0, 4, 1, 2])
    expect(applyView(odd, cols, {}, { key: 'score:wrcor', dir: 'asc' }).rows.map((r) => r.index)).toEqual([1, 4, 0, 3, 2])
    const col = cols.find((c) => c.key === 'score:wrcor')!
    expect(odd.map((r) => col.format(r))).toEqual(['0.2000', '−∞', 'NaN', '+∞', '-7'])
    expect(applyView(odd, cols, { 'score:wrcor': '<0' }, null).rows.map((r) => r.index)).toEqual([1, 4])
  })
  it('RL warm-up rows can be told apart and filtered by phase', () => {
    const withPhase = buildColumns(['wrcor'], undefined, null, true)
    const rl = [row(0, 1, { phase: 'warmup' }), row(1, 2, { phase: 'search' }), row(2, 3, { phase: 'search' })]
    expect(applyView(rl, withPhase, { phase: 'search' }, null).rows.map((r) => r.index)).toEqual([1, 2])
    expect(buildColumns(['wrcor']).some((c) => c.key === 'phase')).toBe(false)
  })
  it('filters on a score and on the arch text together', () => {
    const v = applyView(rows, cols, { 'score:wrcor': '>=0.5', arch: 'avg_pool' }, null)
    expect(v.rows.map((r) => r.index)).toEqual([1])
  })
})

describe('architecture decoders', () => {
  it('NB201: 6 edges j←i with their ops', () => {
    const d = decodeNb201('|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|')!
    expect(d.nodes).toHaveLength(4)
    expect(d.edges).toEqual([
      { from: 0, to: 1, op: 'nor_conv_3x3' },
      { from: 0, to: 2, op: 'nor_conv_3x3' },
      { from: 1, to: 2, op: 'avg_pool_3x3' },
      { from: 0, to: 3, op: 'skip_connect' },
      { from: 1, to: 3, op: 'nor_conv_3x3' },
      { from: 2, to: 3, op: 'skip_connect' },
    ])
    expect(decodeNb201('|bogus~0|+|none~0|none~1|+|none~0|none~1|none~2|')).toBeNull()
    expect(decodeNb201('|none~1|+|none~0|none~1|+|none~0|none~1|none~2|')).toBeNull()
  })
  it('NB101 canonical matrix=…;ops=… form', () => {
    const d = decodeNb101('matrix=0110/0001/0001/0000;ops=input,conv3x3-bn-relu,maxpool3x3,output')!
    expect(d.nodes.map((n) => n.label)).toEqual(['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'])
    expect(d.edges).toEqual([{ from: 0, to: 1 }, { from: 0, to: 2 }, { from: 1, to: 3 }, { from: 2, to: 3 }])
    expect(decodeNb101('matrix=01/00;ops=input')).toBeNull()
  })
  it('MobileNetV2: the paper Table 11 architecture and its resolutions', () => {
    const t11 =
      'SuperConvK3BNRELU(3,48,2,1)SuperResIDWE2K7(48,32,2,40,2)SuperResIDWE2K7(32,32,2,48,3)SuperResIDWE6K7(32,64,1,40,3)' +
      'SuperResIDWE6K7(64,88,2,40,4)SuperResIDWE6K7(88,104,1,56,6)SuperResIDWE6K5(104,152,2,192,6)SuperResIDWE6K5(152,240,1,136,2)' +
      'SuperConvK1BNRELU(240,1264,1,1)@224'
    const a = decodeMbv2(t11)!
    expect(a.stem).toBe(48)
    expect(a.head).toBe(1264)
    expect(a.resolution).toBe(224)
    expect(a.stages.map((s) => [s.E, s.K, s.S, s.L, s.C, s.B])).toEqual([
      [2, 7, 2, 2, 32, 40], [2, 7, 2, 3, 32, 48], [6, 7, 1, 3, 64, 40], [6, 7, 2, 4, 88, 40],
      [6, 7, 1, 6, 104, 56], [6, 5, 2, 6, 152, 192], [6, 5, 1, 2, 240, 136],
    ])
    expect(mbv2Resolutions(a)).toEqual({ stem: 112, stages: [56, 28, 28, 14, 14, 7, 7] })
    expect(decodeMbv2('SuperConvK3BNRELU(3,48,2,1)@224')).toBeNull()
  })
})

describe('formatting and live helpers', () => {
  it('ETA = elapsed/done × remaining', () => {
    expect(eta(10, 30, 20_000)).toBe(40_000)
    expect(eta(0, 30, 5000)).toBeUndefined()
    expect(eta(30, 30, 5000)).toBe(0)
    expect(formatDuration(125_000)).toBe('2m 05s')
  })
  it('heartbeat says how long ago the last result came', () => {
    expect(heartbeat(1000, 3400)).toBe('last result 2 s ago')
    expect(heartbeat(undefined, 5)).toBe('no result yet')
  })
  it('best-so-far is the running maximum: [evaluation number, best, index of the best row]', () => {
    const pts = [0.1, 0.5, 0.3, 0.7, 0.2].map((score, index) => ({ index, arch: '', score }))
    expect(bestSoFarSeries(pts)).toEqual([[1, 0.1, 0], [2, 0.5, 1], [3, 0.5, 1], [4, 0.7, 3], [5, 0.7, 3]])
  })
  it('merging appended rows drops duplicates and keeps index order', () => {
    const a = [row(0, 1), row(1, 1)]
    const m = mergeRows(a, [row(1, 1), row(3, 1), row(2, 1)])
    expect(m.map((r) => r.index)).toEqual([0, 1, 2, 3])
    expect(mergeRows(a, [row(0, 1)])).toBe(a)
  })
})

describe('paper ρ in menus', () => {
  it('abbreviates benchmark/dataset keys', async () => {
    const { formatPaperRho } = await import('../../src/renderer/lib/paperRho')
    expect(formatPaperRho({ 'nb201-cifar10': 0.811, 'nb201-imagenet16-120': 0.822, 'nb101-cifar10': 0.534 })).toBe(
      'paper ρ: NB201 C10 0.811 · NB201 IN16 0.822 · NB101 C10 0.534',
    )
    expect(formatPaperRho(undefined)).toBe('')
  })
})

describe('chart options', () => {
  it('ρ/τ rank a −∞ score lowest (as zsnas evaluate) and leave NaN out; charts draw finite scores only', () => {
    const rs = [
      row(0, -Infinity, { groundTruth: 10 }),
      row(1, 1, { groundTruth: 50 }),
      row(2, 2, { groundTruth: 40 }),
      row(3, NaN, { groundTruth: 90 }),
    ]
    const pts = toPoints(rs, 'wrcor')
    expect(pts.map((p) => p.index)).toEqual([0, 1, 2])
    // ranks: score 1,2,3 vs truth 1,3,2 → ρ = 1 − 6·(0+1+1)/(3·8) = 0.5; τ = (2 concordant − 1 discordant)/3
    const c = scoreTruthCorrelation(pts)
    expect(c.n).toBe(3)
    expect(c.rho).toBeCloseTo(0.5, 12)
    expect(c.tau).toBeCloseTo(1 / 3, 12)
    const fields = chartFields(['wrcor'], (s) => s, 'cifar10')
    const m = scatterModel({ rows: rs, x: fields[0], y: fields[1], fields, showDegenerate: false, pareto: false, title: 't' })
    expect(m.drawn).toEqual([1, 2])
    expect(m.infinite).toBe(1)
    expect((m.option.title as { subtext: string }).subtext).toMatch(/1 at ±∞ not drawn/)
    expect(formatScore(-Infinity)).toBe('−∞')
    expect(formatScore(NaN)).toBe('NaN')
    expect(formatScore(null)).toBe('—')
    expect(formatScore(1.23456, 2)).toBe('1.23')
  })
  it('score-vs-FLOPs draws the Pareto front in MFLOPs with row indices for picking', () => {
    const rs = [row(0, 1, { flops: 10e6 }), row(1, 3, { flops: 20e6 }), row(2, 2, { flops: 30e6 })]
    const fields = chartFields(['wrcor'])
    const flops = fields.find((f) => f.id === 'flops')!
    const m = scatterModel({ rows: rs, x: flops, y: fields[0], fields, showDegenerate: false, pareto: true, title: 't' })
    const series = m.option.series as { name: string; data: number[][] }[]
    expect(series[0].data).toEqual([[10, 1, 0], [20, 3, 1], [30, 2, 2]])
    expect(series.find((x) => x.name === 'Pareto front')!.data).toEqual([[10, 1, 0], [20, 3, 1]])
  })
})

describe('proxies of a run', () => {
  it('a named voting proxy records its members; charts use the first member', () => {
    expect(memberIds({ mode: 'single', id: 'sjw' }, PROXIES)).toEqual(['synflow', 'naswot', 'wrcor'])
    expect(primaryProxy({ mode: 'single', id: 'sjw' }, PROXIES)).toBe('synflow')
    expect(isVote({ mode: 'single', id: 'sjw' }, PROXIES)).toBe(true)
    expect(memberIds({ mode: 'single', id: 'wrcor' }, PROXIES)).toEqual(['wrcor'])
    expect(isVote({ mode: 'single', id: 'wrcor' }, PROXIES)).toBe(false)
    expect(memberIds({ mode: 'voting', ids: ['a', 'b', 'c'] })).toEqual(['a', 'b', 'c'])
    const cfg = { ...summary('x').config, proxy: { mode: 'single' as const, id: 'sjw' } }
    expect(scoreKeys([row(0, 1, { scores: { synflow: 1, naswot: 2, wrcor: 3, flops: 4 } })], cfg, PROXIES)).toEqual(['synflow', 'naswot', 'wrcor', 'flops'])
  })
})
