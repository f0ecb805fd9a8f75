/**
 * Projected wall time of a search from a measured scoring time — the one
 * arithmetic behind `zsnas search`'s first line (src/cli/projection.ts) and the
 * wizard's summary (renderer). Runtime-neutral: no Node, no DOM; the caller
 * passes the machine's cores (and memory).
 *
 * Model (stated, not hidden): scoring processes run one wasm thread each and
 * do not share work, so a run of N architectures on K processes takes
 * N × s/arch ÷ K (the strategy's own time is negligible next to a scoring).
 * A workstation runs K = min(cores, ⌊memory ÷ peak RSS of one process⌋)
 * processes (each scoring process holds its whole peak at once).
 * A measurement at another batch is scaled linearly in the batch (every
 * activation map scales with it) and the text says it is an extrapolation.
 */
import type { SpaceProtocol } from '../engine/core/space'

/** The workstation the issue's goal names (#18): 16 cores, 64 GB. */
export const REFERENCE_WORKSTATION = { cores: 16, memoryGB: 64 } as const

/** "3.1 h" from 1 h up, else whole minutes ("10 min"); seconds under a minute as "42 s". */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–'
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`
  if (s >= 60) return `${Math.round(s / 60)} min`
  return `${Math.round(s)} s`
}

/** N × s/arch ÷ processes, in seconds. Throws RangeError for a non-positive count (a programming error, not a user's). */
export function projectedSeconds(n: number, secondsPerArch: number, processes: number): number {
  if (!(processes >= 1)) throw new RangeError(`projectedSeconds: processes must be ≥ 1, got ${processes}`)
  return (n * secondsPerArch) / processes
}

/** Scoring processes a machine runs at once: min(cores, ⌊memory ÷ peak RSS⌋), at least 1; `limitedBy` says which bound won. */
export function processesFor(m: { cores: number; memoryGB?: number; peakRssGB?: number }): { processes: number; byMemory: number | null; limitedBy: 'cores' | 'memory' } {
  const byMemory = m.memoryGB !== undefined && m.peakRssGB !== undefined && m.peakRssGB > 0 ? Math.floor(m.memoryGB / m.peakRssGB) : null
  const cores = Math.max(1, Math.floor(m.cores))
  if (byMemory !== null && byMemory < cores) return { processes: Math.max(1, byMemory), byMemory, limitedBy: 'memory' }
  return { processes: cores, byMemory, limitedBy: 'cores' }
}

/** s/arch at `batchSize` from a measurement at `measured.batchSize` (linear in the batch); `extrapolated` when the batches differ. */
export function secondsAtBatch(measured: { secondsPerArch: number; batchSize: number }, batchSize: number): { seconds: number; extrapolated: boolean } {
  return { seconds: (measured.secondsPerArch * batchSize) / measured.batchSize, extrapolated: batchSize !== measured.batchSize }
}

/** One workstation's projection: its process count (and why) and the wall time of N. */
export interface WorkstationProjection {
  cores: number
  memoryGB: number
  peakRssGB: number | null
  processes: number
  limitedBy: 'cores' | 'memory'
  seconds: number
}

/** N at `secondsPerArch` on a workstation (default: the issue's 16 cores, 64 GB), processes by cores and memory. */
export function workstationProjection(n: number, secondsPerArch: number, peakRssGB: number | undefined, ws: { cores: number; memoryGB: number } = REFERENCE_WORKSTATION): WorkstationProjection {
  const k = processesFor({ cores: ws.cores, memoryGB: ws.memoryGB, peakRssGB })
  return { cores: ws.cores, memoryGB: ws.memoryGB, peakRssGB: peakRssGB ?? null, processes: k.processes, limitedBy: k.limitedBy, seconds: projectedSeconds(n, secondsPerArch, k.processes) }
}

/** "16 cores, 64 GB: 13 processes by memory (64 ÷ 4.62 GB) → 3.4 h" */
export function workstationText(w: WorkstationProjection, n: number): string {
  const why = w.limitedBy === 'memory' && w.peakRssGB !== null
    ? `${w.processes} processes by memory (⌊${w.memoryGB} ÷ ${w.peakRssGB.toFixed(2)} GB⌋)`
    : `${w.processes} processes, one per core${w.peakRssGB !== null ? ` (memory allows ${Math.floor(w.memoryGB / w.peakRssGB)} at ${w.peakRssGB.toFixed(2)} GB each)` : ' (peak RSS not measured: memory not checked)'}`
  return `${w.cores} cores, ${w.memoryGB} GB: ${why} → N ${n} in ${formatDuration(w.seconds)}`
}

/** What a run sets differently from the protocol, e.g. ["batch 32", "populationSize 8", "N 64"] (empty: the run follows it). */
export function protocolDepartures(p: SpaceProtocol, run: { n: number; batchSize: number; proxy: string; strategy: string; strategyOptions: Record<string, unknown> }): string[] {
  const departs: string[] = []
  if (run.batchSize !== p.batchSize) departs.push(`batch ${run.batchSize}`)
  if (run.proxy !== p.proxy) departs.push(`proxy ${run.proxy}`)
  if (run.strategy !== p.strategy) departs.push(`strategy ${run.strategy}`)
  else for (const [k, v] of Object.entries(p.strategyOptions)) if (run.strategyOptions[k] !== undefined && run.strategyOptions[k] !== v) departs.push(`${k} ${String(run.strategyOptions[k])}`)
  if (run.n !== p.budget) departs.push(`N ${run.n}`)
  return departs
}

export interface ProjectionRun {
  n: number
  workers: number
  batchSize: number
  proxy: string
  strategy: string
  strategyOptions: Record<string, unknown>
  /** cores of this machine (the caller's: os.availableParallelism() in Node, navigator.hardwareConcurrency or the backend's count in the renderer) */
  cores: number
}

/** "batch 64, sjw, re (populationSize 64, tournamentSize 10), N 5000" */
export function protocolSummary(p: SpaceProtocol): string {
  const opts = Object.entries(p.strategyOptions).map(([k, v]) => `${k} ${String(v)}`).join(', ')
  return `batch ${p.batchSize}, ${p.proxy}, ${p.strategy} (${opts}), N ${p.budget}`
}

/**
 * One line (no newline) describing the protocol and the projected wall time of
 * this run from the protocol's stored measurement: on the run's workers, with
 * one process per core of this machine, and on the reference workstation
 * (when the measurement has a peak RSS); says where the run departs from the protocol.
 */
export function projectionLine(spaceId: string, p: SpaceProtocol, run: ProjectionRun): string {
  const departs = protocolDepartures(p, run)
  let line = `${spaceId} protocol (${p.source}): ${protocolSummary(p)}` + (departs.length > 0 ? `; this run: ${departs.join(', ')}` : '')
  if (p.measured !== undefined) {
    const m = p.measured
    const { seconds: s, extrapolated } = secondsAtBatch(m, run.batchSize)
    line += `; measured ${m.secondsPerArch.toFixed(0)} s/arch at batch ${m.batchSize} (${m.where})` +
      (extrapolated ? ` → ≈ ${s.toFixed(0)} s/arch at batch ${run.batchSize} (extrapolated, linear in batch)` : '') +
      ` → N ${run.n} projected ${formatDuration(projectedSeconds(run.n, s, run.workers))} on ${run.workers} worker${run.workers === 1 ? '' : 's'}` +
      (run.cores > run.workers ? `, ${formatDuration(projectedSeconds(run.n, s, run.cores))} with --workers ${run.cores} (one per core, if memory allows${m.peakRssGB !== undefined ? ` ${m.peakRssGB.toFixed(1)} GB each` : ' ≈ 4 GB each'})` : '') +
      (m.peakRssGB !== undefined ? `; ${workstationText(workstationProjection(run.n, s, m.peakRssGB), run.n)}` : '')
  }
  return line
}
