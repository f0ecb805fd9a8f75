/**
 * Pure parts of bench/backends.ts: the workload definitions, the summary of one (backend, workload) child's
 * streamed lines (a child killed at its time cap still yields the architectures it finished), and the one
 * Markdown table. No tfjs, no processes: tested in tests/bench/backends-table.test.ts.
 */

/** One timed workload: a space, an architecture set and the proxies requested together in one scoring call. */
export interface WorkloadSet {
  /** row label, e.g. 'NB201 WRCor' */
  label: string
  /** scoreArchitecture proxies (SJW = its three members, scored in one call) */
  proxies: string[]
}

export const NB201_SETS: readonly WorkloadSet[] = [
  { label: 'NB201 WRCor', proxies: ['wrcor'] },
  { label: 'NB201 SJW', proxies: ['synflow', 'jaccor', 'wrcor'] },
  { label: 'NB201 ePADS', proxies: ['epads'] },
]
export const MBV2_SETS: readonly WorkloadSet[] = [
  { label: 'MBv2 T11 WRCor', proxies: ['wrcor'] },
  { label: 'MBv2 T11 SJW', proxies: ['synflow', 'jaccor', 'wrcor'] },
]

/** A line a bench child prints (prefixed with BENCH_MARKER). */
export type BenchLine =
  | { type: 'start'; backend: string; adapter?: string }
  | { type: 'warmup'; set: string; seconds: number }
  | { type: 'arch'; set: string; i: number; seconds: number; rssMB: number; gpuMB?: number }
  | { type: 'error'; set: string; code: string; message: string }
  | { type: 'done' }

export const BENCH_MARKER = 'BENCH '

/** Parses the BENCH lines of a child's stdout (other lines ignored; a torn last line too). */
export function parseBenchLines(stdout: string): BenchLine[] {
  const out: BenchLine[] = []
  for (const l of stdout.split('\n')) {
    if (!l.startsWith(BENCH_MARKER)) continue
    try {
      out.push(JSON.parse(l.slice(BENCH_MARKER.length)) as BenchLine)
    } catch {
      // a line cut by a kill
    }
  }
  return out
}

export interface Row {
  backend: string
  adapter?: string
  workload: string
  /** 'ok', 'timeout', 'error: …', 'not available: …', 'skipped: …' */
  status: string
  /** architectures timed */
  n: number
  /** planned architectures */
  planned: number
  /** mean seconds per architecture over the timed ones (after the warm-up) */
  meanS?: number
  /** the warm-up architecture's seconds (shader compilation, heap growth) */
  warmupS?: number
  peakRssMB?: number
  peakGpuMB?: number
}

/**
 * The rows of one child's run. `how` says how the child ended: 'exit' (normally), 'timeout' (killed at the cap)
 * or 'crash' (with its reason). Sets the child never reached are 'skipped' after a timeout or crash.
 */
export function summarise(
  backend: string,
  sets: readonly WorkloadSet[],
  planned: number,
  lines: BenchLine[],
  how: { kind: 'exit' } | { kind: 'timeout'; capS: number } | { kind: 'crash'; reason: string },
): Row[] {
  const start = lines.find((l) => l.type === 'start') as Extract<BenchLine, { type: 'start' }> | undefined
  const rows: Row[] = []
  let stopped = false
  for (const set of sets) {
    const arch = lines.filter((l): l is Extract<BenchLine, { type: 'arch' }> => l.type === 'arch' && l.set === set.label)
    const warm = lines.find((l): l is Extract<BenchLine, { type: 'warmup' }> => l.type === 'warmup' && l.set === set.label)
    const err = lines.find((l): l is Extract<BenchLine, { type: 'error' }> => l.type === 'error' && l.set === set.label)
    const row: Row = { backend, ...(start?.adapter ? { adapter: start.adapter } : {}), workload: set.label, status: 'ok', n: arch.length, planned }
    if (warm) row.warmupS = warm.seconds
    if (arch.length > 0) {
      row.meanS = arch.reduce((a, b) => a + b.seconds, 0) / arch.length
      row.peakRssMB = Math.max(...arch.map((a) => a.rssMB))
      const gpu = arch.map((a) => a.gpuMB).filter((g): g is number => typeof g === 'number')
      if (gpu.length > 0) row.peakGpuMB = Math.max(...gpu)
    }
    if (err) row.status = `error: ${err.code}: ${err.message}`
    else if (stopped) row.status = how.kind === 'timeout' ? `skipped (time cap ${how.capS} s spent)` : 'skipped (process ended)'
    else if (arch.length < planned) {
      stopped = true
      row.status = how.kind === 'timeout' ? `timeout (cap ${how.capS} s)` : how.kind === 'crash' ? `crashed: ${how.reason}` : 'incomplete'
    }
    rows.push(row)
  }
  return rows
}

const num = (x: number | undefined, digits: number): string => (x === undefined ? '–' : x.toFixed(digits))

/** One Markdown table of all rows (a row per backend × workload; unavailable backends one row each). */
export function markdownTable(rows: Row[]): string {
  const head = '| backend | adapter | workload | s/arch (mean) | archs | warm-up s | peak RSS MB | peak GPU MB | status |'
  const sep = '|---|---|---|---:|---:|---:|---:|---:|---|'
  const body = rows.map((r) =>
    [
      r.backend,
      r.adapter ?? '',
      r.workload,
      num(r.meanS, r.meanS !== undefined && r.meanS < 1 ? 3 : 2),
      r.planned > 0 ? `${r.n}/${r.planned}` : '',
      num(r.warmupS, 2),
      num(r.peakRssMB, 0),
      num(r.peakGpuMB, 0),
      r.status.replace(/\|/g, '\\|'),
    ].join(' | '),
  )
  return [head, sep, ...body.map((b) => `| ${b} |`)].join('\n')
}
