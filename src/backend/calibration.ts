/**
 * Calibration scorings (`calibration.start | get | cancel`): before a run
 * starts, score ONE architecture exactly as the run's evaluation 0 would be
 * scored — the strategy's first candidate, seed `evaluationSeed(runSeed, 0)`,
 * the run's proxies, dataset, batch and init — in a worker process of the same
 * `WorkerHost` as runs, and report its seconds.
 *
 * Guarantees:
 *  - `start` validates the configuration like `runs.start` (INVALID_OPTION
 *    naming the field) before anything is spawned; it returns at once (state
 *    'running') and the client polls `get`;
 *  - at most one calibration runs at a time: a new `start` cancels the running
 *    one (the wizard re-measures after a change);
 *  - `cancel` kills the worker (honoured at once, nothing is stored); a
 *    finished calibration is returned unchanged;
 *  - a scoring error becomes state 'failed' with its typed error (e.g.
 *    OUT_OF_MEMORY naming batch and resolution), never a rejected call;
 *  - the last 16 calibrations are kept for `get`; an unknown id is NOT_FOUND;
 *  - given a host that spawns fresh processes (the app passes its base host, not the recycling one), the
 *    scoring is a first scoring in a fresh worker and `peakRssGB` (Linux: VmHWM) is this scoring's own.
 */
import fs from 'node:fs'
import os from 'node:os'
import { ServiceError } from '../shared/client'
import type { Calibration } from '../shared/calibration-schema'
import type { RunConfig } from '../shared/schemas'
import { secondsAtBatch } from '../shared/projection'
import { getSpaceDef } from '../engine/spaces/registry'
import type { EnginePort } from './engine-port'
import { WorkerPool } from './pool'
import { evaluationSeed } from './seeds'
import type { WorkerHandle, WorkerHost } from './worker-host'

const KEEP = 16

/** A live process's peak resident memory in GiB (Linux /proc VmHWM); null elsewhere or when it cannot be read. */
function peakRssGB(pid: number | undefined): number | null {
  if (pid === undefined) return null
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 2 ** 20 : null
  } catch {
    return null
  }
}

interface Entry {
  cal: Calibration
  t0: number
  pool: WorkerPool | null
}

export interface CalibrationDeps {
  engine: EnginePort
  host: WorkerHost
  /** where the idle worker goes afterwards (kept warm for the run); absent = killed */
  recycle?: (h: WorkerHandle) => void
}

let counter = 0

export class CalibrationService {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly deps: CalibrationDeps) {}

  /** Validates `config`, starts the scoring of its evaluation 0 and returns the running calibration. */
  start(config: RunConfig): Calibration {
    const { engine } = this.deps
    engine.validate(config)
    const candidate = engine.createSearch(config).strategy.ask(1)[0]
    if (candidate === undefined) throw new ServiceError('INVALID_OPTION', `calibration: the strategy '${config.strategy}' proposes no architecture for this configuration (n = ${config.n})`, { field: 'strategy' })
    for (const e of this.entries.values()) if (e.cal.state === 'running') this.stop(e, 'cancelled')
    const proxies = engine.proxyIds(config)
    const measured = getSpaceDef(config.space).protocol?.measured
    const id = `cal-${Date.now().toString(36)}-${(counter++).toString(36)}`
    const cal: Calibration = {
      id, state: 'running', space: config.space, arch: candidate.arch, batchSize: config.batchSize, proxies,
      startedAt: new Date().toISOString(), elapsedSeconds: 0,
      expectedSeconds: measured === undefined ? null : secondsAtBatch(measured, config.batchSize).seconds,
      secondsPerArch: null, totalSeconds: null, peakRssGB: null, backend: null, error: null,
      machine: { cores: Math.max(1, os.availableParallelism()), memoryGB: os.totalmem() / 1e9 },
    }
    const entry: Entry = { cal, t0: performance.now(), pool: new WorkerPool(this.deps.host, 1) }
    this.entries.set(id, entry)
    while (this.entries.size > KEEP) this.entries.delete(this.entries.keys().next().value as string)
    const request = {
      space: config.space, proxies, dataset: config.dataset, batchSize: config.batchSize, init: config.init, mode: config.mode,
      proxyOptions: config.proxyOptions, arch: candidate.arch, seed: evaluationSeed(config.seed, candidate.id),
    }
    void entry.pool!.score(request).then((r) => {
      if (entry.cal.state !== 'running') return // cancelled meanwhile
      if (r.ok) {
        entry.cal.secondsPerArch = r.outcome.seconds
        entry.cal.backend = r.outcome.backend
        entry.cal.totalSeconds = (performance.now() - entry.t0) / 1000
        entry.cal.peakRssGB = peakRssGB(entry.pool?.pids()[0])
        this.stop(entry, 'done')
      } else {
        entry.cal.error = r.error
        this.stop(entry, 'failed')
      }
    })
    return this.get(id)
  }

  /** The calibration's current state (elapsed seconds updated while it runs). */
  get(id: string): Calibration {
    const e = this.entries.get(id)
    if (e === undefined) throw new ServiceError('NOT_FOUND', `calibration '${id}' not found (it ended more than ${KEEP} calibrations ago, or the backend restarted)`, { id })
    if (e.cal.state === 'running') e.cal.elapsedSeconds = (performance.now() - e.t0) / 1000
    return structuredClone(e.cal)
  }

  /** pids of a running calibration's worker (diagnostics, tests) */
  workerPids(id: string): number[] {
    return this.entries.get(id)?.pool?.pids() ?? []
  }

  /** Cancels a running calibration (kills its worker); a finished one is returned as it is. */
  cancel(id: string): Calibration {
    const e = this.entries.get(id)
    if (e !== undefined && e.cal.state === 'running') this.stop(e, 'cancelled')
    return this.get(id)
  }

  /** Cancels whatever runs (backend shutdown). */
  close(): void {
    for (const e of this.entries.values()) if (e.cal.state === 'running') this.stop(e, 'cancelled')
  }

  private stop(e: Entry, state: Calibration['state']): void {
    e.cal.elapsedSeconds = (performance.now() - e.t0) / 1000
    e.cal.state = state
    const pool = e.pool
    e.pool = null
    // a finished worker is idle and goes back warm; a cancelled one is busy and is killed by close()
    pool?.close(state === 'done' || state === 'failed' ? this.deps.recycle : undefined)
  }
}
