/**
 * A scoring failure from an earlier session is not reused (issue #19,
 * "resume re-enqueues only what is missing"): a worker whose scoring
 * processes cannot start (here: ZSNAS_BACKEND names no backend) returns
 * `ok: false` results that BullMQ stores as completed jobs. A later session of
 * the same run, with a working worker, must score those evaluations again —
 * not hand back the old failure forever — and then give what this machine
 * computes in-process. Real redis-server, real `zsnas worker` processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClusterScorer } from '../../../src/backend/cluster/cluster-scorer'
import { datasetRef } from '../../../src/backend/cluster/dataset-ref'
import { redisOptions } from '../../../src/backend/cluster/connection'
import { InProcessScorer } from '../../../src/backend/scorer'
import type { ScoreRequest } from '../../../src/engine/score/score'
import { startRedis, type TestRedis } from './redis-server'
import { killWorker, spawnWorker, waitForWorkers, type SpawnedWorker } from './workers'

let redis: TestRedis
const workers: SpawnedWorker[] = []

beforeAll(async () => {
  redis = await startRedis()
}, 60_000)

afterAll(async () => {
  for (const w of workers) await killWorker(w)
  await redis?.stop()
})

const request: ScoreRequest = {
  space: 'nb201', arch: '|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|',
  proxies: ['synflow'], dataset: { kind: 'noise', imageSize: 8, numClasses: 10 }, batchSize: 4, seed: 21, init: 'pytorch',
}

describe('cluster: failures of an earlier session are scored again', () => {
  it('a broken worker fails the evaluation; a later session with a working worker scores it, equal to in-process', { timeout: 180_000 }, async () => {
    const dataset = await datasetRef(request.dataset)
    const bad = spawnWorker(redis.url, 'wbroken', [], { ...process.env, ZSNAS_BACKEND: 'no-such-backend' })
    workers.push(bad)
    await waitForWorkers(redis.url, ['wbroken'])
    const first = new ClusterScorer({ connection: redisOptions(redis.url), run: 'retry-earlier', dataset, size: 1, pollMs: 100 })
    const failed = await first.score(request, { index: 0 })
    first.close()
    await first.whenClosed()
    expect(failed.ok).toBe(false)
    if (failed.ok) return
    expect(`${failed.error.code} ${failed.error.message}`).toMatch(/no-such-backend/)
    await killWorker(bad)

    const good = spawnWorker(redis.url, 'wgood')
    workers.push(good)
    await waitForWorkers(redis.url, ['wgood'])
    await new Promise((r) => setTimeout(r, 20)) // the new session opens after the old job finished
    const second = new ClusterScorer({ connection: redisOptions(redis.url), run: 'retry-earlier', dataset, size: 1, pollMs: 100 })
    const again = await second.score(request, { index: 0 })
    second.close()
    await second.whenClosed()
    const here = await new InProcessScorer().score(request)
    expect(again.ok && here.ok).toBe(true)
    if (!again.ok || !here.ok) return
    expect(again.outcome.host).toBe('wgood')
    expect(again.outcome.scores).toEqual(here.outcome.scores)
  })
})
