/**
 * The app's path to the cluster (issue #19): the Compute setting
 * (`ComputeService`, saved in the data folder) set to a real redis-server,
 * the RunManager scoring through it on two cluster workers (in-process
 * `startClusterWorker`, whose "scoring processes" answer a fixed hash of
 * (arch, seed) at once — the queue, not tfjs, is under test). The run's rows
 * equal those of the same run on the local pool with the same scorer, each
 * row names the worker that scored it (also after reading back from the
 * store), the live list shows both workers, and the setting survives a
 * restart of the backend with the password masked. A job of another
 * protocol version is refused at once, naming both versions.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngineAdapter } from '../../../src/backend/engine-adapter'
import { RunManager } from '../../../src/backend/run-manager'
import { RunStore } from '../../../src/backend/store'
import type { WorkerHandle, WorkerHost } from '../../../src/backend/worker-host'
import { RunConfigSchema } from '../../../src/shared/schemas'
import { ComputeService } from '../../../src/backend/cluster/compute'
import { redisOptions } from '../../../src/backend/cluster/connection'
import { startClusterWorker, type ClusterWorker } from '../../../src/backend/cluster/worker'
import { startRedis, type TestRedis } from './redis-server'
import { Queue, QueueEvents } from 'bullmq'
import { KEY_PREFIX, PROTOCOL_VERSION, QUEUE_NAME } from '../../../src/backend/cluster/protocol'
import { failureToError } from '../../../src/backend/cluster/cluster-scorer'

function fakeScore(arch: string, seed: number): number {
  let h = seed >>> 0
  for (let i = 0; i < arch.length; i++) h = Math.imul(h ^ arch.charCodeAt(i), 0x01000193) >>> 0
  return h / 2 ** 32
}

const instantHost: WorkerHost = {
  spawn(): WorkerHandle {
    const cbs: Array<(m: unknown) => void> = []
    return {
      pid: 1,
      post(m: any) {
        if (m.type !== 'score') return
        const { arch, seed, proxies } = m.job as { arch: string; seed: number; proxies: string[] }
        const outcome = { arch, hash: arch, scores: Object.fromEntries(proxies.map((p, k) => [p, fakeScore(arch, seed + k)])), params: 1, flops: 1, seconds: 0.01, backend: 'fake' }
        setTimeout(() => cbs.forEach((cb) => cb({ type: 'result', jobId: m.jobId, outcome })), 2)
      },
      onMessage: (cb) => void cbs.push(cb),
      onExit: () => {},
      kill: () => {},
    }
  },
}

const config = RunConfigSchema.parse({
  space: 'nb201', strategy: 're', strategyOptions: { populationSize: 4, tournamentSize: 2, parallelChildren: 2 },
  proxy: { mode: 'single', id: 'acor' }, n: 16, seed: 77, dataset: { kind: 'noise', imageSize: 16, numClasses: 10 }, batchSize: 8, workers: 2,
})

let redis: TestRedis
const workers: ClusterWorker[] = []
const stores: RunStore[] = []

beforeAll(async () => {
  redis = await startRedis()
  for (const name of ['m1', 'm2']) workers.push(await startClusterWorker({ connection: redisOptions(redis.url), hostname: name, processHost: instantHost }))
}, 60_000)

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close(true)))
  for (const s of stores) s.close()
  await redis?.stop()
})

function manager(dir: string, compute: ComputeService | null) {
  const { store } = RunStore.open(dir)
  stores.push(store)
  const m = new RunManager({
    store, engine: createEngineAdapter(), host: instantHost, emit: () => {}, defaultWorkers: 2, versions: { app: 't', engine: 't', node: 't' }, eventIntervalMs: 5,
    ...(compute ? { clusterScorer: (id: string, c: typeof config, request: any, log: (l: string) => void) => compute.scorerFor(id, c, request, log) } : {}),
  })
  return { m, store }
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-app-cluster-'))

describe('app run on the Redis cluster', () => {
  it('rows equal the local run, each naming its worker; the live list shows both workers; the setting persists masked', { timeout: 120_000 }, async () => {
    const local = manager(tmp(), null)
    const l = await local.m.start(config)
    await local.m.whenStopped(l.id)
    const expected = local.store.allEvaluations(l.id).map(({ index, arch, scores, status }) => ({ index, arch, scores, status }))
    expect(expected).toHaveLength(16)

    const dir = tmp()
    const compute = new ComputeService(dir)
    const url = redis.url.replace('redis://', 'redis://:topsecret@')
    // a URL with a password is stored and shown masked; the test server has none, so the run uses the plain URL
    expect(compute.set({ mode: 'redis', url }).url).toBe(redis.url.replace('redis://', 'redis://:***@'))
    expect(fs.statSync(path.join(dir, 'compute.json')).mode & 0o777).toBe(0o600)
    expect(new ComputeService(dir).get()).toEqual({ mode: 'redis', url: redis.url.replace('redis://', 'redis://:***@'), tlsInsecure: false })
    compute.set({ mode: 'redis', url: redis.url })
    const listed = await compute.workers()
    expect(listed.map((w) => w.host)).toEqual(['m1', 'm2'])

    const cl = manager(dir, compute)
    const s = await cl.m.start(config)
    await cl.m.whenStopped(s.id)
    expect(cl.m.summary(s.id).status).toBe('finished')
    const rows = cl.store.allEvaluations(s.id)
    expect(rows.map(({ index, arch, scores, status }) => ({ index, arch, scores, status }))).toEqual(expected)
    expect(rows.every((r) => r.host === 'm1' || r.host === 'm2')).toBe(true)
    expect(local.store.allEvaluations(l.id).every((r) => r.host === undefined)).toBe(true)

    compute.set({ mode: 'local' })
    expect(await compute.workers()).toEqual([])
  })

  it('a worker refuses a job of another protocol version at once (no retry), naming both versions', { timeout: 60_000 }, async () => {
    const connection = redisOptions(redis.url)
    const queue = new Queue(QUEUE_NAME, { connection, prefix: KEY_PREFIX })
    const events = new QueueEvents(QUEUE_NAME, { connection, prefix: KEY_PREFIX })
    await events.waitUntilReady()
    const job = await queue.add('score', { protocol: PROTOCOL_VERSION + 1, run: 'future', index: 0 }, { jobId: 'future-0', attempts: 3 })
    await new Promise<void>((resolve) => events.on('failed', ({ jobId }) => jobId === 'future-0' && resolve()))
    const failed = (await queue.getJob(job.id!))!
    expect(failed.attemptsMade).toBe(1)
    const err = failureToError(failed.failedReason)
    expect(err.code).toBe('INVALID_OPTION')
    expect(err.message).toMatch(new RegExp(`speaks cluster protocol ${PROTOCOL_VERSION}, job future-0 was sent with protocol ${PROTOCOL_VERSION + 1}`))
    await events.close()
    await queue.close()
  })
})
