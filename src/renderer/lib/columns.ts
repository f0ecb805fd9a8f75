/**
 * Architecture-table columns, sorting and per-column filters (pure).
 * Filter syntax per column: numeric columns take `>x`, `>=x`, `<x`, `<=x`,
 * `=x`, or a range `a..b`; text columns take a case-insensitive substring.
 */
import type { EvaluationRow } from '../../shared/schemas'
import { formatNumber, formatScore } from './format'
import { scoreOf } from './score'

export interface Column {
  key: string
  label: string
  numeric: boolean
  get(r: EvaluationRow): number | string | null
  format(r: EvaluationRow): string
  width: number
}

/**
 * `truthLabel` null = the run has no ground truth: the accuracy column is left out;
 * `withPhase` adds the RL phase column (warm-up samples vs search);
 * `withHost` adds the Machine column (which cluster worker scored the row; blank = this machine).
 */
export function buildColumns(scoreKeys: readonly string[], proxyLabel: (id: string) => string = (s) => s, truthLabel: string | null = 'accuracy', withPhase = false, withHost = false): Column[] {
  const num = (key: string, label: string, get: (r: EvaluationRow) => number | null, width = 96, fmt?: (v: number) => string): Column => ({
    key,
    label,
    numeric: true,
    get,
    width,
    format: (r) => {
      const v = get(r)
      return v === null || v === undefined ? '' : fmt ? fmt(v) : formatNumber(v)
    },
  })
  return [
    num('index', '#', (r) => r.index, 56),
    {
      key: 'arch',
      label: 'Architecture',
      numeric: false,
      get: (r) => r.arch,
      format: (r) => r.arch,
      width: 360,
    },
    ...scoreKeys.map((k): Column => {
      // sorts and filters by value (−∞ lowest, NaN with the blanks); shows −∞ / +∞ / NaN spelled out
      const get = (r: EvaluationRow) => {
        const x = scoreOf(r, k)
        return Number.isNaN(x) ? null : x
      }
      return { ...num(`score:${k}`, proxyLabel(k), get, 110), format: (r) => (r.scores[k] === undefined ? '' : formatScore(r.scores[k], 4, formatNumber)) }
    }),
    ...(truthLabel === null ? [] : [num('groundTruth', truthLabel, (r) => r.groundTruth, 96, (v) => v.toFixed(2))]),
    num('flops', 'FLOPs (M)', (r) => (r.flops === null ? null : r.flops / 1e6), 96, (v) => v.toFixed(2)),
    num('params', 'Params (M)', (r) => (r.params === null ? null : r.params / 1e6), 96, (v) => v.toFixed(3)),
    num('seconds', 'Time (s)', (r) => r.seconds, 80, (v) => v.toFixed(2)),
    ...(withPhase
      ? [{ key: 'phase', label: 'Phase', numeric: false, get: (r: EvaluationRow) => r.phase ?? null, format: (r: EvaluationRow) => r.phase ?? '', width: 72 }]
      : []),
    ...(withHost
      ? [{ key: 'host', label: 'Machine', numeric: false, get: (r: EvaluationRow) => r.host ?? null, format: (r: EvaluationRow) => r.host ?? '', width: 110 }]
      : []),
    { key: 'status', label: 'Status', numeric: false, get: (r) => r.status, format: (r) => (r.status === 'ok' ? 'ok' : `failed: ${r.error?.message ?? ''}`), width: 80 },
  ]
}

export type Predicate = (v: number | string | null) => boolean

/** Parses one column's filter text; returns null for an empty filter, or an error message. */
export function parseFilter(text: string, numeric: boolean): Predicate | null | { error: string } {
  const t = text.trim()
  if (!t) return null
  if (!numeric) {
    const needle = t.toLowerCase()
    return (v) => v !== null && String(v).toLowerCase().includes(needle)
  }
  const range = /^(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)$/.exec(t)
  if (range) {
    const a = Number(range[1])
    const b = Number(range[2])
    if (!Number.isFinite(a) || !Number.isFinite(b)) return { error: `"${t}" is not a range like 1..5` }
    return (v) => typeof v === 'number' && v >= Math.min(a, b) && v <= Math.max(a, b)
  }
  const m = /^(>=|<=|>|<|=)?\s*(-?[\d.]+(?:[eE][+-]?\d+)?)$/.exec(t)
  if (!m) return { error: `"${t}" is not a number filter (try >0.5, <=100, 1..5)` }
  const x = Number(m[2])
  switch (m[1] ?? '=') {
    case '>': return (v) => typeof v === 'number' && v > x
    case '>=': return (v) => typeof v === 'number' && v >= x
    case '<': return (v) => typeof v === 'number' && v < x
    case '<=': return (v) => typeof v === 'number' && v <= x
    default: return (v) => typeof v === 'number' && v === x
  }
}

export interface SortSpec {
  key: string
  dir: 'asc' | 'desc'
}

/** Filters then sorts (stable; empty values last in either direction). */
export function applyView(rows: readonly EvaluationRow[], columns: readonly Column[], filters: Record<string, string>, sort: SortSpec | null): { rows: EvaluationRow[]; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const preds: [Column, Predicate][] = []
  for (const c of columns) {
    const p = parseFilter(filters[c.key] ?? '', c.numeric)
    if (p === null) continue
    if (typeof p === 'object' && 'error' in p) errors[c.key] = p.error
    else preds.push([c, p as Predicate])
  }
  let out = preds.length ? rows.filter((r) => preds.every(([c, p]) => p(c.get(r)))) : rows.slice()
  const col = sort ? columns.find((c) => c.key === sort.key) : undefined
  if (col && sort) {
    const sign = sort.dir === 'asc' ? 1 : -1
    const keyed = out.map((r, i) => ({ r, i, v: col.get(r) }))
    keyed.sort((a, b) => {
      // blanks and NaN last in both directions; ±∞ (a degenerate network's score) sort as values
      const ea = a.v === null || a.v === '' || (typeof a.v === 'number' && Number.isNaN(a.v))
      const eb = b.v === null || b.v === '' || (typeof b.v === 'number' && Number.isNaN(b.v))
      if (ea || eb) return ea === eb ? a.i - b.i : ea ? 1 : -1
      const d = typeof a.v === 'number' && typeof b.v === 'number' ? (a.v < b.v ? -1 : a.v > b.v ? 1 : 0) : String(a.v).localeCompare(String(b.v))
      return d !== 0 ? sign * d : a.i - b.i
    })
    out = keyed.map((k) => k.r)
  }
  return { rows: out, errors }
}
