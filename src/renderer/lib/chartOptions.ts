/**
 * ECharts option builders for the run view (pure: data in, option out):
 * the best-so-far line and the score–accuracy correlation. The x/y scatter
 * lives in scatter-option.ts, the parallel coordinates in parallel-option.ts.
 * Data items are [x, y, rowIndex] so a click selects the architecture.
 */
import { kendallTau, spearman } from '../../engine/metrics/rank'
import { axisName, zoomAndBrush } from './scatter-option'
import { formatNumber } from './format'

export interface EvalPoint {
  index: number
  arch: string
  score: number
  flops?: number
  truth?: number
}

/**
 * Best score so far as [evaluation number (index + 1), best, index of the best row],
 * over `points` in evaluation order (finite scores only; nothing before the first).
 */
export function bestSoFarSeries(points: readonly EvalPoint[]): [number, number, number][] {
  const out: [number, number, number][] = []
  let best = -Infinity
  let at = -1
  for (const p of points) {
    if (Number.isFinite(p.score) && p.score > best) {
      best = p.score
      at = p.index
    }
    if (at >= 0) out.push([p.index + 1, best, at])
  }
  return out
}

/** Best-so-far step line with zoom (x) and an x-range brush (selects evaluation numbers). */
export function bestSoFarOption(points: readonly EvalPoint[], proxy: string, note = '') {
  const data = bestSoFarSeries(points)
  return {
    animation: false,
    backgroundColor: 'transparent',
    title: { text: `Best ${proxy} so far`, subtext: note, left: 8, textStyle: { fontSize: 13 }, subtextStyle: { fontSize: 11 } },
    tooltip: {
      trigger: 'axis',
      formatter: (ps: { data?: unknown }[]) => {
        const d = ps[0]?.data
        if (!Array.isArray(d)) return ''
        return `after ${d[0]} evaluations<br/>best ${proxy}: <b>${formatNumber(d[1] as number)}</b> (#${d[2]})`
      },
    },
    grid: { left: 64, right: 20, top: 54, bottom: 58 },
    xAxis: { type: 'value', name: 'architectures evaluated', minInterval: 1, ...axisName, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', name: proxy, scale: true, ...axisName, nameGap: 46, axisLabel: { hideOverlap: true } },
    ...zoomAndBrush('lineX'),
    series: [{ type: 'line', step: 'end', showSymbol: data.length < 60, symbolSize: 6, data }],
  }
}

export interface Correlation {
  n: number
  rho: number
  tau: number
}

/**
 * Spearman ρ and Kendall τ over the points that have a score and finite
 * ground truth, as `zsnas evaluate` computes them: a ±∞ score (degenerate
 * network) is ranked at its end, a NaN score is left out.
 */
export function scoreTruthCorrelation(points: readonly EvalPoint[]): Correlation {
  const xs: number[] = []
  const ys: number[] = []
  for (const p of points) {
    if (!Number.isNaN(p.score) && p.truth !== undefined && Number.isFinite(p.truth)) {
      xs.push(p.score)
      ys.push(p.truth)
    }
  }
  return { n: xs.length, rho: spearman(xs, ys), tau: kendallTau(xs, ys) }
}

export function fmtCorr(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : '—'
}
