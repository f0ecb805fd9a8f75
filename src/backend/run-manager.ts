/**
 * Job supervisor: runs searches. For each active run it owns one
 * `SearchSession` (search-session.ts: the engine's deterministic ask/tell
 * strategy, run HERE in the supervisor) scoring through one worker pool (the
 * `Scorer`) into the run store (store-sink.ts).
 *
 * The session guarantees seeds, resume (reuse stored evaluations, score only
 * the missing ones), cancel (in-flight results discarded, finished ones kept)
 * and the fatal/per-architecture error split; this file adds:
 *  - the run lifecycle in the store (running → finished / cancelled /
 *    interrupted / failed) and its contract events, throttled (throttle.ts);
 *  - cancel kills the run's workers (honoured within one architecture);
 *  - a configuration-level error from a worker fails the run with that typed
 *    error; per-architecture errors become failed rows (logged).
 */
import { ServiceError } from '../shared/client'
import type { GroundTruth } from '../engine/core/data'
import type { EventPayload } from '../shared/contract'
import type { EventName } from '../shared/methods'
import { errorToData } from '../shared/dispatch'
import type { RunConfig, RunSummary, Versions } from '../shared/schemas'
import type { EnginePort } from './engine-port'
import { sha256Path } from './hashing'
import { WorkerPool } from './pool'
import { SearchSession, type SearchSessionOptions } from './search-session'
import type { Scorer } from './scorer'
import { storeSink } from './store-sink'
import type { RunRecord, RunStore } from './store'
import { EventThrottle } from './throttle'
import { runStats, runStatsCache } from './run-stats'
import type { WorkerHandle, WorkerHost } from './worker-host'

export interface RunManagerDeps {
  store: RunStore
  engine: EnginePort
  host: WorkerHost
  /** publishes a contract event (validated by the receiving client) */
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void
  defaultWorkers: number
  versions: Omit<Versions, 'backend'> & { backend?: string }
  /** called whenever the set of active runs or their progress changes (Electron: taskbar, power blocker, notifications) */
  onActivity?: (a: { active: number; fraction: number | null; ended?: RunSummary }) => void
  /** throttle interval (ms) of progress events; default 300 */
  eventIntervalMs?: number
  /** where idle workers of a finished run go (kept warm); absent = killed */
  recycle?: (h: WorkerHandle) => void
  /** the run's scorer on a Redis cluster (src/backend/cluster/compute.ts), or null to score in `pool` */
  clusterScorer?: (runId: string, config: RunConfig, request: SearchSessionOptions['request'], log: (line: string) => void) => Promise<Scorer | null>
}

interface ActiveRun {
  id: string
  config: RunConfig
  proxies: string[]
  pool: WorkerPool
  /** set when the run scores on a Redis cluster instead of `pool` */
  cluster: Scorer | null
  session: SearchSession | null
  gt: GroundTruth | null
  throttle: EventThrottle
  cancelled: boolean
  /** stopped by shutdown(): the run becomes 'interrupted' (resumable), not 'cancelled' */
  interruptOnly: boolean
  startedAt: number
  /** last time (ms) scoring time was added to the store's active total */
  activeMark: number
  doneAtStart: number
  finished: Promise<void>
}

let idCounter = 0
function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return `run-${t}-${(process.pid % 1000).toString().padStart(3, '0')}${(idCounter++ % 1000).toString().padStart(3, '0')}${Math.random().toString(36).slice(2, 6)}`
}

export class RunManager {
  private readonly active = new Map<string, ActiveRun>()
  private readonly statsMemo = runStatsCache()

  constructor(private readonly deps: RunManagerDeps) {}

  activeIds(): string[] {
    return [...this.active.keys()]
  }

  /** pids of a run's live workers (diagnostics, crash tests) */
  workerPids(id: string): number[] {
    return this.active.get(id)?.pool.pids() ?? []
  }

  /** resolves when the run's loop has stopped (finished, failed or cancelled) */
  async whenStopped(id: string): Promise<void> {
    await this.active.get(id)?.finished
  }

  async start(config: RunConfig): Promise<RunSummary> {
    const { store, engine } = this.deps
    const cfg: RunConfig = { ...config, workers: config.workers ?? this.deps.defaultWorkers }
    engine.validate(cfg)
    const hashes: Record<string, string> = {}
    if ('path' in cfg.dataset) hashes.dataset = await sha256Path(cfg.dataset.path)
    if (cfg.groundTruth) hashes.groundTruth = await sha256Path(cfg.groundTruth.path)
    const total = engine.createSearch(cfg).strategy.total() // also validates strategy options
    const id = newRunId()
    store.createRun({
      id,
      name: cfg.name ?? `${cfg.strategy}-${cfg.proxy.mode === 'single' ? cfg.proxy.id : cfg.proxy.ids.join('+')} on ${cfg.space}`,
      config: cfg,
      total,
      versions: { backend: 'unknown', ...this.deps.versions },
      hashes,
      status: 'running',
    })
    this.launch(store.require(id), null)
    return this.summary(id)
  }

  async resume(id: string): Promise<RunSummary> {
    const rec = this.deps.store.require(id)
    if (this.active.has(id) || rec.status === 'running') throw new ServiceError('CONFLICT', `run '${id}' is already running`, { id })
    if (rec.status === 'finished') throw new ServiceError('CONFLICT', `run '${id}' has finished; nothing to resume`, { id })
    this.deps.store.setStatus(id, 'running')
    this.log(id, 'info', 'resume', `resuming (${this.deps.store.counts(id).done}/${rec.total} evaluations stored)`)
    this.launch(this.deps.store.require(id), this.deps.store.latestCheckpoint(id))
    return this.summary(id)
  }

  async cancel(id: string): Promise<RunSummary> {
    const rec = this.deps.store.require(id)
    const run = this.active.get(id)
    if (!run) {
      if (rec.status === 'interrupted' || rec.status === 'queued') {
        this.deps.store.setStatus(id, 'cancelled')
        this.log(id, 'info', 'status', 'cancelled')
      }
      return this.summary(id)
    }
    run.cancelled = true
    run.session?.cancel()
    run.pool.close()
    await run.finished
    return this.summary(id)
  }

  /** Stops every active run's workers and marks those runs interrupted (graceful shutdown). */
  async shutdown(): Promise<void> {
    const runs = [...this.active.values()]
    for (const r of runs) {
      r.cancelled = true
      r.interruptOnly = true
      r.session?.cancel()
      r.pool.close()
    }
    await Promise.all(runs.map((r) => r.finished))
  }

  summary(id: string): RunSummary {
    const { store } = this.deps
    const rec = store.require(id)
    const { done, failed } = store.counts(id)
    return {
      id: rec.id,
      name: rec.name,
      status: rec.status,
      config: rec.config,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      done,
      failed,
      total: rec.total,
      best: rec.bestIndex === null ? null : store.getEvaluation(id, rec.bestIndex),
      versions: rec.versions,
      notes: rec.notes,
      error: rec.error,
      timing: { ...rec.timing, activeSeconds: rec.timing.activeSeconds + this.unbookedSeconds(id) },
      stats: this.statsMemo(id, `${done}|${rec.status}`, () => {
        const members = this.deps.engine.proxyIds(rec.config)
        return runStats(store.allEvaluations(id), members, rec.config.proxy.mode === 'voting' || members.length > 1)
      }),
    }
  }

  /** scoring seconds of an active run not yet added to the store (since its last group) */
  private unbookedSeconds(id: string): number {
    const run = this.active.get(id)
    return run ? Math.max(0, (Date.now() - run.activeMark) / 1000) : 0
  }

  /** Adds the scoring time since the last call to the store (per group and when the loop stops). */
  private bookActive(run: ActiveRun): void {
    const t = Date.now()
    this.deps.store.addActiveSeconds(run.id, (t - run.activeMark) / 1000)
    run.activeMark = t
  }

  // ------------------------------------------------------------------ internals

  private log(id: string, level: 'debug' | 'info' | 'warn' | 'error', kind: string, message: string, data?: unknown): void {
    const entry = this.deps.store.appendEvent(id, level, kind, message, data)
    this.deps.emit('run.log', { runId: id, entry })
  }

  private launch(rec: RunRecord, checkpoint: { told: number; state: unknown } | null): void {
    const { engine, store } = this.deps
    const config = rec.config
    const id = rec.id
    const run: ActiveRun = {
      id,
      config,
      proxies: engine.proxyIds(config),
      pool: new WorkerPool(this.deps.host, config.workers ?? this.deps.defaultWorkers, {
        onWorkerExit: (pid, code, signal, hadJob) => {
          if (hadJob && !run.cancelled) this.log(id, 'warn', 'worker', `worker ${pid} died (${signal ?? `code ${code}`}) while scoring; retrying once`)
        },
      }),
      cluster: null,
      session: null,
      gt: null,
      throttle: null as unknown as EventThrottle,
      cancelled: false,
      interruptOnly: false,
      startedAt: Date.now(),
      activeMark: Date.now(),
      doneAtStart: store.counts(id).done,
      finished: Promise.resolve(),
    }
    run.throttle = new EventThrottle(
      {
        evaluated: (rows) => this.deps.emit('run.evaluated', { runId: id, rows }),
        best: (row) => this.deps.emit('run.best', { runId: id, row }),
        progress: () => this.emitProgress(run),
      },
      this.deps.eventIntervalMs,
    )
    this.active.set(id, run)
    store.markLaunched(id)
    this.notifyActivity()
    run.finished = (async () => {
      try {
        if (config.groundTruth) run.gt = engine.loadGroundTruth(config.groundTruth.path, config.space)
        if (this.deps.clusterScorer) {
          const c = run.config
          const request = { space: c.space, proxies: run.proxies, dataset: c.dataset, batchSize: c.batchSize, init: c.init, mode: c.mode, proxyOptions: c.proxyOptions }
          run.cluster = await this.deps.clusterScorer(id, c, request, (line) => this.log(id, 'info', 'cluster', line))
        }
        run.session = this.createSession(run, checkpoint)
        if (!run.cancelled) await run.session.run()
        run.throttle.flushNow()
        this.bookActive(run)
        if (run.cancelled) {
          const interruptOnly = run.interruptOnly
          if (!interruptOnly) store.markEnded(id)
          store.setStatus(id, interruptOnly ? 'interrupted' : 'cancelled')
          this.log(id, 'info', 'status', interruptOnly ? 'interrupted (shutdown)' : 'cancelled')
          if (!interruptOnly) this.deps.emit('run.finished', { runId: id, summary: this.summary(id) })
        } else {
          store.markEnded(id)
          store.setStatus(id, 'finished')
          this.log(id, 'info', 'status', 'finished')
          this.deps.emit('run.finished', { runId: id, summary: this.summary(id) })
        }
      } catch (e) {
        run.throttle.flushNow()
        this.bookActive(run)
        store.markEnded(id)
        const error = errorToData(e)
        store.setStatus(id, 'failed', error)
        this.log(id, 'error', 'status', `failed: ${error.message}`, error)
        this.deps.emit('run.failed', { runId: id, error, summary: this.summary(id) })
      } finally {
        run.throttle.dispose()
        run.pool.close(run.cancelled ? undefined : this.deps.recycle)
        run.cluster?.close()
        this.active.delete(id)
        this.notifyActivity(this.summary(id))
      }
    })()
  }

  private createSession(run: ActiveRun, checkpoint: { state: unknown } | null): SearchSession {
    const { engine, store } = this.deps
    const { strategy, hashOf } = engine.createSearch(run.config)
    if (checkpoint) strategy.restore(checkpoint.state as Parameters<typeof strategy.restore>[0])
    const c = run.config
    return new SearchSession({
      strategy,
      hashOf,
      request: { space: c.space, proxies: run.proxies, dataset: c.dataset, batchSize: c.batchSize, init: c.init, mode: c.mode, proxyOptions: c.proxyOptions },
      runSeed: c.seed,
      scorer: run.cluster ?? run.pool,
      sink: storeSink({
        store,
        runId: run.id,
        config: c,
        gt: run.gt,
        onRow: (row, rec) => {
          if (rec.backend && store.getRun(run.id)?.versions.backend === 'unknown') this.recordBackend(run.id, rec.backend, rec.adapter)
          if (row.error) this.log(run.id, 'warn', 'evaluation', `evaluation ${row.index} failed: ${row.error.message}`, row.error)
          run.throttle.addRow(row)
        },
      }),
      onGroup: (g) => {
        this.bookActive(run)
        const best = g.bestChanged && g.bestIndex !== null ? store.getEvaluation(run.id, g.bestIndex) : null
        if (best) run.throttle.setBest(best)
        run.throttle.touch()
        this.notifyActivity()
      },
    })
  }

  private recordBackend(id: string, backend: string, adapter?: string): void {
    this.deps.store.setBackend(id, backend, adapter)
  }

  private emitProgress(run: ActiveRun): void {
    const { done, failed } = this.deps.store.counts(run.id)
    const launchSeconds = (Date.now() - run.startedAt) / 1000
    const newDone = done - run.doneAtStart
    const rate = launchSeconds > 0 ? newDone / launchSeconds : 0
    const rec = this.deps.store.require(run.id)
    const total = rec.total
    this.deps.emit('run.progress', {
      runId: run.id,
      done,
      failed,
      total,
      rate,
      // active scoring time over every launch (not wall time since creation: downtime and pauses excluded)
      elapsed: rec.timing.activeSeconds + this.unbookedSeconds(run.id),
      eta: rate > 0 ? Math.max(0, (total - done) / rate) : null,
    })
  }

  private notifyActivity(ended?: RunSummary): void {
    if (!this.deps.onActivity) return
    let done = 0
    let total = 0
    for (const r of this.active.values()) {
      done += this.deps.store.counts(r.id).done
      total += this.deps.store.require(r.id).total
    }
    this.deps.onActivity({ active: this.active.size, fraction: total > 0 ? done / total : null, ended })
  }
}
