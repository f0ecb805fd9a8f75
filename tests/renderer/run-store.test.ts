// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeApi, type FakeApi } from './helpers/fake-api'
import { detail, row, summary } from './helpers/fixtures'
import { storeEnv } from './helpers/setup'
import { FLUSH_MS, useRunStore } from '../../src/renderer/stores/run'

let fake: FakeApi
beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
  expect(fake.unexpected).toEqual([])
})

function env(initialRows = [row(0, 0.1), row(1, 0.2)], total = 30) {
  fake = fakeApi({
    // updatedAt is 4 min 36 s after creation (a notes edit later); the run itself scored for 4 s (timing.activeSeconds)
    'runs.get': (id: string) => detail(id, { done: initialRows.length, total, updatedAt: '2026-11-23T10:04:36.000Z', timing: { startedAt: '2026-11-23T10:00:00.000Z', finishedAt: null, activeSeconds: 4 }, logs: [{ time: '2026-11-23T10:00:01Z', level: 'info', message: 'started' }] }),
    'runs.evaluations': (_id: string, q: { offset: number; limit: number }) => ({ total: initialRows.length, offset: q.offset, rows: initialRows.slice(q.offset, q.offset + q.limit) }),
    'runs.cancel': (id: string) => summary(id, { status: 'cancelled' }),
    'runs.resume': (id: string) => summary(id, { status: 'running' }),
  })
  storeEnv(fake)
  return useRunStore()
}

describe('run store (live view)', () => {
  it('opens a run: detail, stored rows, logs; subscribes to the run events', async () => {
    const run = env()
    await run.open('r1')
    expect(run.rows.map((r) => r.index)).toEqual([0, 1])
    expect(run.logs.map((l) => l.message)).toEqual(['started'])
    // the stored active time, not updatedAt − createdAt (#21 defect 1): 4 s elapsed, 2 evaluations → 0.5 arch/s
    expect(run.progress).toMatchObject({ done: 2, total: 30, elapsed: 4, rate: 0.5 })
    expect(fake.handlerCount('run.evaluated')).toBe(1)
    expect(fake.calls.find((c) => c.method === 'runs.evaluations')!.args[1]).toMatchObject({ offset: 0, sort: { key: 'index', dir: 'asc' } })
  })

  it('coalesces a burst of events into one update per 250 ms and appends only new rows', async () => {
    const run = env()
    await run.open('r1')
    const before = run.flushes
    const firstArray = run.rows
    const openedAt = run.lastResultAt! // the stored rows count as a result (fake clock)
    for (let i = 2; i < 22; i++) fake.emit('run.evaluated', { runId: 'r1', rows: [row(i, i / 100)] })
    fake.emit('run.evaluated', { runId: 'r1', rows: [row(1, 0.2)] }) // overlap with the initial page
    fake.emit('run.progress', { runId: 'r1', done: 22, failed: 0, total: 30, rate: 4, elapsed: 5.5, eta: 2 })
    fake.emit('run.evaluated', { runId: 'other', rows: [row(99, 9)] }) // another run's row
    expect(run.rows).toBe(firstArray) // nothing redrawn yet
    vi.advanceTimersByTime(FLUSH_MS - 1)
    expect(run.rows.length).toBe(2)
    expect(run.lastResultAt).toBe(openedAt) // the heartbeat moves only when new rows are drawn
    vi.advanceTimersByTime(1)
    expect(run.flushes - before).toBe(1)
    expect(run.rows.map((r) => r.index)).toEqual([...Array(22).keys()])
    expect(run.progress).toMatchObject({ done: 22, rate: 4, eta: 2 })
    expect(run.lastResultAt).toBe(openedAt + FLUSH_MS)
    // a further second of steady traffic gives at most 4 redraws
    const b2 = run.flushes
    for (let t = 0; t < 20; t++) {
      fake.emit('run.evaluated', { runId: 'r1', rows: [row(22 + t, 0)] })
      vi.advanceTimersByTime(50)
    }
    expect(run.flushes - b2).toBeLessThanOrEqual(4)
    vi.advanceTimersByTime(FLUSH_MS)
    expect(run.rows.length).toBe(42)
  })

  it('finished / failed events set the status; cancel and resume call the service', async () => {
    const run = env()
    await run.open('r1')
    await run.cancel()
    expect(run.status).toBe('cancelled')
    expect(run.canResume).toBe(true)
    await run.resume()
    expect(run.status).toBe('running')
    fake.emit('run.finished', { runId: 'r1', summary: summary('r1', { status: 'finished', done: 30 }) })
    expect(run.status).toBe('finished')
    expect(run.progress).toMatchObject({ done: 30, total: 30, eta: 0 })
    fake.emit('run.failed', { runId: 'r1', error: { code: 'WORKER_CRASHED', message: 'worker died twice' } })
    expect(run.error).toBe('The run failed: worker died twice')
  })

  it('read-only runs do not subscribe; switching runs unsubscribes the previous one', async () => {
    const run = env()
    await run.open('r1')
    expect(fake.handlerCount('run.progress')).toBe(1)
    await run.open('r2', { readOnly: true })
    expect(fake.handlerCount('run.progress')).toBe(0)
    expect(run.canResume).toBe(false) // r2 is running
  })

  it('an interrupted run opened read-only from the history can be resumed and then goes live', async () => {
    fake = fakeApi({
      'runs.get': (id: string) => detail(id, { status: 'interrupted', done: 1 }),
      'runs.evaluations': () => ({ total: 1, offset: 0, rows: [row(0, 0.3)] }),
      'runs.resume': (id: string) => summary(id, { status: 'running', done: 1 }),
    })
    storeEnv(fake)
    const run = useRunStore()
    await run.open('r3', { readOnly: true })
    expect(run.canResume).toBe(true)
    expect(fake.handlerCount('run.evaluated')).toBe(0)
    await run.resume()
    expect(run.status).toBe('running')
    expect(run.readOnly).toBe(false)
    fake.emit('run.evaluated', { runId: 'r3', rows: [row(1, 0.4)] })
    vi.advanceTimersByTime(FLUSH_MS)
    expect(run.rows.map((r) => r.index)).toEqual([0, 1])
  })

  it('a failing open shows a message instead of throwing', async () => {
    fake = fakeApi({ 'runs.get': () => Promise.reject(Object.assign(new Error('no run x'), { code: 'NOT_FOUND' })) })
    storeEnv(fake)
    const run = useRunStore()
    await run.open('x')
    expect(run.error).toBe('Could not open run x: no run x (NOT_FOUND)')
    expect(run.rows).toEqual([])
  })
})
