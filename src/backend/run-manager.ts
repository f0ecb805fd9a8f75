/**
 * Job supervisor: runs searches. For each active run it owns one search
 * driver (the engine's deterministic ask/tell strategy, run HERE in the
 * supervisor) and one worker pool (scoring runs in worker processes).
 *
 * Loop, per batch: ask the strategy for `workers` candidates (the batch size
 * is part of the stored config, so it is the same on resume), score them in
 * parallel, store each evaluation as soon as it finishes, and when the batch
 * is complete tell the strategy (in index order) and write its checkpoint in
 * the same transaction as the batch's last evaluation.
 *
 * Guarantees:
 *  - evaluation i is scored with `evaluationSeed(run seed, i)`;
 *  - after a crash at any moment, `resume` restores the latest checkpoint,
 *    re-asks the (deterministic) strategy, reuses every stored evaluation and
 *    scores only the missing ones → the same final evaluations as an
 *    uninterrupted run, none duplicated;
 *  - cancel kills the run's workers (honoured within one architecture);
 *    in-flight results are discarded, finished ones are kept;
 *  - events per run are throttled (see `throttle.ts`);
 *  - a configuration-level error from a worker (see RUN_FATAL) fails the run
 *    with that typed error; per-architecture errors become failed rows.
 */
import { ZsnasError } from '../engine/core/errors'
import { ServiceError } from '../shared/client'
import type { GroundTruth } from '../engine/core/data'
import type { EventPayload } from '../shared/contract'
import type { EventName } from '../shared/methods'
import { errorToData } from '../shared/dispatch'
import type { EvaluationRow, RunConfig, RunSummary, Versions } from '../shared/schemas'
import type { EnginePort, Proposal, SearchDriver } from './engine-port'
import { sha256Path } from './hashing'
import { WorkerPool } from './pool'
import { evaluationSeed } from './seeds'
import type { RunRecord, RunStore } from './store'
import { EventThrottle } from './throttle'
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
}

interface ActiveRun {
  id: string
  config: RunConfig
  proxies: string[]
  pool: WorkerPool
  driver: SearchDriver
  gt: GroundTruth | null
  throttle: EventThrottle
  cancelled: boolean
  /** stopped by shutdown(): the run becomes 'interrupted' (resumable), not 'cancelled' */
  interruptOnly: boolean
  startedAt: number
  doneAtStart: number
  finished: Promise<void>
}

/**
 * Worker error codes that concern the whole run (its dataset, options or
 * backend) rather than one architecture: they fail the run at once. Anything
 * else (INVALID_ARCH, NUMERIC, WORKER_CRASHED, INTERNAL…) is recorded as a
 * failed evaluation and the search goes on.
 */
const RUN_FATAL = new Set<string>([
  'INVALID_OPTION',
  'FILE_NOT_FOUND',
  'FILE_UNREADABLE',
  'BAD_FORMAT',
  'BAD_SHAPE',
  'BAD_LABEL',
  'EMPTY_DATASET',
  'UNSAFE_PICKLE',
  'BAD_CHECKSUM',
  'BACKEND_UNAVAILABLE',
])

let idCounter = 0
function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return `run-${t}-${(process.pid % 1000).toString().padStart(3, '0')}${(idCounter++ % 1000).toString().padStart(3, '0')}${Math.random().toString(36).slice(2, 6)}`
}

export class RunManager {
  private readonly active = new Map<string, ActiveRun>()

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
    const total = engine.createDriver(cfg).total() // also validates strategy options
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
    }
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
      driver: null as unknown as SearchDriver,
      gt: null,
      throttle: null as unknown as EventThrottle,
      cancelled: false,
      interruptOnly: false,
      startedAt: Date.now(),
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
    this.notifyActivity()
    run.finished = (async () => {
      try {
        run.driver = engine.createDriver(config)
        if (checkpoint) run.driver.restore(checkpoint.state)
        if (config.groundTruth) run.gt = engine.loadGroundTruth(config.groundTruth.path, config.space)
        await this.loop(run)
        run.throttle.flushNow()
        if (run.cancelled) {
          const interruptOnly = run.interruptOnly
          store.setStatus(id, interruptOnly ? 'interrupted' : 'cancelled')
          this.log(id, 'info', 'status', interruptOnly ? 'interrupted (shutdown)' : 'cancelled')
          if (!interruptOnly) this.deps.emit('run.finished', { runId: id, summary: this.summary(id) })
        } else {
          store.setStatus(id, 'finished')
          this.log(id, 'info', 'status', 'finished')
          this.deps.emit('run.finished', { runId: id, summary: this.summary(id) })
        }
      } catch (e) {
        run.throttle.flushNow()
        const error = errorToData(e)
        store.setStatus(id, 'failed', error)
        this.log(id, 'error', 'status', `failed: ${error.message}`, error)
        this.deps.emit('run.failed', { runId: id, error, summary: this.summary(id) })
      } finally {
        run.throttle.dispose()
        run.pool.close(run.cancelled ? undefined : this.deps.recycle)
        this.active.delete(id)
        this.notifyActivity(this.summary(id))
      }
    })()
  }

  private async loop(run: ActiveRun): Promise<void> {
    // a whole strategy group (RE parallel children) at once, so the pool keeps every worker busy when
    // candidates differ in cost; the proposals and their order do not depend on k
    const k = Math.max(run.config.workers ?? this.deps.defaultWorkers, run.driver.groupSize())
    while (!run.driver.done() && !run.cancelled) {
      const proposals = run.driver.ask(k)
      if (proposals.length === 0) break
      const complete = await this.runBatch(run, proposals)
      if (!complete) return // cancelled mid-batch: finished evaluations are stored, the checkpoint stays before this batch
    }
  }

  /** Scores one batch; returns false when cancelled before it completed. */
  private async runBatch(run: ActiveRun, proposals: Proposal[]): Promise<boolean> {
    const { store } = this.deps
    const rows: (EvaluationRow | null)[] = proposals.map((p) => {
      const existing = store.getEvaluation(run.id, p.index)
      if (existing && existing.arch !== p.arch) {
        throw new ZsnasError('INTERNAL', `resume mismatch at evaluation ${p.index}: stored '${existing.arch}', strategy proposed '${p.arch}'`)
      }
      return existing
    })
    let outstanding = rows.filter((r) => r === null).length
    let bestChanged: EvaluationRow | null = null
    /** tells the strategy (ask order) and returns the checkpoint + best-so-far to commit with the batch's last evaluation */
    const finishBatch = () => {
      const done = rows as EvaluationRow[]
      const before = run.driver.bestIndex()
      run.driver.tell(done.map((r) => ({ index: r.index, scores: r.status === 'ok' ? r.scores : null })))
      const after = run.driver.bestIndex()
      if (after !== null && after !== before) bestChanged = done.find((r) => r.index === after) ?? store.getEvaluation(run.id, after)
      return { told: run.driver.completed(), state: run.driver.checkpoint(), bestIndex: after }
    }
    if (outstanding === 0) {
      store.writeCheckpoint(run.id, finishBatch())
    } else {
      await Promise.all(
        proposals.map(async (p, j) => {
          if (rows[j] !== null) return
          const index = p.index
          const res = await run.pool.score({
            space: run.config.space,
            arch: p.arch,
            proxies: run.proxies,
            dataset: run.config.dataset,
            batchSize: run.config.batchSize,
            seed: evaluationSeed(run.config.seed, index),
            init: run.config.init,
            proxyOptions: run.config.proxyOptions,
          })
          if (!res.ok && res.error.code === 'CANCELLED') return
          if (run.cancelled) return
          if (!res.ok && RUN_FATAL.has(res.error.code)) {
            // a problem of the run's configuration (dataset, batch size, backend…), not of this architecture:
            // stop the run with the typed error instead of filling it with failed rows
            throw new ServiceError(res.error.code, `evaluation ${index} (${p.arch}): ${res.error.message}`, res.error.details)
          }
          const row: EvaluationRow = res.ok
            ? {
                index,
                arch: p.arch,
                hash: res.outcome.hash,
                status: 'ok',
                scores: res.outcome.scores,
                params: res.outcome.params,
                flops: res.outcome.flops,
                seconds: res.outcome.seconds,
                groundTruth: run.gt && run.config.groundTruth ? (run.gt.get(res.outcome.hash, run.config.groundTruth.metric) ?? null) : null,
                error: null,
                attempts: res.attempts,
                ...(p.phase === 'warmup' ? { phase: 'warmup' as const } : {}),
              }
            : {
                index,
                arch: p.arch,
                hash: p.hash,
                status: 'failed',
                scores: {},
                params: null,
                flops: null,
                seconds: 0,
                groundTruth: null,
                error: res.error,
                attempts: res.attempts,
                ...(p.phase === 'warmup' ? { phase: 'warmup' as const } : {}),
              }
          rows[j] = row
          outstanding--
          if (res.ok && store.getRun(run.id)?.versions.backend === 'unknown') this.recordBackend(run.id, res.outcome.backend)
          if (!res.ok) this.log(run.id, 'warn', 'evaluation', `evaluation ${index} failed: ${res.error.message}`, res.error)
          store.insertEvaluation(run.id, row, outstanding === 0 ? finishBatch() : undefined)
          run.throttle.addRow(row)
        }),
      )
      if (outstanding > 0) return false
    }
    if (bestChanged) run.throttle.setBest(bestChanged)
    run.throttle.touch()
    this.notifyActivity()
    return true
  }

  private recordBackend(id: string, backend: string): void {
    this.deps.store.setBackend(id, backend)
  }

  private emitProgress(run: ActiveRun): void {
    const { done, failed } = this.deps.store.counts(run.id)
    const elapsed = (Date.now() - run.startedAt) / 1000
    const newDone = done - run.doneAtStart
    const rate = elapsed > 0 ? newDone / elapsed : 0
    const total = this.deps.store.require(run.id).total
    this.deps.emit('run.progress', {
      runId: run.id,
      done,
      failed,
      total,
      rate,
      elapsed,
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
