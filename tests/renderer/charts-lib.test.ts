/** Run-view chart logic (pure): robust ranges, axis fields, tooltips, the x/y scatter model, Pareto fronts. */
import { describe, expect, it } from 'vitest'
import { quantile, robustRange } from '../../src/renderer/lib/robust-range'
import { chartFields, pickField } from '../../src/renderer/lib/chart-fields'
import { tooltipHtml, tooltipLines } from '../../src/renderer/lib/chart-tooltip'
import { niceBound, scatterModel } from '../../src/renderer/lib/scatter-option'
import { paretoFrontBy } from '../../src/renderer/lib/pareto'
import { row } from './helpers/fixtures'

describe('robust axis range', () => {
  it('quantiles interpolate linearly (type 7)', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75) // h = 0.75
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantile([5], 0.9)).toBe(5)
  })
  it('leaves one far outlier off: by hand, Q1 2.25, Q3 6.75, fences −11.25 / 20.25', () => {
    const r = robustRange([1, 2, 3, 4, 5, 6, 7, 8, 9, -100])
    expect(r.outside).toBe(1)
    expect([r.lo, r.hi]).toEqual([1, 9])
    expect(r.min).toBeCloseTo(0.6, 12) // 5 % of the kept span 8
    expect(r.max).toBeCloseTo(9.4, 12)
  })
  it('keeps everything when the fences would drop more than 10 %, when IQR = 0, and ignores non-finite values', () => {
    expect(robustRange([1, 2, 3, 4, 5, 6, 7, 8, -100, -200]).outside).toBe(0) // 2 of 10 > 10 %
    expect(robustRange([1, 2, 3, 4, 5, 6, 7, 8, -100, -200]).lo).toBe(-200)
    const flat = robustRange([3, 3, 3, 3, 50])
    expect([flat.outside, flat.hi]).toEqual([0, 50])
    expect(robustRange([1, 2, NaN, -Infinity, 3]).lo).toBe(1)
    expect(robustRange([]).outside).toBe(0)
  })
  it('axis bounds are rounded outwards to about a tenth of the span', () => {
    expect(niceBound(0.6, 8.8, 'down')).toBe(0.6)
    expect(niceBound(0.63, 8.8, 'down')).toBe(0.6)
    expect(niceBound(9.41, 8.8, 'up')).toBe(9.5)
    expect(niceBound(-16.84, 20, 'down')).toBe(-17)
  })
})

/** 20 ordinary NB201-like rows (WRCor 1..2.9, accuracy 85..94.5) and one degenerate cell (WRCor −16.8, 10 %). */
function degenerateRun() {
  const rows = Array.from({ length: 20 }, (_, i) => row(i, 1 + i / 10, { groundTruth: 85 + i / 2, flops: (10 + i) * 1e6, params: (1 + i) * 1e5 }))
  rows.push(row(20, -16.8, { groundTruth: 10, flops: 5e6, params: 5e4 }))
  return rows
}

describe('x/y scatter model', () => {
  const fields = chartFields(['wrcor', 'synflow'], (k) => k.toUpperCase(), 'cifar10')
  const wr = fields[0]
  const acc = pickField(fields, 'groundTruth', 'accuracy')!
  const flops = pickField(fields, 'flops', 'cost')!

  it('fields: every proxy, accuracy (bounded to [0, 100]), FLOPs, params, time, index; each names its table column', () => {
    expect(fields.map((f) => f.id)).toEqual(['score:wrcor', 'score:synflow', 'groundTruth', 'flops', 'params', 'seconds', 'index'])
    expect(fields.map((f) => f.column)).toEqual(['score:wrcor', 'score:synflow', 'groundTruth', 'flops', 'params', 'seconds', 'index'])
    expect(acc.bounds).toEqual([0, 100])
    expect(chartFields(['wrcor'], undefined, null).some((f) => f.kind === 'accuracy')).toBe(false)
    expect(pickField(fields, 'score:gone', 'score')!.id).toBe('score:wrcor')
  })

  it('a degenerate cell is left off the axes by default and drawn (red, axes widened) when asked', () => {
    const rows = degenerateRun()
    const m = scatterModel({ rows, x: wr, y: acc, fields, showDegenerate: false, pareto: false, title: 't' })
    expect(m.degenerate).toEqual([20])
    expect(m.drawn).toHaveLength(20)
    const xa = m.option.xAxis as { min: number; max: number }
    const ya = m.option.yAxis as { min: number; max: number }
    // kept WRCor 1..2.9 (span 1.9, pad 0.095 → 0.905..2.995), rounded outwards to 0.1: 0.9..3
    expect([xa.min, xa.max]).toEqual([0.9, 3])
    // kept accuracy 85..94.5 (pad 0.475 → 84.525..94.975), step 1: 84..95
    expect([ya.min, ya.max]).toEqual([84, 95])
    expect((m.option.title as { subtext: string }).subtext).toBe('1 degenerate hidden')
    const all = scatterModel({ rows, x: wr, y: acc, fields, showDegenerate: true, pareto: false, title: 't' })
    const series = all.option.series as { name: string; data: number[][] }[]
    expect(series.map((s) => s.name)).toEqual(['architectures', 'degenerate'])
    expect(series[1].data).toEqual([[-16.8, 10, 20]])
    expect((all.option.xAxis as { min: number }).min).toBeLessThanOrEqual(-16.8)
    expect((all.option.yAxis as { min: number }).min).toBeLessThanOrEqual(10)
    expect((all.option.yAxis as { min: number }).min).toBeGreaterThanOrEqual(0) // accuracy never below 0
  })

  it('accuracy-vs-FLOPs Pareto front: cheapest architecture for each better accuracy', () => {
    const rows = [row(0, 1, { flops: 10e6, groundTruth: 80 }), row(1, 1, { flops: 20e6, groundTruth: 90 }), row(2, 1, { flops: 30e6, groundTruth: 85 }), row(3, 1, { flops: 20e6, groundTruth: 70 })]
    const m = scatterModel({ rows, x: flops, y: acc, fields, showDegenerate: false, pareto: true, title: 't' })
    const front = (m.option.series as { name: string; data: number[][] }[]).find((s) => s.name === 'Pareto front')!
    expect(front.data.map((d) => d[2])).toEqual([0, 1])
    expect(paretoFrontBy([{ c: 1, v: 1 }, { c: 1, v: 2 }, { c: 2, v: 2 }, { c: 3, v: 5 }], (p) => p.c, (p) => p.v)).toEqual([{ c: 1, v: 2 }, { c: 3, v: 5 }])
  })

  it('says how many rows the table filters left', () => {
    const rows = degenerateRun().slice(0, 5)
    const m = scatterModel({ rows, x: wr, y: acc, fields, showDegenerate: false, pareto: false, title: 't', total: 21, note: 'ρ = 1.000' })
    expect((m.option.title as { subtext: string }).subtext).toBe('ρ = 1.000 · 5 of 21 rows (table filters)')
  })
})

describe('tooltip', () => {
  it('index, architecture, every score, accuracy, FLOPs and params, formatted (no 93.46000000000001)', () => {
    const fields = chartFields(['wrcor', 'synflow'], (k) => ({ wrcor: 'WRCor', synflow: 'SynFlow' })[k] ?? k, 'cifar10')
    const r = row(12, 1.23456789, { scores: { wrcor: 1.23456789, synflow: -Infinity }, groundTruth: 93.46000000000001, flops: 12_345_678, params: 1_234_567 })
    expect(tooltipLines(r, fields)).toEqual([
      ['#12', r.arch],
      ['WRCor', '1.2346'],
      ['SynFlow', '−∞'],
      ['cifar10 test acc. (%)', '93.46 %'],
      ['FLOPs (M)', '12.35 M'],
      ['Params (M)', '1.235 M'],
    ])
    const html = tooltipHtml({ ...r, arch: '<x>&' }, fields)
    expect(html).toContain('&lt;x&gt;&amp;')
    expect(html).not.toMatch(/\d\.\d{7,}/)
  })
})

describe('chart selections become table filters', async () => {
  const { rangeFilter, brushFilters, describeFilters } = await import('../../src/renderer/lib/brush-filters')
  const { applyView, buildColumns } = await import('../../src/renderer/lib/columns')
  const fields = chartFields(['wrcor'], undefined, 'cifar10')
  const wr = fields[0]
  const acc = pickField(fields, 'groundTruth', 'accuracy')!
  const idx = pickField(fields, 'index', 'index')!
  it('ranges are rounded outwards at the 6th significant digit; the index to whole numbers', () => {
    expect(rangeFilter(wr, [1.23456789, 2.3456789])).toBe('1.23456..2.34568')
    expect(rangeFilter(wr, [-16.84321, -0.5])).toBe('-16.8433..-0.5')
    expect(rangeFilter(idx, [2.2, 7.9])).toBe('3..7')
  })
  it('a brushed rectangle filters the table to exactly the points inside it', () => {
    const rows = degenerateRun()
    const f = brushFilters(wr, acc, { x: [1.45, 2.05], y: [80, 100] })
    expect(f).toEqual({ 'score:wrcor': '1.45..2.05', groundTruth: '80..100' })
    const kept = applyView(rows, buildColumns(['wrcor']), f, null).rows.map((r) => r.index)
    // WRCor 1 + i/10 in [1.45, 2.05] ⇔ i = 5..10
    expect(kept).toEqual([5, 6, 7, 8, 9, 10])
    expect(describeFilters({ ...f, flops: ' ' }, (k) => (k === 'groundTruth' ? 'accuracy' : k))).toBe('score:wrcor 1.45..2.05 · accuracy 80..100')
  })
})

describe('NB201 op importance (hand-computed)', async () => {
  const { opImportance } = await import('../../src/renderer/lib/op-importance')
  // fixtures NB201_ARCHS: index % 3 picks the cell; row 3 repeats cell 0
  const rows = [
    row(0, 2, { groundTruth: 90 }), // |conv3~0|+|conv3~0|pool~1|+|skip~0|conv3~1|skip~2|
    row(1, 4, { groundTruth: 80 }), // |pool~0|+|conv1~0|skip~1|+|conv1~0|skip~1|skip~2|
    row(2, -Infinity, { groundTruth: 10 }), // all none
    row(3, 6, { groundTruth: 94 }),
    row(4, 100, { status: 'failed', groundTruth: 50 }), // failed rows do not count
  ]
  const imp = opImportance(rows, 'wrcor')
  const at = (edge: string, op: string) => imp.stats[imp.edges.indexOf(edge)][imp.ops.indexOf(op)]
  it('per edge and op: count, mean finite score, mean accuracy', () => {
    expect(imp.n).toBe(4)
    expect(at('0→1', 'nor_conv_3x3')).toMatchObject({ count: 2, meanScore: 4, meanAccuracy: 92, nonFinite: 0 }) // (2+6)/2, (90+94)/2
    expect(at('0→1', 'avg_pool_3x3')).toMatchObject({ count: 1, meanScore: 4, meanAccuracy: 80 })
    expect(at('2→3', 'skip_connect')).toMatchObject({ count: 3, meanScore: 4, meanAccuracy: 88 }) // (2+4+6)/3, (90+80+94)/3
    expect(at('1→3', 'nor_conv_3x3')).toMatchObject({ count: 2, meanScore: 4, meanAccuracy: 92 })
    const none = at('0→3', 'none')
    expect([none.count, none.nonFinite, none.meanAccuracy]).toEqual([1, 1, 10])
    expect(none.meanScore).toBeNaN() // its only score is −∞: left out, not averaged into −∞
    expect(at('0→2', 'nor_conv_1x1')).toMatchObject({ count: 1, meanScore: 4, meanAccuracy: 80 })
    expect(at('0→2', 'skip_connect').count).toBe(0)
    // every row puts exactly one op on each edge
    for (const e of imp.stats) expect(e.reduce((s, c) => s + c.count, 0)).toBe(4)
  })
})

describe('parallel coordinates', async () => {
  const { parallelModel } = await import('../../src/renderer/lib/parallel-option')
  const fields = chartFields(['wrcor', 'synflow'], undefined, 'cifar10')
  it('axes: proxies, accuracy, FLOPs, params; degenerate and incomplete rows left out and counted', () => {
    const rows = degenerateRun().map((r) => ({ ...r, scores: { ...r.scores, synflow: r.index === 3 ? -Infinity : r.index } }))
    const m = parallelModel(rows, fields, false, 30)
    expect(m.axes.map((a) => a.id)).toEqual(['score:wrcor', 'score:synflow', 'groundTruth', 'flops', 'params'])
    expect(m.degenerate).toEqual([20])
    expect(m.incomplete).toBe(1)
    expect(m.drawn).toHaveLength(19)
    const data = (m.option.series as { data: number[][] }[])[0].data
    expect(data[0]).toEqual([1, 0, 85, 10, 0.1, 0]) // axis values then the row index
    expect((m.option.title as { subtext: string }).subtext).toBe('21 of 30 rows (table filters) · 1 degenerate hidden · 1 without every value (failed, no score, ±∞) not drawn')
    expect(parallelModel(rows, fields, true).drawn).toHaveLength(20)
  })
})

describe('options render in real ECharts (server-side SVG, as the SVG download does)', async () => {
  const { init } = await import('../../src/renderer/lib/echarts')
  const { parallelModel } = await import('../../src/renderer/lib/parallel-option')
  const { bestSoFarOption } = await import('../../src/renderer/lib/chartOptions')
  const fields = chartFields(['wrcor'], undefined, 'cifar10')
  const svgOf = (option: Record<string, unknown>) => {
    const c = init(null, undefined, { renderer: 'svg', ssr: true, width: 600, height: 300 })
    try {
      c.setOption({ ...option, dataZoom: [], brush: undefined, animation: false })
      return { svg: c.renderToSVGString(), ext: (c as any).getModel().getComponent('xAxis', 0)?.axis.scale.getExtent() as number[] | undefined }
    } finally {
      c.dispose()
    }
  }
  it('scatter with Pareto: the axis ends where the model says, one symbol per drawn point', () => {
    const m = scatterModel({ rows: degenerateRun(), x: fields[0], y: pickField(fields, 'groundTruth', 'accuracy')!, fields, showDegenerate: false, pareto: false, title: 'WRCor vs acc' })
    const { svg, ext } = svgOf(m.option)
    expect(svg.startsWith('<svg')).toBe(true)
    expect(ext).toEqual([0.9, 3])
    expect(svg).toContain('1 degenerate hidden')
  })
  it('parallel coordinates and best so far render', () => {
    expect(svgOf(parallelModel(degenerateRun(), fields, false).option).svg).toContain('Parallel coordinates')
    expect(svgOf(bestSoFarOption(degenerateRun().map((r) => ({ index: r.index, arch: r.arch, score: r.scores.wrcor as number })), 'WRCor')).svg).toContain('Best WRCor so far')
  })
  it('a redraw with new rows keeps the user\'s zoom (ChartPanel updates with replaceMerge: series)', () => {
    const c = init(null, undefined, { renderer: 'svg', ssr: true, width: 600, height: 300 })
    try {
      const y = pickField(fields, 'groundTruth', 'accuracy')!
      const rows = degenerateRun()
      c.setOption(scatterModel({ rows: rows.slice(0, 10), x: fields[0], y, fields, showDegenerate: false, pareto: false, title: 't' }).option)
      c.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start: 20, end: 40 })
      c.setOption(scatterModel({ rows, x: fields[0], y, fields, showDegenerate: false, pareto: false, title: 't' }).option, { replaceMerge: ['series'] })
      const dz = (c.getOption() as { dataZoom: { start: number; end: number }[] }).dataZoom[0]
      expect([dz.start, dz.end]).toEqual([20, 40])
      expect(((c.getOption() as { series: { data: unknown[] }[] }).series[0].data)).toHaveLength(20)
    } finally {
      c.dispose()
    }
  })
})
