/**
 * Main's side of the GPU worker windows' datasets (src/backend/gpu-window-data.ts): the job's dataset files read
 * with the path loader's list and checks, their bytes attached to the FIRST job of each dataset per window,
 * unreadable files answered as the worker would (typed error, nothing sent), order kept.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { datasetBytesSender, readDatasetFiles } from '../../src/backend/gpu-window-data'
import type { DatasetSpec } from '../../src/engine/core/data'
import { sharedPath } from '../helpers/shared-data'

const CIFAR = sharedPath('cifar10', 'data_batch_1_first4000_exact.bin')
const score = (jobId: number, dataset: DatasetSpec) => ({
  type: 'score',
  jobId,
  job: { space: 'nb201', arch: 'a', proxies: ['wrcor'], dataset, batchSize: 4, seed: 0, init: 'pytorch' },
})
const until = async (f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10))
}

describe('readDatasetFiles', () => {
  it('the shared CIFAR-10 file: its base name and exactly its bytes', async () => {
    const files = await readDatasetFiles({ kind: 'cifar10', path: CIFAR })
    expect(files.map((f) => f.name)).toEqual(['data_batch_1_first4000_exact.bin'])
    expect(Buffer.from(files[0].bytes).equals(readFileSync(CIFAR))).toBe(true)
  })
  it('a missing path is the loader’s FILE_NOT_FOUND naming it; a folder where a file is expected FILE_UNREADABLE', async () => {
    await expect(readDatasetFiles({ kind: 'cifar10', path: '/nonexistent/c10.bin' })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('/nonexistent/c10.bin') })
    await expect(readDatasetFiles({ kind: 'u8', path: '/dev/null', imageSize: 16, labelsCsv: '/' })).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })
  })
})

describe('datasetBytesSender', () => {
  it('bytes with the first job of a dataset only; noise and other datasets as they are; order kept', async () => {
    const sent: Array<{ jobId?: number; files: number }> = []
    const reads: string[] = []
    const send = datasetBytesSender({
      send: (m) => void sent.push({ jobId: (m as { jobId?: number }).jobId, files: (m as { datasetFiles?: unknown[] }).datasetFiles?.length ?? 0 }),
      fail: () => {
        throw new Error('no failure expected')
      },
      read: async (spec) => {
        reads.push(spec.kind)
        await new Promise((r) => setTimeout(r, 30)) // a slow read must not let later messages overtake
        return [{ name: 'x.bin', bytes: new Uint8Array(3) }]
      },
    })
    send(score(1, { kind: 'cifar10', path: CIFAR }))
    send(score(2, { kind: 'noise', imageSize: 8, numClasses: 10 }))
    send(score(3, { kind: 'cifar10', path: CIFAR }))
    send(score(4, { kind: 'cifar100', path: CIFAR }))
    send({ type: 'shutdown' })
    await until(() => sent.length === 5)
    expect(sent).toEqual([
      { jobId: 1, files: 1 },
      { jobId: 2, files: 0 },
      { jobId: 3, files: 0 },
      { jobId: 4, files: 1 },
      { jobId: undefined, files: 0 },
    ])
    expect(reads).toEqual(['cifar10', 'cifar100'])
  })
  it('an unreadable dataset fails that job with the typed error and sends nothing; the next job tries again', async () => {
    const sent: unknown[] = []
    const failed: unknown[] = []
    const send = datasetBytesSender({ send: (m) => void sent.push(m), fail: (m) => void failed.push(m) })
    send(score(7, { kind: 'cifar10', path: '/nonexistent/c10.bin' }))
    send(score(8, { kind: 'cifar10', path: '/nonexistent/c10.bin' }))
    await until(() => failed.length === 2)
    expect(sent).toEqual([])
    expect(failed).toEqual([
      { type: 'error', jobId: 7, error: expect.objectContaining({ code: 'FILE_NOT_FOUND' }) },
      { type: 'error', jobId: 8, error: expect.objectContaining({ code: 'FILE_NOT_FOUND' }) },
    ])
  })
})
