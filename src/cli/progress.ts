import type { CliIO } from './io'

/** Formats seconds as 1h02m, 4m05s or 12.3s. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?'
  if (s < 60) return `${s.toFixed(1)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

/** One progress line: `[#######.............] 35/200  17%  1.84 s/arch  ETA 5m03s`. */
export function progressLine(done: number, total: number, elapsed: number, eta: number, width = 24): string {
  const frac = total === 0 ? 1 : done / total
  const fill = Math.round(frac * width)
  const rate = done > 0 ? elapsed / done : NaN
  return `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${String(Math.floor(frac * 100)).padStart(3)}%  ${
    Number.isFinite(rate) ? rate.toFixed(2) : '?'
  } s/arch  ETA ${formatDuration(eta)}`
}

/**
 * Progress on stderr: redrawn in place on a terminal; otherwise one line at
 * most every `everySeconds` (and always the last one), so logs stay short.
 */
export function createProgress(io: CliIO, everySeconds = 10): {
  update(done: number, total: number, elapsed: number, eta: number): void
  end(): void
} {
  let lastPrinted = -Infinity
  let drawn = false
  return {
    update(done, total, elapsed, eta) {
      const line = progressLine(done, total, elapsed, eta)
      if (io.errIsTTY) {
        io.err(`\r${line}`)
        drawn = true
      } else if (done === total || elapsed - lastPrinted >= everySeconds) {
        io.err(`${line}\n`)
        lastPrinted = elapsed
      }
    },
    end() {
      if (drawn) io.err('\n')
    },
  }
}
