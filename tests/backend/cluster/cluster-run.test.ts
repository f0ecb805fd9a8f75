/**
 * Issue #19, "Must show", against a real redis-server (loopback, free port,
 * no persistence) and three real `zsnas worker` processes:
 *  - a 40-architecture NB201 search over the cluster gives rows identical to
 *    the same search run locally (in-process);
 *  - kill -9 of a worker in the middle of a job: the run completes with
 *    identical rows, every evaluation exactly once, the job retried elsewhere;
 *  - Redis killed and restarted (empty) mid-run: the run completes, identical;
 *  - cancel, then resume: identical rows; cancel left no waiting job; every
 *    evaluation is one job (resume reused what was already scored).
 * The search is RE with 3 parallel children, so every row depends on the
 * scores before it: one differing score would change the later architectures.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Job, Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { searchMain } from '../../../src/cli/search'
import { KEY_PREFIX, QUEUE_NAME } from '../../../src/backend/cluster/protocol'
import { capture } from '../../helpers/cli-io'
import { startRedis, type TestRedis } from './redis-server'
import { comparable, killWorker, readRows, spawnWorker, waitFor, waitForWorkers, type SpawnedWorker } from './workers'

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-cluster-'))
const BASE = [
  '--space', 'nb201', '--strategy', 're', '--population', '10', '--tournament', '3', '--parallel-children', '3',
  '--proxy', 'naswot', '--n', '40', '--seed', '7', '--batch', '4', '--dataset', 'noise:8:10',
]
const rowCount = (dir: string): number => (existsSync(join(dir, 'evaluated.jsonl')) ? readFileSync(join(dir, 'evaluated.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0)

let redis: TestRedis
let workers: SpawnedWorker[] = []
let local: Array<Record<string, unknown>> = []
let queue: Queue
let admin: Redis

/** Empties Redis (each test starts without earlier results) and waits for the live workers' next heartbeat. */
async function flush(): Promise<void> {
  await admin.flushall()
  await waitForWorkers(redis.url, workers.map((w) => w.name))
}

async function clusterSearch(out: string, extra: string[] = [], signal?: AbortSignal) {
  const io = capture()
  const code = await searchMain([...BASE, '--redis', redis.url, '--out', out, ...extra], io, signal)
  return { code, err: io.stderr }
}

beforeAll(async () => {
  redis = await startRedis()
  admin = new Redis(redis.url)
  admin.on('error', () => {}) // reconnects by itself after the restart
  queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port }, prefix: KEY_PREFIX })
  queue.on('error', () => {})
  workers = ['w1', 'w2', 'w3'].map((n) => spawnWorker(redis.url, n))
  const io = capture()
  expect(await searchMain([...BASE, '--out', join(tmp, 'local')], io)).toBe(0)
  local = readRows(join(tmp, 'local'))
  expect(local.map((r) => r.i)).toEqual([...Array(40).keys()])
  await waitForWorkers(redis.url, ['w1', 'w2', 'w3'])
}, 240_000)

afterAll(async () => {
  await Promise.all(workers.map((w) => killWorker(w)))
  await queue?.close()
  admin?.disconnect()
  await redis?.stop()
})

describe('zsnas search --redis over 3 zsnas worker processes', () => {
  it('40 NB201 architectures: rows identical to the local run, each with the host that scored it', { timeout: 400_000 }, async () => {
    const out = join(tmp, 'plain')
    const { code, err } = await clusterSearch(out)
    expect(code, err).toBe(0)
    expect(err).toMatch(/3 worker\(s\) connected/)
    const rows = readRows(out)
    expect(rows.map(comparable)).toEqual(local.map(comparable))
    const hosts = new Set(rows.map((r) => r.host))
    expect([...hosts].every((h) => ['w1', 'w2', 'w3'].includes(h as string))).toBe(true)
    expect(hosts.size).toBeGreaterThan(1)
  })

  it('kill -9 of a worker mid-job: the job is retried elsewhere; identical rows, none duplicated or missing', { timeout: 400_000 }, async () => {
    await flush()
    const out = join(tmp, 'kill')
    const run = clusterSearch(out)
    // freeze a worker while it holds an active job (so it cannot finish it), check the job is still its, then kill -9
    let victim: { worker: SpawnedWorker; jobId: string } | null = null
    await waitFor(async () => {
      for (const job of await queue.getActive()) {
        const w = workers.find((x) => job.processedBy?.startsWith(`${x.name}-${x.proc.pid}-`))
        if (!w) continue
        w.proc.kill('SIGSTOP')
        if ((await queue.getJobState(job.id!)) === 'active') {
          victim = { worker: w, jobId: job.id! }
          return true
        }
        w.proc.kill('SIGCONT')
      }
      return false
    }, 'an active job to kill its worker', 120_000)
    const { worker, jobId } = victim!
    await killWorker(worker)
    const { code, err } = await run
    expect(code, err).toBe(0)
    const rows = readRows(out)
    expect(rows.map((r) => r.i)).toEqual([...Array(40).keys()])
    expect(rows.map(comparable)).toEqual(local.map(comparable))
    const job = await Job.fromId(queue, jobId)
    expect(job?.attemptsStarted).toBeGreaterThanOrEqual(2)
    const index = Number(/^e(\d+)-/.exec(jobId)![1])
    expect(rows[index].host).not.toBe(worker.name)
    workers = workers.filter((w) => w !== worker)
  })

  it('Redis killed and restarted (empty) mid-run: the run waits, re-adds the lost jobs and completes with identical rows', { timeout: 400_000 }, async () => {
    await flush()
    const out = join(tmp, 'restart')
    const run = clusterSearch(out)
    await waitFor(() => rowCount(out) >= 8, '8 rows before the restart', 120_000)
    // freeze the workers while the scorer has jobs in Redis (waiting or held by a frozen worker), so the restart
    // certainly loses results the scorer still needs
    for (const w of workers) w.proc.kill('SIGSTOP')
    try {
      await waitFor(async () => (await queue.getWaitingCount()) + (await queue.getActiveCount()) > 0, 'a waiting or active job', 60_000)
      await redis.restart()
    } finally {
      for (const w of workers) w.proc.kill('SIGCONT')
    }
    const { code, err } = await run
    expect(code, err).toBe(0)
    expect(err).toMatch(/lost by Redis; added again/)
    const rows = readRows(out)
    expect(rows.map((r) => r.i)).toEqual([...Array(40).keys()])
    expect(rows.map(comparable)).toEqual(local.map(comparable))
  })

  it('cancel then resume: cancel leaves no waiting job; the resumed run has identical rows and each evaluation ran as one job', { timeout: 400_000 }, async () => {
    await flush()
    const out = join(tmp, 'resume')
    const ac = new AbortController()
    const run = clusterSearch(out, [], ac.signal)
    await waitFor(() => rowCount(out) >= 10, '10 rows before the cancel', 120_000)
    ac.abort()
    expect((await run).code).toBe(130)
    expect(await queue.getWaitingCount()).toBe(0)
    const partial = rowCount(out)
    expect(partial).toBeLessThan(40)
    const { code, err } = await clusterSearch(out, ['--resume'])
    expect(code, err).toBe(0)
    const rows = readRows(out)
    expect(rows.map((r) => r.i)).toEqual([...Array(40).keys()])
    expect(rows.map(comparable)).toEqual(local.map(comparable))
    const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active')
    expect(counts).toEqual({ completed: 40, failed: 0, waiting: 0, active: 0 })
  })
})
