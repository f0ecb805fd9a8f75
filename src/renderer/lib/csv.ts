/** RFC 4180 CSV writing for table exports (quotes fields containing , " or newlines). */
export function csvField(v: unknown): string {
  if (v === undefined || v === null) return ''
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(columns: readonly { key: string; label: string }[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map((c) => csvField(c.label)).join(',')]
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c.key])).join(','))
  return lines.join('\n') + '\n'
}
