/** Human formatting helpers for the run view and tables. */
import type { ScoreValue } from '../../shared/score-value'
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  const s = Math.round(ms / 1000)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`
  return `${sec}s`
}

/** Remaining time from done/total and elapsed; undefined until one item finished. */
export function eta(done: number, total: number, elapsedMs: number): number | undefined {
  if (done <= 0 || total <= 0 || done >= total) return done >= total && total > 0 ? 0 : undefined
  return (elapsedMs / done) * (total - done)
}

export function formatNumber(v: unknown, digits = 4): string {
  if (typeof v !== 'number') return v === undefined || v === null ? '' : String(v)
  if (!Number.isFinite(v)) return String(v)
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v)
  const a = Math.abs(v)
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(digits - 1)
  return v.toFixed(digits)
}

/**
 * A proxy score for display: −∞ / +∞ / NaN spelled out (a degenerate
 * network's −∞ is a score, not a gap), '—' when absent, finite values with
 * `fmt` (default: fixed `digits`). Scores arrive decoded (the client decodes
 * them at the transport edge), so `v` is a number; the parameter keeps the
 * contract's wider type for callers typed with it, and anything that is not
 * a number shows as '—'.
 */
export function formatScore(v: ScoreValue | undefined, digits = 4, fmt?: (x: number) => string): string {
  if (typeof v !== 'number') return '—'
  const x = v
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return '+∞'
  if (x === -Infinity) return '−∞'
  return fmt ? fmt(x) : x.toFixed(digits)
}

export function formatFlops(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return ''
  return `${(v / 1e6).toFixed(2)} M`
}

/** "last result 2 s ago" heartbeat text. */
export function heartbeat(lastAt: number | undefined, now: number): string {
  if (lastAt === undefined) return 'no result yet'
  const s = Math.max(0, Math.round((now - lastAt) / 1000))
  return `last result ${s} s ago`
}
