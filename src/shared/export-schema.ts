/**
 * THE evaluation export schema, `zsnas-evaluations/1` (docs/exports.md), used
 * by every evaluation table ZSNAS Studio writes: the run view's "Export CSV" /
 * "Export JSON" and the run folder's `evaluations.csv`. Columns, in order:
 *
 *   index, arch, hash, status, phase, score_<proxy id>… (one per proxy, in the
 *   run's order), <truth column>, flops, params, seconds, attempts, error
 *
 *  - `phase`: 'search' or 'warmup' (RL reward-normalisation samples), always filled;
 *  - the truth column keeps the metric's name: `test_accuracy_<dataset>` for a
 *    test-accuracy metric (NB201 'cifar10' → `test_accuracy_cifar10`),
 *    `val_accuracy_<dataset>` for a validation metric ('cifar10-valid' →
 *    `val_accuracy_cifar10`); absent when the run has no ground-truth table;
 *  - scores are raw numbers; NaN / +∞ / −∞ are written `NaN`, `Infinity`,
 *    `-Infinity` (as the CLI and the JSON files do); empty = not scored
 *    (a failed row); `flops`/`params` are raw counts (multiply-adds, weights),
 *    `seconds` the evaluation's wall time, percentages in percent.
 * Pure: no DOM, no Node.
 */
import { decodeScore, encodeScore, type ScoreValue } from './score-value'

export const EVALUATIONS_SCHEMA = 'zsnas-evaluations/1'

/** The ground-truth column name for a table metric (null metric = no ground truth = no column). */
export function truthColumn(metric: string | null | undefined): string | null {
  if (!metric) return null
  const valid = /-valid$/.exec(metric)
  return valid ? `val_accuracy_${metric.slice(0, valid.index)}` : `test_accuracy_${metric}`
}

export interface ExportableRow {
  index: number
  arch: string
  hash: string
  status: 'ok' | 'failed'
  scores: Record<string, ScoreValue | number>
  params: number | null
  flops: number | null
  seconds: number
  groundTruth: number | null
  error: { message: string } | null
  attempts: number
  phase?: 'warmup' | 'search'
}

/** Column names in schema order. */
export function evaluationColumns(proxies: readonly string[], metric: string | null | undefined): string[] {
  const truth = truthColumn(metric)
  return ['index', 'arch', 'hash', 'status', 'phase', ...proxies.map((p) => `score_${p}`), ...(truth ? [truth] : []), 'flops', 'params', 'seconds', 'attempts', 'error']
}

/** One row as a flat record keyed by the schema's column names (JSON-safe: non-finite scores as strings). */
export function evaluationRecord(r: ExportableRow, proxies: readonly string[], metric: string | null | undefined): Record<string, string | number | null> {
  const o: Record<string, string | number | null> = { index: r.index, arch: r.arch, hash: r.hash, status: r.status, phase: r.phase ?? 'search' }
  for (const p of proxies) o[`score_${p}`] = r.scores[p] === undefined || r.scores[p] === null ? null : encodeScore(decodeScore(r.scores[p]))
  const truth = truthColumn(metric)
  if (truth) o[truth] = r.groundTruth
  o.flops = r.flops
  o.params = r.params
  o.seconds = r.seconds
  o.attempts = r.attempts
  o.error = r.error?.message ?? null
  return o
}

/** RFC 4180 field: quoted when it holds , " CR or LF; null/undefined → empty. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : JSON.stringify(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The CSV text (header + one line per row, LF line ends, trailing newline). */
export function evaluationsCsv(rows: readonly ExportableRow[], proxies: readonly string[], metric: string | null | undefined): string {
  const cols = evaluationColumns(proxies, metric)
  const lines = [cols.map(csvCell).join(',')]
  for (const r of rows) {
    const rec = evaluationRecord(r, proxies, metric)
    lines.push(cols.map((c) => csvCell(rec[c])).join(','))
  }
  return lines.join('\n') + '\n'
}
