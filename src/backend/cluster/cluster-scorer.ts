/**
 * `ClusterScorer`: the `Scorer` (../scorer.ts) that sends each evaluation to
 * a BullMQ queue on Redis, where `zsnas worker` processes on any machine
 * score it (worker.ts).
 *
 * Guarantees:
 *  - job ids are deterministic (job-id.ts): adding an evaluation again is
 *    deduplicated by BullMQ, and a new session of the same run (resume)
 *    reuses results already completed in Redis — only missing ones are scored;
 *  - results are keyed by evaluation index: `score` for an index already
 *    asked returns the same promise, and a result delivered twice (BullMQ is
 *    at-least-once) resolves it once; a result of another protocol version or
 *    of another index is ignored;
 *  - a job that failed in an EARLIER session (a failed job, or a result that
 *    is a scoring failure) is removed and added again once (a fixed worker
 *    gets another chance; successful results are reused); one that fails in this session
 *    resolves `{ ok: false }` with the worker's typed error (a worker that
 *    died twice on it: WORKER_CRASHED, as in the local pool);
 *  - Redis going away pauses the run: every pending job is polled until
 *    Redis answers again, and jobs Redis lost (restart without persistence)
 *    are added again — nothing resolves as failed because Redis was down;
 *  - `close()` resolves every pending evaluation CANCELLED and removes this
 *    run's jobs that no worker has started (running ones finish and stay in
 *    Redis for a resume); `whenClosed()` settles when connections are closed;
 *  - `score` never rejects (the `Scorer` contract).
 */
import { Job, Queue, QueueEvents, type JobsOptions } from 'bullmq'
import type { RedisOptions } from 'bullmq'
import type { ScoreRequest } from '../../engine/score/score'
import { ERROR_CODES, type ServiceErrorData } from '../../shared/schemas'
import { fromWireOutcome } from '../../worker/protocol'
import type { ScoreAttempt, ScoreContext, Scorer } from '../scorer'
import { clusterJobId } from './job-id'
import { ClusterResultSchema, KEY_PREFIX, PROTOCOL_VERSION, QUEUE_NAME, type ClusterJob, type DatasetRef } from './protocol'

export interface ClusterScorerOptions {
  connection: RedisOptions
  /** the run's key: part of every job id (the CLI: hash of the search config; the app: the run id) */
  run: string
  /** content hash of the run's dataset (dataset-ref.ts `datasetRef`) */
  dataset: DatasetRef
  /** evaluations in flight at once (the session asks the strategy for this many) */
  size: number
  /** how often pending jobs are checked (ms); completions are also pushed by QueueEvents (default 500) */
  pollMs?: number
  /** how long finished jobs stay in Redis for dedup and resume (s, default 7 days) */
  retentionSeconds?: number
  /** 'redis-down' / 'redis-up' / 'requeued' (a job Redis lost was added again) */
  onEvent?: (e: { type: 'redis-down' | 'redis-up' | 'requeued'; message: string }) => void
}

interface Pending {
  id: string
  index: number
  data: ClusterJob
  resolve: (r: ScoreAttempt) => void
  /** an add is in flight (the poll does not re-add meanwhile) */
  adding: boolean
  /** a failure found in Redis from before this scorer opened was cleared once (an earlier session's) */
  retriedOld: boolean
}

const CANCELLED: ServiceErrorData = { code: 'CANCELLED', message: 'search cancelled' }
const STALLED = /stalled more than allowable limit/i

/** The worker's failure reason (`CODE: message`) as typed error data. */
export function failureToError(reason: string | undefined): ServiceErrorData {
  const text = reason ?? 'failed without a reason'
  if (STALLED.test(text)) {
    return { code: 'WORKER_CRASHED', message: `the scoring worker died twice on this architecture (BullMQ: ${text})` }
  }
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(text)
  if (m && (ERROR_CODES as readonly string[]).includes(m[1])) return { code: m[1] as ServiceErrorData['code'], message: m[2] }
  return { code: 'INTERNAL', message: text }
}

/** True for a finished job whose result is a scoring failure (`ok: false`) rather than scores. */
function isFailureResult(value: unknown): boolean {
  const parsed = ClusterResultSchema.safeParse(value)
  return parsed.success && !parsed.data.ok
}

export class ClusterScorer implements Scorer {
  readonly size: number
  private readonly queue: Queue
  private readonly events: QueueEvents
  private readonly pending = new Map<string, Pending>()
  private readonly byIndex = new Map<number, Promise<ScoreAttempt>>()
  /** adds in flight (close waits for them, so no job is added after its removal) */
  private readonly adds = new Set<Promise<void>>()
  private readonly jobOpts: JobsOptions
  private readonly timer: NodeJS.Timeout
  private polling = false
  private readonly openedAt = Date.now()
  private redisDown = false
  private closed = false
  private closing: Promise<void> | null = null

  constructor(private readonly o: ClusterScorerOptions) {
    if (!Number.isInteger(o.size) || o.size < 1) throw new RangeError(`cluster in-flight size must be a positive integer, got ${o.size}`)
    this.size = o.size
    const age = o.retentionSeconds ?? 7 * 24 * 3600
    // attempts 2: a worker refusing the job (dataset) leaves one more try to another; stalls are counted by the workers
    this.jobOpts = { attempts: 2, removeOnComplete: { age }, removeOnFail: { age } }
    this.queue = new Queue(QUEUE_NAME, { connection: o.connection, prefix: KEY_PREFIX })
    this.queue.on('error', () => this.markDown('queue connection lost'))
    this.events = new QueueEvents(QUEUE_NAME, { connection: o.connection, prefix: KEY_PREFIX })
    this.events.on('error', () => this.markDown('event connection lost'))
    // a completion carries its return value: settled from the event, without a round trip (the poll is the fallback)
    this.events.on('completed', ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
      const p = this.pending.get(jobId)
      if (p) this.settleResult(p, returnvalue, 1)
    })
    this.events.on('failed', ({ jobId }: { jobId: string }) => {
      const p = this.pending.get(jobId)
      if (p) void this.check(p)
    })
    this.timer = setInterval(() => void this.pollAll(), o.pollMs ?? 500)
  }

  score(req: ScoreRequest, ctx?: ScoreContext): Promise<ScoreAttempt> {
    if (this.closed) return Promise.resolve({ ok: false, error: CANCELLED, attempts: 0 })
    if (!ctx) return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'ClusterScorer.score needs the evaluation index (ScoreContext)' }, attempts: 0 })
    const known = this.byIndex.get(ctx.index)
    if (known) return known
    const id = clusterJobId(this.o.run, ctx.index, req, this.o.dataset)
    const data: ClusterJob = { protocol: PROTOCOL_VERSION, run: this.o.run, index: ctx.index, request: req, dataset: this.o.dataset }
    const p = new Promise<ScoreAttempt>((resolve) => {
      const entry: Pending = { id, index: ctx.index, data, resolve, adding: true, retriedOld: false }
      this.pending.set(id, entry)
      this.track(this.submit(entry))
    })
    this.byIndex.set(ctx.index, p)
    return p
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.timer)
    const ids = [...this.pending.keys()]
    for (const p of this.pending.values()) p.resolve({ ok: false, error: CANCELLED, attempts: 0 })
    this.pending.clear()
    this.closing = (async () => {
      // remove what no worker has started, after the adds in flight; bounded, so a dead Redis cannot hang the cancel
      const removeAll = Promise.all([...this.adds]).then(() => Promise.all(ids.map((id) => this.queue.remove(id).catch(() => 0))))
      await Promise.race([removeAll, new Promise((r) => setTimeout(r, 5000).unref())])
      await Promise.allSettled([this.events.close(), this.queue.close()])
    })()
  }

  /** Settles when `close()` has removed the waiting jobs and closed the connections. */
  whenClosed(): Promise<void> {
    return this.closing ?? Promise.resolve()
  }

  private track(p: Promise<void>): void {
    this.adds.add(p)
    void p.finally(() => this.adds.delete(p))
  }

  private markDown(message: string): void {
    if (this.closed || this.redisDown) return
    this.redisDown = true
    this.o.onEvent?.({ type: 'redis-down', message: `Redis unreachable (${message}); the run waits` })
  }

  private markUp(): void {
    if (!this.redisDown) return
    this.redisDown = false
    this.o.onEvent?.({ type: 'redis-up', message: 'Redis is back; the run continues' })
  }

  /**
   * First add of an evaluation. An existing job with this id is left as it is (BullMQ deduplicates): a completed one
   * is settled by the next check, an earlier session's failure is cleared there (see `check`).
   */
  private async submit(p: Pending): Promise<void> {
    try {
      await this.queue.add('score', p.data, { ...this.jobOpts, jobId: p.id })
      this.markUp()
    } catch {
      this.markDown('add failed')
    } finally {
      p.adding = false
    }
    void this.check(p) // a job already finished in Redis (resume, an identical run) sends no new event
  }

  private async pollAll(): Promise<void> {
    if (this.polling || this.closed || this.pending.size === 0) return
    this.polling = true
    try {
      await Promise.all([...this.pending.values()].map((p) => this.check(p)))
    } finally {
      this.polling = false
    }
  }

  /** One pending job: settle it when finished, add it again when Redis lost it. */
  private async check(p: Pending): Promise<void> {
    if (p.adding || !this.pending.has(p.id)) return
    try {
      const state = await this.queue.getJobState(p.id)
      this.markUp()
      if (state === 'completed' || state === 'failed') {
        const job = await Job.fromId(this.queue, p.id)
        const earlier = job !== undefined && !p.retriedOld && (job.finishedOn ?? 0) < this.openedAt
        // the result is parsed here only for jobs of an earlier session; this session's are parsed once, in settle
        if (job && earlier && (state === 'failed' || isFailureResult(job.returnvalue))) {
          // failed in an earlier session (a worker without the dataset, one whose scoring processes could not start,
          // a crash or OOM returned as an ok:false result): give it one new chance, as a new local run would
          p.retriedOld = true
          p.adding = true
          try {
            await job.remove()
            await this.queue.add('score', p.data, { ...this.jobOpts, jobId: p.id })
          } finally {
            p.adding = false
          }
          return
        }
        if (job) this.settle(p, job, state)
      } else if (state === 'unknown' && this.pending.has(p.id) && !p.adding) {
        p.adding = true
        const add = this.queue.add('score', p.data, { ...this.jobOpts, jobId: p.id }).then(() => {
          this.o.onEvent?.({ type: 'requeued', message: `evaluation ${p.index}: job ${p.id} was lost by Redis; added again` })
        })
        this.track(add.catch(() => {}))
        try {
          await add
        } finally {
          p.adding = false
        }
      }
    } catch {
      this.markDown('poll failed')
    }
  }

  /** Resolves a pending evaluation once from its finished job (later deliveries find it gone). */
  private settle(p: Pending, job: Job, state: 'completed' | 'failed'): void {
    if (this.pending.get(p.id) !== p) return
    const attempts = Math.max(1, job.attemptsStarted ?? job.attemptsMade ?? 1)
    if (state === 'completed') return this.settleResult(p, job.returnvalue, attempts)
    this.pending.delete(p.id)
    p.resolve({ ok: false, error: failureToError(job.failedReason), attempts })
  }

  /** Resolves a pending evaluation once from a job's return value (from the job or its completion event). */
  private settleResult(p: Pending, value: unknown, knownAttempts: number): void {
    if (this.pending.get(p.id) !== p) return
    let attempt: ScoreAttempt
    const parsed = ClusterResultSchema.safeParse(value)
    const attempts = Math.max(knownAttempts, parsed.success ? (parsed.data.attempt ?? 1) : 1)
    if (!parsed.success || parsed.data.protocol !== PROTOCOL_VERSION || parsed.data.index !== p.index) {
      attempt = { ok: false, error: { code: 'INTERNAL', message: `job ${p.id}: malformed or foreign result (protocol ${PROTOCOL_VERSION}, index ${p.index} expected)` }, attempts }
    } else if (parsed.data.ok) {
      const { by } = parsed.data
      attempt = { ok: true, outcome: { ...fromWireOutcome(parsed.data.outcome), backend: by.backend, host: by.host, ...(by.adapter ? { adapter: by.adapter } : {}) }, attempts }
    } else {
      attempt = { ok: false, error: parsed.data.error, attempts, host: parsed.data.by.host }
    }
    this.pending.delete(p.id)
    p.resolve(attempt)
  }
}
