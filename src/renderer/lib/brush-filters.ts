/**
 * Chart selections → architecture-table filters (the link from charts to the
 * table; the table's filters restrict the charts in turn). A brushed range
 * [a, b] on a field becomes the range filter `lo..hi` of the field's column
 * (src/renderer/lib/columns.ts syntax), rounded OUTWARDS at the 6th
 * significant digit so every point inside the brush stays inside the filter;
 * the evaluation index uses whole numbers.
 */
import type { ChartField } from './chart-fields'

function outward(x: number, dir: 'down' | 'up', mag: number): number {
  const step = 10 ** (Math.floor(Math.log10(mag || 1)) - 5)
  // ±1e-9 absorbs the float noise of x / step (3.5 / 1e-5 = 350000.00000000006)
  const v = dir === 'down' ? Math.floor(x / step + 1e-9) * step : Math.ceil(x / step - 1e-9) * step
  return Number(v.toPrecision(8))
}

/** The filter text for `[a, b]` on `field` (a ≤ b). */
export function rangeFilter(field: ChartField, [a, b]: [number, number]): string {
  if (field.kind === 'index') return `${Math.max(0, Math.ceil(a))}..${Math.floor(b)}`
  const mag = Math.max(Math.abs(a), Math.abs(b))
  return `${outward(a, 'down', mag)}..${outward(b, 'up', mag)}`
}

/** Column filters for a brushed rectangle / x range over the chart's x and y fields. */
export function brushFilters(x: ChartField, y: ChartField | null, range: { x?: [number, number]; y?: [number, number] }): Record<string, string> {
  const out: Record<string, string> = {}
  if (range.x) out[x.column] = rangeFilter(x, range.x)
  if (y && range.y) out[y.column] = rangeFilter(y, range.y)
  return out
}

/** A human line for the active filters ("WRCor 0.9..2.3 · accuracy >90"), labels from the columns. */
export function describeFilters(filters: Record<string, string>, label: (column: string) => string): string {
  return Object.entries(filters)
    .filter(([, t]) => t.trim() !== '')
    .map(([k, t]) => `${label(k)} ${t.trim()}`)
    .join(' · ')
}
