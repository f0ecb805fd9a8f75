/**
 * The service with a path policy and a native-dialog picker (the Electron
 * setup in src/main/index.ts): a file outside the data folder is usable only
 * after the user picked it in the dialog; a typed path outside stays refused.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../src/backend/backend'
import { createEngineAdapter } from '../../src/backend/engine-adapter'
import { createPathPolicy } from '../../src/backend/path-policy'
import { forkHost } from '../../src/backend/worker-host'
import { sharedPath } from '../helpers/shared-data'

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-policy-svc-')))
const dataDir = path.join(base, 'data')
const picked = path.join(base, 'picked', 'nb201.csv')
const other = path.join(base, 'picked', 'other.csv')
fs.mkdirSync(path.dirname(picked), { recursive: true })
const rows = fs.readFileSync(sharedPath('nb201', 'nats_bench_tss_test_acc.csv'), 'utf8').split('\n').slice(0, 4).join('\n') + '\n'
fs.writeFileSync(picked, rows)
fs.writeFileSync(other, rows)

let next: string | null = picked
const backend: Backend = createBackend({
  dataDir,
  host: forkHost({ entry: path.resolve('src/worker/score-worker.ts'), execArgv: ['--import', 'tsx'] }),
  engine: createEngineAdapter(),
  mode: 'electron',
  picker: { pick: async () => next },
  paths: createPathPolicy({ roots: [dataDir] }),
})
afterAll(async () => {
  await backend.close()
  fs.rmSync(base, { recursive: true, force: true })
})
const ctx = { transport: 'direct' as const }

async function codeOf(call: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof call === 'function' ? call() : call)
  } catch (e) {
    return (e as { code?: string }).code
  }
  return undefined
}

describe('service + path policy (Electron: dialog picks are granted)', () => {
  it('a typed path outside the data folder is refused until the dialog picked it', async () => {
    expect(await codeOf(() => backend.handlers['tables.validate']({ path: picked }, ctx))).toBe('UNAUTHORIZED')
    const r = await backend.handlers['files.pickTable'](undefined, ctx)
    expect(r!.path).toBe(picked)
    expect(r!.info?.size).toBe(3)
    expect((await backend.handlers['tables.validate']({ path: picked }, ctx)).size).toBe(3)
    // the sibling file was never picked
    expect(await codeOf(() => backend.handlers['tables.validate']({ path: other }, ctx))).toBe('UNAUTHORIZED')
    next = null
    expect(await backend.handlers['files.pickTable'](undefined, ctx)).toBeNull()
  })

  it('runs.start refuses a dataset outside before a run exists', async () => {
    const config = { space: 'nb201', strategy: 'random', proxy: { mode: 'single' as const, id: 'params' }, n: 1, seed: 1, batchSize: 4, workers: 1 }
    expect(await codeOf(() => backend.handlers['runs.start']({ ...config, dataset: { kind: 'cifar10', path: other } } as never, ctx))).toBe('UNAUTHORIZED')
    expect(backend.handlers['runs.list'](ctx)).toEqual([])
  })
})
