/**
 * Parallel coordinates over a run (pure: rows + axis fields in, ECharts
 * `parallel` option out): one axis per proxy, accuracy, FLOPs and params;
 * one line per architecture, coloured by accuracy (or the first proxy
 * without ground truth).
 *
 * Guarantees: each axis spans its robust range (robust-range.ts) unless
 * `showDegenerate`; a row outside any axis' range is degenerate and left out
 * (counted in the subtitle), a row with a missing or ±∞ value on an axis is
 * left out (counted). Every data item ends with the row index (after the axis
 * values), so a click on a line opens that architecture. Dragging along an
 * axis selects an interval (ECharts area select); the view turns it into the
 * axis field's table filter.
 */
import type { EvaluationRow } from '../../shared/schemas'
import type { ChartField } from './chart-fields'
import { robustRange } from './robust-range'
import { niceBound } from './scatter-option'

export interface ParallelModel {
  option: Record<string, unknown>
  axes: ChartField[]
  drawn: number[]
  degenerate: number[]
  incomplete: number
}

/** The axes: every proxy, then accuracy, FLOPs, params (fields of other kinds are not axes). */
export function parallelAxes(fields: readonly ChartField[]): ChartField[] {
  return fields.filter((f) => f.kind === 'score' || f.kind === 'accuracy' || f.id === 'flops' || f.id === 'params')
}

export function parallelModel(rows: readonly EvaluationRow[], fields: readonly ChartField[], showDegenerate: boolean, total?: number): ParallelModel {
  const axes = parallelAxes(fields)
  const complete: { v: number[]; r: EvaluationRow }[] = []
  let incomplete = 0
  for (const r of rows) {
    const v = axes.map((a) => a.get(r))
    if (v.every(Number.isFinite)) complete.push({ v, r })
    else incomplete++
  }
  const ranges = axes.map((_, i) => robustRange(complete.map((c) => c.v[i]), showDegenerate ? Infinity : undefined))
  const inside = (c: { v: number[] }) => c.v.every((x, i) => x >= ranges[i].lo && x <= ranges[i].hi)
  const kept = complete.filter(inside)
  const odd = complete.filter((c) => !inside(c))
  const colorAxis = Math.max(0, axes.findIndex((a) => a.kind === 'accuracy'))
  const notes: string[] = []
  if (total !== undefined && total !== rows.length) notes.push(`${rows.length} of ${total} rows (table filters)`)
  if (odd.length) notes.push(`${odd.length} degenerate hidden`)
  if (incomplete) notes.push(`${incomplete} without every value (failed, no score, ±∞) not drawn`)
  const option = {
    animation: false,
    backgroundColor: 'transparent',
    title: { text: 'Parallel coordinates', subtext: notes.join(' · '), left: 8, top: 0, textStyle: { fontSize: 13 }, subtextStyle: { fontSize: 11 } },
    parallel: { left: 60, right: 150, top: 70, bottom: 30, parallelAxisDefault: { nameLocation: 'end', nameGap: 12, nameTextStyle: { fontSize: 11 }, axisLabel: { hideOverlap: true, fontSize: 10, showMinLabel: false, showMaxLabel: false } } },
    parallelAxis: axes.map((a, i) => {
      const r = ranges[i]
      const span = r.max - r.min
      const b = a.bounds
      const min = niceBound(r.min, span, 'down')
      const max = niceBound(r.max, span, 'up')
      return { dim: i, id: a.id, name: a.label, min: b ? Math.max(b[0], min) : min, max: b ? Math.min(b[1], max) : max }
    }),
    visualMap: axes.length
      ? { type: 'continuous', dimension: colorAxis, min: ranges[colorAxis]?.lo, max: ranges[colorAxis]?.hi, right: 16, top: 'middle', itemHeight: 140, itemWidth: 10, text: [axes[colorAxis].label.replace(/ \(.*\)$/, ''), ''], textStyle: { fontSize: 10 }, calculable: false, inRange: { color: ['#d1495b', '#e9a23b', '#2a9d8f'] } }
      : undefined,
    series: [{ type: 'parallel', lineStyle: { width: 1, opacity: 0.55 }, emphasis: { lineStyle: { width: 2.5, opacity: 1 } }, inactiveOpacity: 0.04, activeOpacity: 0.8, data: (showDegenerate ? complete : kept).map((c) => [...c.v, c.r.index]) }],
  }
  return { option, axes, drawn: (showDegenerate ? complete : kept).map((c) => c.r.index), degenerate: showDegenerate ? [] : odd.map((c) => c.r.index), incomplete }
}
