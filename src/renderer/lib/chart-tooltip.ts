/**
 * Tooltip of a run-view chart point: the evaluation index, the architecture
 * string, EVERY proxy score, the accuracy, FLOPs and params of that row, each
 * formatted by its field (2 decimals for accuracy: "93.46 %", never
 * "93.46000000000001"; −∞ / +∞ / NaN spelled out). HTML-escaped (architecture
 * strings are data). Pure: row + fields in, HTML string out.
 */
import type { EvaluationRow } from '../../shared/schemas'
import type { ChartField } from './chart-fields'

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c])

/** A field's value for display: '—' when absent, ±∞ / NaN spelled out for scores. */
export function fieldText(f: ChartField, r: EvaluationRow): string {
  const v = f.get(r)
  if (Number.isNaN(v)) return f.kind === 'score' && r.status === 'ok' && r.scores[f.id.slice(6)] !== undefined ? 'NaN' : '—'
  if (v === Infinity) return '+∞'
  if (v === -Infinity) return '−∞'
  return f.format(v)
}

/** The lines of the tooltip as [label, value] pairs (first: '#index'), for tests and the HTML. */
export function tooltipLines(r: EvaluationRow, fields: readonly ChartField[]): [string, string][] {
  const shown = fields.filter((f) => f.kind === 'score' || f.kind === 'accuracy' || f.id === 'flops' || f.id === 'params')
  return [[`#${r.index}`, r.arch], ...shown.map((f): [string, string] => [f.label, fieldText(f, r)]), ...(r.status === 'failed' ? [['failed', r.error?.message ?? ''] as [string, string]] : [])]
}

export function tooltipHtml(r: EvaluationRow, fields: readonly ChartField[]): string {
  const [[idx, arch], ...rest] = tooltipLines(r, fields)
  const rows = rest.map(([k, v]) => `<tr><td style="opacity:.75;padding-right:10px">${escapeHtml(k)}</td><td style="text-align:right;font-variant-numeric:tabular-nums">${escapeHtml(v)}</td></tr>`).join('')
  return (
    `<div data-testid="chart-tooltip"><b>${escapeHtml(idx)}</b>` +
    `<div style="font-family:monospace;font-size:11px;max-width:420px;white-space:normal;word-break:break-all;margin:2px 0 4px">${escapeHtml(arch)}</div>` +
    `<table style="border-collapse:collapse;font-size:12px">${rows}</table></div>`
  )
}
