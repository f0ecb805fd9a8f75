/**
 * Issue #22: the server's dataset preview, table validation and run creation
 * read caller-named files asynchronously (engine/data/read-ahead.ts), so the
 * event loop keeps answering other calls while a big file is read. Ordering,
 * not timing: a health call (`system.info`) issued right after a preview of a
 * 200 MB file must be answered before the preview; with a synchronous read the
 * preview finished before any other callback could run.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../src/backend/backend'
import { createEngineAdapter } from '../../src/backend/engine-adapter'
import { createPathPolicy } from '../../src/backend/path-policy'
import { forkHost } from '../../src/backend/worker-host'
import { readAheadStore, readFileTyped } from '../../src/engine/data/files'
import { withReadAhead } from '../../src/engine/data/read-ahead'
import { datasetReads } from '../../src/engine/data/open'
import { tableReads } from '../../src/engine/benchmarks/table'
import { TABLE_MAX_BYTES } from '../../src/engine/benchmarks/tabular'
import { sharedPath } from '../helpers/shared-data'

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-readahead-')))
const dataDir = path.join(base, 'data')
fs.mkdirSync(dataDir, { recursive: true })
/** event-loop turns since `startTurns()`, read when the engine's synchronous parser is entered */
let turns = 0
let ticking = false
const turnsAtEngine: Record<string, number> = {}
function startTurns(): void {
  turns = 0
  ticking = true
  const tick = (): void => {
    if (!ticking) return
    turns++
    setImmediate(tick)
  }
  setImmediate(tick)
}
const real = createEngineAdapter()
const engine = {
  ...real,
  previewDataset: (...a: Parameters<typeof real.previewDataset>) => ((turnsAtEngine.preview = turns), real.previewDataset(...a)),
  validateTable: (...a: Parameters<typeof real.validateTable>) => ((turnsAtEngine.validate = turns), real.validateTable(...a)),
  validate: (...a: Parameters<typeof real.validate>) => ((turnsAtEngine.runConfig = turns), real.validate(...a)),
}
const backend: Backend = createBackend({
  dataDir,
  host: forkHost({ entry: path.resolve('src/worker/score-worker.ts'), execArgv: ['--import', 'tsx'] }),
  engine,
  mode: 'browser',
  paths: createPathPolicy({ roots: [dataDir] }),
})
afterAll(async () => {
  await backend.close()
  fs.rmSync(base, { recursive: true, force: true })
})
const ctx = { transport: 'direct' as const }

/** Runs `call` and, from the next event-loop turn, a health call; returns the order in which they settled. */
async function order(call: () => Promise<unknown> | unknown): Promise<string[]> {
  const seen: string[] = []
  startTurns()
  const main = Promise.resolve()
    .then(call)
    .then(
      () => seen.push('call'),
      (e) => seen.push(`call failed: ${(e as Error).message}`),
    )
  const health = new Promise((r) => setImmediate(r))
    .then(() => backend.handlers['system.info'](ctx))
    .then(() => seen.push('health'))
  await Promise.all([main, health])
  ticking = false
  return seen
}

describe('reads of caller-named files do not block the event loop (issue #22)', () => {
  it('a health call is answered while datasets.preview reads a 200 MB u8 file, and the preview is right', async () => {
    const per = 16 * 16 * 3
    const count = 260_000 // 199,680,000 bytes
    const file = path.join(dataDir, 'big16.u8')
    const fd = fs.openSync(file, 'w')
    fs.writeSync(fd, Buffer.alloc(per, 255), 0, per, 0) // image 0 all white, the rest zeros (sparse)
    fs.closeSync(fd)
    fs.truncateSync(file, per * count)
    fs.writeFileSync(path.join(dataDir, 'labels.csv'), `class_idx\n7\n${'3\n'.repeat(count - 1)}`)
    const spec = { kind: 'u8' as const, path: file, imageSize: 16 }
    let preview: { count: number; samples: { label: number }[] } | undefined
    const seen = await order(async () => {
      preview = (await backend.handlers['datasets.preview'](spec, undefined, ctx)) as typeof preview
    })
    expect(seen).toEqual(['health', 'call'])
    expect(turnsAtEngine.preview).toBeGreaterThan(0) // the file was read before the parser ran, over several loop turns
    expect(preview?.count).toBe(count)
    expect(preview?.samples.every((s) => s.label === 3 || s.label === 7)).toBe(true)
    expect(readAheadStore.size).toBe(0) // nothing kept after the call
  }, 120_000)

  it('tables.validate of the NB201 table is read ahead (loop turns before the parser), same result as a synchronous validation', async () => {
    const table = path.join(dataDir, 'nb201.csv')
    fs.copyFileSync(sharedPath('nb201', 'nats_bench_tss_test_acc.csv'), table)
    let info: { size: number; metrics: string[] } | undefined
    const seen = await order(async () => {
      info = await backend.handlers['tables.validate']({ path: table, space: 'nb201' }, ctx)
    })
    expect(seen).toEqual(['health', 'call'])
    // the table was read ahead asynchronously: the event loop turned before the synchronous parser was entered
    expect(turnsAtEngine.validate).toBeGreaterThan(0)
    const direct = createEngineAdapter().validateTable(table, 'nb201')
    expect(info?.size).toBe(direct.size)
    expect(info?.size).toBe(15_625)
    expect(info?.metrics).toEqual(direct.metrics)
  }, 60_000)
})

describe('run creation', () => {
  it('runs.start reads its ground-truth table ahead (loop turns before the config is validated) and starts', async () => {
    const table = path.join(dataDir, 'nb201-run.csv')
    fs.copyFileSync(sharedPath('nb201', 'nats_bench_tss_test_acc.csv'), table)
    const config = {
      space: 'nb201',
      strategy: 'random',
      proxy: { mode: 'single' as const, id: 'params' },
      n: 1,
      seed: 1,
      dataset: { kind: 'noise' as const, imageSize: 16, numClasses: 10 },
      batchSize: 4,
      workers: 1,
      groundTruth: { path: table, metric: 'cifar10' },
    }
    let id = ''
    const seen = await order(async () => {
      id = (await backend.handlers['runs.start'](config as never, ctx)).id
    })
    expect(seen).toEqual(['health', 'call'])
    expect(turnsAtEngine.runConfig).toBeGreaterThan(0)
    await backend.handlers['runs.cancel'](id, ctx)
  }, 120_000)
})

describe('withReadAhead (engine/data/read-ahead.ts)', () => {
  const dir = path.join(base, 'unit')
  fs.mkdirSync(dir, { recursive: true })

  it('readFileTyped takes the bytes read ahead (no second read) and they are dropped afterwards', async () => {
    const f = path.join(dir, 'a.csv')
    fs.writeFileSync(f, 'x,y\n1,2\n')
    let inside: Buffer | undefined
    await withReadAhead([{ path: f, what: 'table file', maxBytes: 100 }], () => {
      inside = readFileTyped(f, 'table file', 100)
      expect(readAheadStore.get(f)?.buf).toBe(inside) // the very buffer read ahead
    })
    expect(inside?.toString()).toBe('x,y\n1,2\n')
    expect(readAheadStore.has(f)).toBe(false)
  })

  it('a file changed after the read-ahead is read again (identity = device, inode, size, mtime)', async () => {
    const f = path.join(dir, 'b.csv')
    fs.writeFileSync(f, 'old\n')
    const got = await withReadAhead([{ path: f, what: 'table file', maxBytes: 100 }], () => {
      fs.writeFileSync(f, 'newer\n')
      return readFileTyped(f, 'table file', 100).toString()
    })
    expect(got).toBe('newer\n')
  })

  it('over-limit files, FIFOs and missing files are not read ahead; the synchronous reader reports them as before', async () => {
    const big = path.join(dir, 'big.csv')
    fs.writeFileSync(big, 'x'.repeat(101))
    const fifo = path.join(dir, 'p.fifo')
    execFileSync('mkfifo', [fifo])
    const missing = path.join(dir, 'none.csv')
    await withReadAhead(
      [big, fifo, missing].map((p) => ({ path: p, what: 'table file', maxBytes: 100 })),
      () => {
        expect(readAheadStore.size).toBe(0)
        expect(() => readFileTyped(big, 'table file', 100)).toThrow(/101 bytes, over the 100-byte limit/)
        expect(() => readFileTyped(fifo, 'table file', 100)).toThrow(/not a regular file/)
        expect(() => readFileTyped(missing, 'table file', 100)).toThrow(/not found/)
      },
    )
  })

  it('lists the files each reader reads whole, with its format limit', () => {
    const c10 = sharedPath('cifar10', 'data_batch_1_first4000_exact.bin')
    expect(datasetReads({ kind: 'cifar10', path: c10 })).toEqual([{ path: c10, what: 'CIFAR-10 file', maxBytes: 10_000 * 3200 }])
    expect(datasetReads({ kind: 'u8', path: '/x/a.u8', imageSize: 16 }).map((r) => r.path)).toEqual(['/x/labels.csv', '/x/a.u8'])
    expect(datasetReads({ kind: 'noise', imageSize: 32, numClasses: 10 })).toEqual([])
    const csv = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')
    expect(tableReads(csv)).toEqual([{ path: csv, what: 'table file', maxBytes: TABLE_MAX_BYTES }])
  })
})
