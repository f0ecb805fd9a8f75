/**
 * The first line of `zsnas search` on a space with a declared paper protocol
 * (SpaceDef.protocol): the protocol's settings, the measured seconds per
 * architecture, and the projected wall time of the run — N × s/arch over the
 * scoring processes (one wasm thread each) — for the workers of this run and
 * for one process per core of this machine.
 */
import { availableParallelism } from 'node:os'
import type { SpaceProtocol } from '../engine/core/space'

const hours = (s: number): string => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`)

export interface ProjectionRun {
  n: number
  workers: number
  batchSize: number
  proxy: string
  strategy: string
  strategyOptions: Record<string, unknown>
  /** cores of this machine (default: os.availableParallelism()) */
  cores?: number
}

/** One line (no newline) describing the protocol and the projected wall time; says where the run departs from the protocol. */
export function projectionLine(spaceId: string, p: SpaceProtocol, run: ProjectionRun): string {
  const cores = run.cores ?? availableParallelism()
  const departs: string[] = []
  if (run.batchSize !== p.batchSize) departs.push(`batch ${run.batchSize}`)
  if (run.proxy !== p.proxy) departs.push(`proxy ${run.proxy}`)
  if (run.strategy !== p.strategy) departs.push(`strategy ${run.strategy}`)
  else for (const [k, v] of Object.entries(p.strategyOptions)) if (run.strategyOptions[k] !== undefined && run.strategyOptions[k] !== v) departs.push(`${k} ${String(run.strategyOptions[k])}`)
  if (run.n !== p.budget) departs.push(`N ${run.n}`)
  const opts = Object.entries(p.strategyOptions).map(([k, v]) => `${k} ${String(v)}`).join(', ')
  let line = `${spaceId} protocol (${p.source}): batch ${p.batchSize}, ${p.proxy}, ${p.strategy} (${opts}), N ${p.budget}` +
    (departs.length > 0 ? `; this run: ${departs.join(', ')}` : '')
  if (p.measured !== undefined) {
    const m = p.measured
    // scoring time grows linearly with the batch (every map scales with it); a different batch is an extrapolation and says so
    const s = (m.secondsPerArch * run.batchSize) / m.batchSize
    const total = run.n * s
    line += `; measured ${m.secondsPerArch.toFixed(0)} s/arch at batch ${m.batchSize} (${m.where})` +
      (run.batchSize !== m.batchSize ? ` → ≈ ${s.toFixed(0)} s/arch at batch ${run.batchSize} (extrapolated, linear in batch)` : '') +
      ` → N ${run.n} projected ${hours(total / run.workers)} on ${run.workers} worker${run.workers === 1 ? '' : 's'}` +
      (cores > run.workers ? `, ${hours(total / cores)} with --workers ${cores} (one per core, if memory allows ≈ 4 GB each)` : '')
  }
  return line
}
