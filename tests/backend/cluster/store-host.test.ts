/**
 * The machine that scored a row (cluster runs) survives the run store: it is
 * written with the row, read back by getEvaluation / allEvaluations, absent
 * for rows scored on this machine, and a store created before the `host`
 * column existed is migrated additively (its rows read without host).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { RunStore } from '../../../src/backend/store'
import { RunConfigSchema, type EvaluationRow } from '../../../src/shared/schemas'

const config = RunConfigSchema.parse({
  space: 'nb201', strategy: 'random', proxy: { mode: 'single', id: 'p' }, n: 4, seed: 3,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 }, batchSize: 8,
})
const row = (index: number, extra: Partial<EvaluationRow> = {}): EvaluationRow => ({
  index, arch: `arch-${index}`, hash: `h${index}`, status: 'ok', scores: { p: index }, params: 1, flops: 1, seconds: 0.5,
  groundTruth: null, error: null, attempts: 1, ...extra,
})
const versions = { app: 'a', engine: 'e', backend: 'unknown', node: 'v' }

describe('run store: host of cluster rows', () => {
  it('round-trips host; rows of this machine have none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-store-host-'))
    const { store } = RunStore.open(dir)
    store.createRun({ id: 'r1', name: 'n', config, total: 4, versions, hashes: {}, status: 'running' })
    store.insertEvaluation('r1', row(0, { host: 'lab-gpu' }))
    store.insertEvaluation('r1', row(1))
    expect(store.getEvaluation('r1', 0)?.host).toBe('lab-gpu')
    expect(store.allEvaluations('r1').map((r) => r.host)).toEqual(['lab-gpu', undefined])
    expect('host' in store.getEvaluation('r1', 1)!).toBe(false)
    store.close()
  })

  it('migrates a store whose evaluations table has no host column', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-store-host-old-'))
    const first = RunStore.open(dir).store
    first.createRun({ id: 'r1', name: 'n', config, total: 4, versions, hashes: {}, status: 'running' })
    first.insertEvaluation('r1', row(0))
    first.close()
    const files = fs.readdirSync(dir).filter((f) => /\.(db|sqlite)$/.test(f))
    expect(files.length).toBe(1)
    const db = new Database(path.join(dir, files[0]))
    db.exec('ALTER TABLE evaluations DROP COLUMN host')
    db.close()
    const { store } = RunStore.open(dir)
    expect(store.getEvaluation('r1', 0)?.host).toBeUndefined()
    store.insertEvaluation('r1', row(1, { host: 'w2' }))
    expect(store.getEvaluation('r1', 1)?.host).toBe('w2')
    store.close()
  })
})
