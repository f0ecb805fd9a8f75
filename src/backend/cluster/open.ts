/**
 * Opening a `ClusterScorer` for a search (the CLI's `--redis` and the app's
 * "Redis cluster" compute setting): hashes the dataset, derives the run key
 * from the search config + dataset content hash (so the same search submitted
 * again — a resume — gets the same job ids), and sizes the in-flight window
 * from the connected workers when not given.
 */
import { createHash } from 'node:crypto'
import type { RedisOptions } from 'bullmq'
import { Redis, type RedisOptions as IORedisOptions } from 'ioredis'
import type { ScoreRequest } from '../../engine/score/score'
import { ClusterScorer } from './cluster-scorer'
import { datasetRef } from './dataset-ref'
import { canonicalJson } from './job-id'
import { listWorkers, type WorkerInfo } from './workers'

export interface OpenClusterOptions {
  url: string
  connection: RedisOptions
  /** everything that defines the run (its key is the hash of this and the dataset content) */
  config: unknown
  request: Omit<ScoreRequest, 'arch' | 'seed'>
  /** jobs in flight; null = the connected workers' total concurrency (at least 1, at least `minSize`) */
  size: number | null
  minSize?: number
  log?: (line: string) => void
  /** a run key given by the caller (the app's run id) instead of the config hash */
  runKey?: string
}

/** The live workers; rejects when Redis does not answer within `timeoutMs` (callers report it). */
export async function fetchWorkers(connection: RedisOptions, timeoutMs = 3000): Promise<WorkerInfo[]> {
  const redis = new Redis({ ...connection, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null } as IORedisOptions)
  redis.on('error', () => {})
  try {
    const timeout = new Promise<never>((_r, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref())
    await Promise.race([redis.connect(), timeout])
    return await Promise.race([listWorkers(redis), timeout])
  } finally {
    redis.disconnect()
  }
}

export async function openClusterScorer(o: OpenClusterOptions): Promise<ClusterScorer> {
  const dataset = await datasetRef(o.request.dataset)
  const run = o.runKey ?? createHash('sha256').update(canonicalJson({ config: o.config, dataset })).digest('hex').slice(0, 16)
  let size = o.size
  let workers: WorkerInfo[] = []
  try {
    workers = await fetchWorkers(o.connection)
  } catch {
    o.log?.(`cluster ${o.url}: Redis does not answer yet; jobs wait for it`)
  }
  if (size === null) size = Math.max(1, o.minSize ?? 1, workers.reduce((n, w) => n + w.concurrency, 0))
  o.log?.(`cluster ${o.url}: run ${run}, ${workers.length} worker(s) connected` +
    `${workers.length ? ` (${workers.map((w) => `${w.host}×${w.concurrency}${w.backend ? ` ${w.backend}` : ''}`).join(', ')})` : ' — jobs wait until one connects'}, ${size} job(s) in flight`)
  return new ClusterScorer({
    connection: o.connection, run, dataset, size,
    onEvent: (e) => o.log?.(`cluster: ${e.message}`),
  })
}
