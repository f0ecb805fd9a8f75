/**
 * Run store: append-only evaluations (UNIQUE (run, index), never overwritten),
 * checkpoint + best committed with the evaluation, 'running' runs reopen as
 * 'interrupted', paging/sorting/filtering, deletion.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { RunStore } from '../../src/backend/store'
import { RunConfigSchema, type EvaluationRow } from '../../src/shared/schemas'

const config = RunConfigSchema.parse({
  space: 'nb201',
  strategy: 'random',
  proxy: { mode: 'single', id: 'p' },
  n: 4,
  seed: 3,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 },
  batchSize: 8,
})
const row = (index: number, score: number | null, extra: Partial<EvaluationRow> = {}): EvaluationRow => ({
  index,
  arch: `arch-${index}`,
  hash: `h${index}`,
  status: 'ok',
  scores: { p: score },
  params: 100 - index,
  flops: 10 * index,
  seconds: 0.5,
  groundTruth: null,
  error: null,
  attempts: 1,
  ...extra,
})

function fresh() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-store-'))
  const { store } = RunStore.open(dir)
  store.createRun({ id: 'r1', name: 'n', config, total: 4, versions: { app: 'a', engine: 'e', backend: 'unknown', node: 'v' }, hashes: {}, status: 'running' })
  return { dir, store }
}

describe('RunStore', () => {
  it('keeps the first write of an evaluation; retries never duplicate or overwrite', () => {
    const { store } = fresh()
    expect(store.insertEvaluation('r1', row(0, 1.5))).toBe(true)
    expect(store.insertEvaluation('r1', row(0, 99))).toBe(false)
    expect(store.allEvaluations('r1')).toEqual([row(0, 1.5)])
    expect(store.counts('r1')).toEqual({ done: 1, failed: 0 })
    store.close()
  })

  it('commits the checkpoint and best with the evaluation, and reopens running runs as interrupted', () => {
    const { dir, store } = fresh()
    store.insertEvaluation('r1', row(0, 1))
    store.insertEvaluation('r1', row(1, 2), { told: 2, state: { rng: [1, 2, 3, 4] }, bestIndex: 1 })
    store.close()
    const { store: again, interrupted } = RunStore.open(dir)
    expect(interrupted).toEqual(['r1'])
    const rec = again.require('r1')
    expect(rec.status).toBe('interrupted')
    expect(rec.bestIndex).toBe(1)
    expect(again.latestCheckpoint('r1')).toEqual({ told: 2, state: { rng: [1, 2, 3, 4] } })
    expect(again.logs('r1').at(-1)!.message).toMatch(/interrupted/)
    again.close()
  })

  it('a failing transaction leaves neither the evaluation nor the checkpoint', () => {
    const { store } = fresh()
    const bad = { told: 1, state: undefined as unknown } // JSON.stringify(undefined) → NOT NULL violation
    expect(() => store.insertEvaluation('r1', row(0, 1), bad)).toThrow()
    expect(store.allEvaluations('r1')).toEqual([])
    expect(store.latestCheckpoint('r1')).toBeNull()
    store.close()
  })

  it('pages, sorts (incl. by a proxy score, nulls last) and filters', () => {
    const { store } = fresh()
    store.insertEvaluation('r1', row(0, 3))
    store.insertEvaluation('r1', row(1, null))
    store.insertEvaluation('r1', row(2, 7))
    store.insertEvaluation('r1', row(3, 5, { status: 'failed', scores: {}, error: { code: 'WORKER_CRASHED', message: 'x' }, arch: 'special' }))
    const idx = (q: Parameters<RunStore['evaluations']>[1]) => store.evaluations('r1', q).rows.map((r) => r.index)
    expect(idx({ sort: { key: 'score:p', dir: 'desc' } })).toEqual([2, 0, 1, 3])
    expect(idx({ sort: { key: 'score:p', dir: 'asc' } })).toEqual([0, 2, 1, 3])
    expect(idx({ sort: { key: 'params', dir: 'asc' } })).toEqual([3, 2, 1, 0])
    expect(idx({ offset: 1, limit: 2 })).toEqual([1, 2])
    expect(store.evaluations('r1', { filter: { status: 'failed' } }).total).toBe(1)
    expect(idx({ filter: { text: 'arch-' } })).toEqual([0, 1, 2])
    expect(store.getEvaluation('r1', 3)!.error).toEqual({ code: 'WORKER_CRASHED', message: 'x' })
    store.deleteRun('r1')
    expect(store.getRun('r1')).toBeNull()
    expect(store.allEvaluations('r1')).toEqual([])
    expect(() => store.evaluations('r1')).toThrow(/no run/)
    store.close()
  })
})
