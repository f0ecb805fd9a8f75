/**
 * The run view's x/y scatter (pure: rows + axis fields in, ECharts option
 * out). Any field on either axis (src/renderer/lib/chart-fields.ts); the
 * data items are [x, y, rowIndex] so a click opens the architecture and a
 * brushed rectangle maps back to table filters.
 *
 * Guarantees:
 *  - axis ranges are robust (src/renderer/lib/robust-range.ts): points
 *    outside the far fences on x or y are "degenerate" and left off unless
 *    `showDegenerate`; then they are drawn as their own series (red crosses)
 *    and the axes span everything;
 *  - only finite x and y are drawn; ±∞ scores are counted in the subtitle;
 *  - `pareto` (x a cost, y a score or accuracy) adds the front: lowest cost
 *    for the highest value, over the drawn points;
 *  - dataZoom (wheel/drag inside, sliders on both axes) and a brush
 *    component (rect; started from the panel's "Select" button) on every
 *    chart; tooltips from `tooltipHtml`.
 */
import type { EvaluationRow } from '../../shared/schemas'
import type { ChartField } from './chart-fields'
import { robustRange, type RobustRange } from './robust-range'
import { paretoFrontBy } from './pareto'
import { tooltipHtml } from './chart-tooltip'

export interface ScatterSpec {
  /** the rows to draw (already restricted by the table's filters) */
  rows: readonly EvaluationRow[]
  x: ChartField
  y: ChartField
  /** every field of the run (the tooltip lists scores, accuracy, FLOPs, params) */
  fields: readonly ChartField[]
  showDegenerate: boolean
  pareto: boolean
  title: string
  /** extra subtitle text (e.g. ρ/τ) */
  note?: string
  /** rows of the run before filtering (for "n of N") */
  total?: number
}

export interface ScatterModel {
  option: Record<string, unknown>
  /** indices of the rows outside the robust range (hidden unless showDegenerate) */
  degenerate: number[]
  /** indices of the rows drawn as ordinary points */
  drawn: number[]
  /** rows with a ±∞ value on an axis (counted, not drawable) */
  infinite: number
  xRange: RobustRange
  yRange: RobustRange
}

/** A bound rounded outwards to a readable step (about a tenth of the span). */
export function niceBound(v: number, span: number, dir: 'down' | 'up'): number {
  if (!Number.isFinite(v)) return v
  const step = span > 0 ? 10 ** Math.floor(Math.log10(span / 10)) : 1
  // ±1e-9 absorbs the float noise of v / step (0.6 / 0.1 = 5.999…)
  const r = dir === 'down' ? Math.floor(v / step + 1e-9) * step : Math.ceil(v / step - 1e-9) * step
  return Number(r.toPrecision(12))
}

function axisBounds(r: RobustRange, f: ChartField): { min?: number; max?: number } {
  if (!Number.isFinite(r.min)) return {}
  const span = r.max - r.min
  let min = niceBound(r.min, span, 'down')
  let max = niceBound(r.max, span, 'up')
  if (f.bounds) {
    min = Math.max(f.bounds[0], min)
    max = Math.min(f.bounds[1], max)
  }
  return { min, max }
}

/** dataZoom on both axes (inside + sliders) and the brush component, shared by every x/y chart. */
export function zoomAndBrush(brushType: 'rect' | 'lineX' = 'rect') {
  const dz = (extra: Record<string, unknown>) => ({ filterMode: 'none', ...extra })
  return {
    dataZoom: [
      dz({ type: 'inside', xAxisIndex: 0 }),
      ...(brushType === 'rect' ? [dz({ type: 'inside', yAxisIndex: 0 })] : []),
      dz({ type: 'slider', xAxisIndex: 0, height: 14, bottom: 6, showDetail: false }),
      ...(brushType === 'rect' ? [dz({ type: 'slider', yAxisIndex: 0, width: 14, right: 6, showDetail: false })] : []),
    ],
    brush: { xAxisIndex: 0, ...(brushType === 'rect' ? { yAxisIndex: 0 } : {}), brushType, brushMode: 'single', transformable: false, removeOnClick: true, outOfBrush: { colorAlpha: 0.15 } },
  }
}

export const axisName = { nameLocation: 'middle' as const, nameGap: 30 }
// the bounds are rounded, not tick values: label only the ticks (no '100.8' squeezed next to '102')
const axisLabel = { hideOverlap: true, showMinLabel: false, showMaxLabel: false }

export function scatterModel(s: ScatterSpec): ScatterModel {
  const pts: { x: number; y: number; r: EvaluationRow }[] = []
  let infinite = 0
  for (const r of s.rows) {
    const x = s.x.get(r)
    const y = s.y.get(r)
    if (Number.isNaN(x) || Number.isNaN(y)) continue
    if (!Number.isFinite(x) || !Number.isFinite(y)) infinite++
    else pts.push({ x, y, r })
  }
  const xRange = robustRange(pts.map((p) => p.x))
  const yRange = robustRange(pts.map((p) => p.y))
  const inside = (p: { x: number; y: number }) => p.x >= xRange.lo && p.x <= xRange.hi && p.y >= yRange.lo && p.y <= yRange.hi
  const normal = pts.filter(inside)
  const odd = pts.filter((p) => !inside(p))
  const byIndex = new Map(s.rows.map((r) => [r.index, r]))
  const item = (p: { x: number; y: number; r: EvaluationRow }) => [p.x, p.y, p.r.index]
  const front = s.pareto ? paretoFrontBy(s.showDegenerate ? pts : normal, (p) => p.x, (p) => p.y) : []
  const bounds = s.showDegenerate ? { x: axisBounds(robustRange(pts.map((p) => p.x), Infinity), s.x), y: axisBounds(robustRange(pts.map((p) => p.y), Infinity), s.y) } : { x: axisBounds(xRange, s.x), y: axisBounds(yRange, s.y) }
  const notes: string[] = []
  if (s.total !== undefined && s.total !== s.rows.length) notes.push(`${s.rows.length} of ${s.total} rows (table filters)`)
  if (odd.length) notes.push(s.showDegenerate ? `${odd.length} degenerate shown (red)` : `${odd.length} degenerate hidden`)
  if (infinite) notes.push(`${infinite} at ±∞ not drawn`)
  if (s.note) notes.unshift(s.note)
  const large = normal.length > 2000
  const series: Record<string, unknown>[] = [{ name: 'architectures', type: 'scatter', symbolSize: 6, data: normal.map(item), large }]
  if (s.showDegenerate && odd.length) series.push({ name: 'degenerate', type: 'scatter', symbol: 'path://M0,0L10,10M10,0L0,10', symbolSize: 9, itemStyle: { color: '#d1495b', borderColor: '#d1495b', borderWidth: 2 }, data: odd.map(item) })
  if (front.length) series.push({ name: 'Pareto front', type: 'line', step: 'end', symbolSize: 6, z: 3, data: front.map(item) })
  const option = {
    animation: false,
    backgroundColor: 'transparent',
    title: { text: s.title, subtext: notes.join(' · '), left: 8, top: 0, textStyle: { fontSize: 13 }, subtextStyle: { fontSize: 11 }, itemGap: 6 },
    tooltip: {
      trigger: 'item',
      confine: true,
      enterable: false,
      formatter: (p: { data?: unknown }) => {
        const d = p.data
        const r = Array.isArray(d) ? byIndex.get(d[2] as number) : undefined
        return r ? tooltipHtml(r, s.fields) : ''
      },
    },
    legend: series.length > 1 ? { right: 40, top: 22, itemHeight: 8, textStyle: { fontSize: 11 }, data: series.map((x) => x.name) } : undefined,
    grid: { left: 64, right: 36, top: 54, bottom: 58 },
    xAxis: { type: 'value', name: s.x.label, ...axisName, ...bounds.x, axisLabel },
    yAxis: { type: 'value', name: s.y.label, ...axisName, nameGap: 46, ...bounds.y, axisLabel },
    ...zoomAndBrush('rect'),
    series,
  }
  return { option, degenerate: odd.map((p) => p.r.index), drawn: normal.map((p) => p.r.index), infinite, xRange, yRange }
}
