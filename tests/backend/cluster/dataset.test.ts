/**
 * Datasets by content hash (issue #19): a job names the run's dataset by
 * sha256; a `zsnas worker --data-root DIR` finds it there under any name and
 * scores it, and refuses a job whose dataset it does not have with a clear
 * BAD_CHECKSUM naming the dataset, the expected hash and what it tried.
 * Real redis-server, real worker process, the ClusterScorer's own API; the
 * CIFAR-10 files are tiny (16 records of 3073 bytes) and written here.
 * The request's path is one that does not exist on this machine, as for a
 * run submitted from another machine.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClusterScorer } from '../../../src/backend/cluster/cluster-scorer'
import { datasetRef, HashMemo, resolveDataset } from '../../../src/backend/cluster/dataset-ref'
import { redisOptions } from '../../../src/backend/cluster/connection'
import { InProcessScorer } from '../../../src/backend/scorer'
import type { ScoreRequest } from '../../../src/engine/score/score'
import { startRedis, type TestRedis } from './redis-server'
import { killWorker, spawnWorker, waitForWorkers, type SpawnedWorker } from './workers'

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-cluster-data-'))

/** `n` CIFAR-10 binary records (label byte + 3072 pixel bytes) from a byte seed. */
function cifarBin(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n * 3073)
  let x = seed
  for (let i = 0; i < b.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    b[i] = i % 3073 === 0 ? (i / 3073) % 10 : x >>> 24
  }
  return b
}

const submitted = join(tmp, 'submitter', 'cifar-tiny.bin') // the run's file (exists here only to be hashed)
const root = join(tmp, 'worker-root') // the worker's --data-root
let redis: TestRedis
let worker: SpawnedWorker

beforeAll(async () => {
  mkdirSync(join(tmp, 'submitter'))
  mkdirSync(root)
  writeFileSync(submitted, cifarBin(16, 1))
  writeFileSync(join(root, 'renamed-copy.bin'), cifarBin(16, 1)) // same content, another name
  writeFileSync(join(root, 'cifar-tiny.bin'), cifarBin(16, 2)) // same name, other content
  redis = await startRedis()
  worker = spawnWorker(redis.url, 'wdata', ['--data-root', root])
  await waitForWorkers(redis.url, ['wdata'])
}, 120_000)

afterAll(async () => {
  if (worker) await killWorker(worker)
  await redis?.stop()
})

const request = (path: string): ScoreRequest => ({
  space: 'nb201', arch: '|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|',
  proxies: ['naswot'], dataset: { kind: 'cifar10', path }, batchSize: 4, seed: 11, init: 'pytorch',
})

describe('cluster datasets by content hash', () => {
  it('resolveDataset: the original path, then DIR/<name>, then any entry of DIR with the same content', async () => {
    const ref = await datasetRef({ kind: 'cifar10', path: submitted })
    const memo = new HashMemo()
    expect(await resolveDataset({ kind: 'cifar10', path: submitted }, ref, null, memo, 'h')).toEqual({ kind: 'cifar10', path: submitted })
    const elsewhere = join(tmp, 'not-here', 'cifar-tiny.bin')
    expect(await resolveDataset({ kind: 'cifar10', path: elsewhere }, ref, root, memo, 'h')).toEqual({ kind: 'cifar10', path: join(root, 'renamed-copy.bin') })
    await expect(resolveDataset({ kind: 'cifar10', path: elsewhere }, ref, null, memo, 'h')).rejects.toMatchObject({ code: 'BAD_CHECKSUM' })
  })

  it('a worker maps the job to its renamed copy and scores it exactly as this machine does from the original file', { timeout: 120_000 }, async () => {
    const ref = await datasetRef({ kind: 'cifar10', path: submitted })
    const scorer = new ClusterScorer({ connection: redisOptions(redis.url), run: 'dataset-ok', dataset: ref, size: 1, pollMs: 100 })
    const remote = await scorer.score(request(join(tmp, 'not-here', 'cifar-tiny.bin')), { index: 0 })
    scorer.close()
    await scorer.whenClosed()
    const here = await new InProcessScorer().score(request(submitted))
    expect(remote.ok && here.ok).toBe(true)
    if (!remote.ok || !here.ok) return
    expect(remote.outcome.host).toBe('wdata')
    expect(remote.outcome.scores).toEqual(here.outcome.scores)
    expect(Number.isFinite(remote.outcome.scores.naswot)).toBe(true)
  })

  it('a worker without the dataset refuses with BAD_CHECKSUM naming the dataset, its hash, the data root and what it tried', { timeout: 120_000 }, async () => {
    const other = join(tmp, 'submitter', 'cifar-other.bin')
    writeFileSync(other, cifarBin(16, 3)) // content no file under the data root has
    const ref = await datasetRef({ kind: 'cifar10', path: other })
    const scorer = new ClusterScorer({ connection: redisOptions(redis.url), run: 'dataset-bad', dataset: ref, size: 1, pollMs: 100 })
    const res = await scorer.score(request(join(tmp, 'not-here', 'cifar-other.bin')), { index: 0 })
    scorer.close()
    await scorer.whenClosed()
    expect(res.ok).toBe(false)
    if (res.ok) return
    expect(res.error.code).toBe('BAD_CHECKSUM')
    expect(res.error.message).toContain(`worker wdata: no dataset with sha256 ${ref.sha256.slice(0, 12)}`)
    expect(res.error.message).toContain(`'cifar-other.bin'`)
    expect(res.error.message).toContain(`under --data-root ${root}`)
    expect(res.error.message).toContain(join(root, 'cifar-tiny.bin'))
    expect(res.attempts).toBe(2) // refused, retried once (another worker might have it), then failed
    expect(worker.log()).toMatch(/refused job e0-/)
  })
})
