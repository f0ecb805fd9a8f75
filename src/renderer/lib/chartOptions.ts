/**
 * ECharts option builders for the run view (pure: data in, option out).
 * Every chart uses `dataset`-free series of [x, y, rowIndex] so a click can
 * select the architecture in the table.
 */
import { paretoFront } from './pareto'
import { kendallTau, spearman } from '../../engine/metrics/rank'

export interface EvalPoint {
  index: number
  arch: string
  score: number
  flops?: number
  truth?: number
}

const axisName = { nameLocation: 'middle' as const, nameGap: 32 }

export function bestSoFarSeries(points: readonly EvalPoint[]): [number, number][] {
  const out: [number, number][] = []
  let best = -Infinity
  points.forEach((p, i) => {
    if (Number.isFinite(p.score) && p.score > best) best = p.score
    if (best > -Infinity) out.push([i + 1, best])
  })
  return out
}

export function bestSoFarOption(points: readonly EvalPoint[], proxy: string) {
  return {
    animation: false,
    backgroundColor: 'transparent',
    title: { text: `Best ${proxy} so far`, left: 8, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 60, right: 16, top: 50, bottom: 44 },
    xAxis: { type: 'value', name: 'architectures evaluated', minInterval: 1, ...axisName },
    yAxis: { type: 'value', name: proxy, scale: true, ...axisName, nameGap: 44 },
    series: [{ type: 'line', step: 'end', showSymbol: points.length < 2, symbolSize: 7, data: bestSoFarSeries(points) }],
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

const pad = (v: { min: number; max: number }) => Math.max(1, (v.max - v.min) * 0.1)
export const accMin = (v: { min: number; max: number }) => Math.max(0, Math.floor(v.min - pad(v)))
export const accMax = (v: { min: number; max: number }) => Math.min(100, Math.ceil(v.max + pad(v)))

export function scoreTruthOption(points: readonly EvalPoint[], proxy: string, metric: string, corr: Correlation) {
  const data = points.filter((p) => p.truth !== undefined && Number.isFinite(p.score)).map((p) => [p.score, p.truth, p.index])
  // ±∞ scores count in ρ/τ (ranked at the ends) but cannot be drawn: say how many
  const infinite = points.filter((p) => p.truth !== undefined && (p.score === Infinity || p.score === -Infinity)).length
  const notDrawn = infinite > 0 ? `, ${infinite} at ±∞ not drawn` : ''
  return {
    animation: false,
    backgroundColor: 'transparent',
    title: { text: `${proxy} vs ${metric} accuracy`, subtext: `Spearman ρ = ${fmtCorr(corr.rho)}   Kendall τ = ${fmtCorr(corr.tau)}   (n = ${corr.n}${notDrawn})`, left: 8, top: 0, textStyle: { fontSize: 13 }, subtextStyle: { fontSize: 12 }, itemGap: 8 },
    tooltip: { trigger: 'item' },
    grid: { left: 60, right: 16, top: 50, bottom: 44 },
    xAxis: { type: 'value', name: proxy, scale: true, ...axisName },
    // accuracies are percentages: keep the axis inside [0, 100] with a small margin around the data
    yAxis: { type: 'value', name: `${metric} test acc. (%)`, ...axisName, nameGap: 44, min: accMin, max: accMax },
    series: [{ type: 'scatter', symbolSize: 6, data, large: data.length > 2000 }],
  }
}

export function scoreFlopsOption(points: readonly EvalPoint[], proxy: string) {
  const pts = points.filter((p) => p.flops !== undefined && Number.isFinite(p.flops) && Number.isFinite(p.score))
  const data = pts.map((p) => [p.flops! / 1e6, p.score, p.index])
  const front = paretoFront(pts.map((p) => ({ flops: p.flops!, score: p.score, index: p.index })))
  return {
    animation: false,
    backgroundColor: 'transparent',
    title: { text: `${proxy} vs FLOPs (Pareto front)`, left: 8, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'item' },
    legend: { left: 8, top: 24, itemHeight: 10, textStyle: { fontSize: 11 }, data: ['architectures', 'Pareto front'] },
    grid: { left: 60, right: 16, top: 58, bottom: 44 },
    xAxis: { type: 'value', name: 'FLOPs (M)', scale: true, ...axisName },
    yAxis: { type: 'value', name: proxy, scale: true, ...axisName, nameGap: 44 },
    series: [
      { name: 'architectures', type: 'scatter', symbolSize: 6, data, large: data.length > 2000 },
      { name: 'Pareto front', type: 'line', step: 'end', symbolSize: 7, data: front.map((p) => [p.flops / 1e6, p.score, p.index]) },
    ],
  }
}
