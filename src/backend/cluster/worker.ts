/**
 * The worker side of the cluster (`zsnas worker`): takes scoring jobs from
 * the BullMQ queue and scores them in this machine's local process pool
 * (`WorkerPool` over forked score workers), so the thread that renews
 * BullMQ's job locks only waits on IPC — a busy worker is never taken for a
 * stalled one.
 *
 * Guarantees:
 *  - a job of another protocol version is failed unrecoverably with
 *    INVALID_OPTION naming both versions (no retry anywhere);
 *  - the job's dataset is mapped by content hash (dataset-ref.ts); a worker
 *    without it fails the job with BAD_CHECKSUM (retried once, possibly on a
 *    worker that has it; then the run stops with that error);
 *  - a scoring error (bad arch, numeric, a scoring process that died twice)
 *    is returned as an `ok: false` result — not retried, as in the local pool;
 *  - every result names host, pid, worker id, backend (and adapter when the
 *    engine reports one);
 *  - the worker's entry in the live list (workers.ts) is refreshed every
 *    heartbeat; `close()` lets running jobs finish (unless forced), removes
 *    the entry and stops the pool.
 */
import os from 'node:os'
import { randomBytes } from 'node:crypto'
import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { RedisOptions } from 'bullmq'
import { Redis, type RedisOptions as IORedisOptions } from 'ioredis'
import type { ScoreOutcome } from '../../worker/protocol'
import { toWireOutcome } from '../../worker/protocol'
import { WorkerPool } from '../pool'
import { forkHost, scoreWorkerEntry, type WorkerHost } from '../worker-host'
import { HashMemo, resolveDataset } from './dataset-ref'
import { ClusterJobSchema, KEY_PREFIX, PROTOCOL_VERSION, QUEUE_NAME, type ClusterResult, type ScoredBy } from './protocol'
import { publishWorker, unpublishWorker, type WorkerInfo } from './workers'
import { ZsnasError } from '../../engine/core/errors'

export interface ClusterWorkerOptions {
  connection: RedisOptions
  /** jobs scored at once = scoring processes (default 1) */
  concurrency?: number
  /** where this machine keeps datasets (matched by content hash) */
  dataRoot?: string | null
  /** how scoring processes are spawned (default: forked src/worker/score-worker.ts) */
  processHost?: WorkerHost
  /** name shown in results and the worker list (default os.hostname()) */
  hostname?: string
  /** BullMQ lock duration (ms, default 30000): a job whose worker stops renewing is stalled after this */
  lockMs?: number
  /** BullMQ stalled-job check interval (ms, default 30000) */
  stalledMs?: number
  /** worker-list heartbeat (ms, default 2000); the entry lives 3 heartbeats */
  heartbeatMs?: number
  /** one line per event (start, job done, refusal) */
  log?: (line: string) => void
}

export interface ClusterWorker {
  readonly id: string
  info(): WorkerInfo
  /** stops taking jobs; running ones finish unless `force` */
  close(force?: boolean): Promise<void>
}

/** A job refusal as BullMQ stores it: `CODE: message` (cluster-scorer.ts `failureToError` reads it back). */
function refusal(code: string, message: string, unrecoverable: boolean): Error {
  const text = `${code}: ${message}`
  return unrecoverable ? new UnrecoverableError(text) : new Error(text)
}

interface ProcessorContext {
  host: string
  id: string
  info: WorkerInfo
  pool: WorkerPool
  memo: HashMemo
  dataRoot: string | null
  log: (line: string) => void
}

/**
 * One queue job → one result: refuses another protocol version or a malformed
 * job (unrecoverable), a dataset this machine lacks (recoverable), and scores
 * the rest in the local pool; `info.busy`/`info.done` follow the jobs.
 */
function jobProcessor(ctx: ProcessorContext): (job: Job) => Promise<ClusterResult> {
  const { host, id, info, pool, memo, dataRoot, log } = ctx
  const by = (outcome?: ScoreOutcome): ScoredBy => ({
    host, pid: process.pid, worker: id, backend: outcome?.backend ?? info.backend,
    ...(outcome?.adapter ?? info.adapter ? { adapter: outcome?.adapter ?? info.adapter } : {}),
  })

  return async (job: Job): Promise<ClusterResult> => {
    const parsed = ClusterJobSchema.safeParse(job.data)
    const version = (job.data as { protocol?: unknown } | null)?.protocol
    if (version !== PROTOCOL_VERSION) {
      throw refusal('INVALID_OPTION', `worker ${host} speaks cluster protocol ${PROTOCOL_VERSION}, job ${job.id} was sent with protocol ${String(version)}; run the same zsnas version on the submitting machine and the workers`, true)
    }
    if (!parsed.success) throw refusal('BAD_FORMAT', `job ${job.id} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`, true)
    const { request, dataset, index } = parsed.data
    let spec
    try {
      spec = await resolveDataset(request.dataset, dataset, dataRoot, memo, host)
    } catch (e) {
      const err = e instanceof ZsnasError ? e : new ZsnasError('INTERNAL', String(e))
      log(`refused job ${job.id} (evaluation ${index}): ${err.message}`)
      throw refusal(err.code, err.message, false)
    }
    info.busy++
    try {
      const t0 = Date.now()
      const res = await pool.score({ ...request, dataset: spec })
      if (!res.ok && res.error.code === 'CANCELLED') throw refusal('CANCELLED', `worker ${host} is shutting down`, false)
      info.done++
      if (res.ok) {
        info.backend = res.outcome.backend
        if (res.outcome.adapter) info.adapter = res.outcome.adapter
        log(`evaluation ${index} ${request.arch}: scored in ${((Date.now() - t0) / 1000).toFixed(2)} s on ${res.outcome.backend}`)
        return { protocol: PROTOCOL_VERSION, index, ok: true, outcome: toWireOutcome(res.outcome), by: by(res.outcome), attempt: Math.max(1, job.attemptsStarted ?? 1) }
      }
      log(`evaluation ${index} ${request.arch}: failed [${res.error.code}] ${res.error.message}`)
      return { protocol: PROTOCOL_VERSION, index, ok: false, error: res.error, by: by(), attempt: Math.max(1, job.attemptsStarted ?? 1) }
    } finally {
      info.busy--
    }
  }
}

export async function startClusterWorker(o: ClusterWorkerOptions): Promise<ClusterWorker> {
  const concurrency = o.concurrency ?? 1
  const host = o.hostname ?? os.hostname()
  const id = `${host}-${process.pid}-${randomBytes(3).toString('hex')}`
  const log = o.log ?? (() => {})
  const pool = new WorkerPool(o.processHost ?? forkHost(scoreWorkerEntry()), concurrency)
  const memo = new HashMemo()
  const info: WorkerInfo = {
    id, host, pid: process.pid, protocol: PROTOCOL_VERSION, concurrency, busy: 0, done: 0, backend: '',
    dataRoot: o.dataRoot ?? null, startedAt: Date.now(), seenAt: Date.now(),
  }
  const processor = jobProcessor({ host, id, info, pool, memo, dataRoot: o.dataRoot ?? null, log })

  const worker = new Worker(QUEUE_NAME, processor, {
    connection: o.connection,
    prefix: KEY_PREFIX,
    concurrency,
    lockDuration: o.lockMs ?? 30_000,
    stalledInterval: o.stalledMs ?? 30_000,
    maxStalledCount: 1,
    name: id,
  })
  worker.on('error', (e) => log(`redis: ${e.message} (reconnecting)`))

  const redis = new Redis({ ...o.connection, lazyConnect: false } as IORedisOptions)
  redis.on('error', () => {}) // reconnects by itself; the worker's 'error' already logs
  const heartbeatMs = o.heartbeatMs ?? 2000
  const beat = async (): Promise<void> => {
    info.seenAt = Date.now()
    await publishWorker(redis, info, 3 * heartbeatMs).catch(() => {})
  }
  await beat()
  const timer = setInterval(() => void beat(), heartbeatMs)
  log(`worker ${id}: concurrency ${concurrency}, data root ${o.dataRoot ?? '(none)'}, protocol ${PROTOCOL_VERSION}`)

  let closing: Promise<void> | null = null
  return {
    id,
    info: () => ({ ...info }),
    close(force = false) {
      closing ??= (async () => {
        clearInterval(timer)
        await worker.close(force)
        pool.close()
        await Promise.race([unpublishWorker(redis, id).catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())])
        redis.disconnect()
      })()
      return closing
    },
  }
}
