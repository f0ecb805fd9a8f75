/**
 * Table exports in THE evaluation schema `zsnas-evaluations/1` (src/shared/export-schema.ts,
 * docs/exports.md) — the same columns as the run folder's evaluations.csv: raw numbers (not
 * formatted), `score_<proxy>` columns, the truth column named for its metric
 * (`test_accuracy_cifar10`), `phase` always filled.
 */
import type { EvaluationRow } from '../../shared/schemas'
import { EVALUATIONS_SCHEMA, evaluationColumns, evaluationRecord, evaluationsCsv, type ExportableRow } from '../../shared/export-schema'

export { evaluationColumns as exportColumns }

/** CSV text of the rows (in the given order); `metric` = the run's ground-truth metric (null: no truth column). */
export function rowsToCsv(rows: readonly EvaluationRow[], scoreKeys: readonly string[], metric: string | null = null): string {
  return evaluationsCsv(rows as readonly ExportableRow[], scoreKeys, metric)
}

/** JSON: `{ schema, columns, rows }` with rows as flat records keyed by the same column names as the CSV. */
export function rowsToJson(rows: readonly EvaluationRow[], scoreKeys: readonly string[] = [], metric: string | null = null): string {
  const columns = evaluationColumns(scoreKeys, metric)
  return JSON.stringify({ schema: EVALUATIONS_SCHEMA, columns, rows: rows.map((r) => evaluationRecord(r as ExportableRow, scoreKeys, metric)) }, null, 1)
}
