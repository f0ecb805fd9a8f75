/** Table exports: every evaluation field as CSV columns or as JSON rows (raw numbers, not formatted). */
import type { EvaluationRow } from '../../shared/schemas'
import { toCsv } from './csv'

export function exportColumns(scoreKeys: readonly string[]) {
  return [
    { key: 'index', label: 'index' },
    { key: 'arch', label: 'arch' },
    { key: 'hash', label: 'hash' },
    { key: 'status', label: 'status' },
    { key: 'phase', label: 'phase' },
    ...scoreKeys.map((k) => ({ key: `score:${k}`, label: k })),
    { key: 'groundTruth', label: 'ground_truth' },
    { key: 'flops', label: 'flops' },
    { key: 'params', label: 'params' },
    { key: 'seconds', label: 'seconds' },
    { key: 'error', label: 'error' },
  ]
}

function flat(r: EvaluationRow, scoreKeys: readonly string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {
    index: r.index,
    arch: r.arch,
    hash: r.hash,
    status: r.status,
    phase: r.phase ?? '',
    groundTruth: r.groundTruth,
    flops: r.flops,
    params: r.params,
    seconds: r.seconds,
    error: r.error?.message ?? '',
  }
  for (const k of scoreKeys) o[`score:${k}`] = r.scores[k]
  return o
}

export function rowsToCsv(rows: readonly EvaluationRow[], scoreKeys: readonly string[]): string {
  return toCsv(exportColumns(scoreKeys), rows.map((r) => flat(r, scoreKeys)))
}

export function rowsToJson(rows: readonly EvaluationRow[]): string {
  return JSON.stringify(rows, null, 1)
}
