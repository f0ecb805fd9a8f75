/**
 * The quantities a run-view chart can put on an axis (registry: one entry per
 * kind, no switch in the charts): every proxy score the rows carry, the
 * ground-truth accuracy, FLOPs, params, scoring time and the evaluation
 * index. Each field names the architecture-table column with the SAME values
 * and units (`column`), so a brushed chart range becomes that column's filter
 * and a table filter restricts the chart (src/renderer/lib/columns.ts).
 *
 * Guarantee: `get` returns a number for every row — NaN when the row has no
 * such value (failed row, no ground truth, no score); ±Infinity only for
 * scores (a degenerate network's −∞). Charts draw finite values only.
 */
import type { EvaluationRow } from '../../shared/schemas'
import { scoreOf } from './score'
import { formatNumber } from './format'

export type FieldKind = 'score' | 'accuracy' | 'cost' | 'index'

export interface ChartField {
  /** 'score:<proxy>' | 'groundTruth' | 'flops' | 'params' | 'seconds' | 'index' */
  id: string
  /** axis / tooltip label, with its unit */
  label: string
  kind: FieldKind
  /** the architecture-table column holding the same values (brush → filter) */
  column: string
  get(r: EvaluationRow): number
  /** display form (no float noise: 93.46, not 93.46000000000001) */
  format(v: number): string
  /** hard axis limits (accuracy: a percentage in [0, 100]) */
  bounds?: [number, number]
}

const num = (v: number | null | undefined): number => (typeof v === 'number' ? v : NaN)

/** The fixed (non-score) fields; `metric` null = the run has no ground truth (no accuracy field). */
function fixedFields(metric: string | null): ChartField[] {
  const out: ChartField[] = []
  if (metric !== null) {
    out.push({ id: 'groundTruth', label: `${metric} test acc. (%)`, kind: 'accuracy', column: 'groundTruth', get: (r) => num(r.groundTruth), format: (v) => `${v.toFixed(2)} %`, bounds: [0, 100] })
  }
  out.push(
    { id: 'flops', label: 'FLOPs (M)', kind: 'cost', column: 'flops', get: (r) => num(r.flops) / 1e6, format: (v) => `${v.toFixed(2)} M` },
    { id: 'params', label: 'Params (M)', kind: 'cost', column: 'params', get: (r) => num(r.params) / 1e6, format: (v) => `${v.toFixed(3)} M` },
    { id: 'seconds', label: 'Scoring time (s)', kind: 'cost', column: 'seconds', get: (r) => num(r.seconds), format: (v) => `${v.toFixed(2)} s` },
    { id: 'index', label: 'Evaluation #', kind: 'index', column: 'index', get: (r) => r.index, format: (v) => String(v) },
  )
  return out
}

/** Every field of a run: its proxies first (in `scoreKeys` order), then accuracy, FLOPs, params, time, index. */
export function chartFields(scoreKeys: readonly string[], proxyLabel: (id: string) => string = (s) => s, metric: string | null = null): ChartField[] {
  const scores = scoreKeys.map((k): ChartField => ({
    id: `score:${k}`,
    label: proxyLabel(k),
    kind: 'score',
    column: `score:${k}`,
    get: (r) => (r.status === 'ok' ? scoreOf(r, k) : NaN),
    format: (v) => formatNumber(v, 4),
  }))
  return [...scores, ...fixedFields(metric)]
}

/** The field with this id, or the first one of `kind` (a default when the id is gone, e.g. another run). */
export function pickField(fields: readonly ChartField[], id: string | null | undefined, kind: FieldKind): ChartField | undefined {
  return fields.find((f) => f.id === id) ?? fields.find((f) => f.kind === kind)
}
