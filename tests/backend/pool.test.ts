/**
 * Worker pool and recycling host against an in-memory fake WorkerHost whose
 * "processes" answer, fail, or die on command: ordering, crash → one retry on
 * a fresh worker → WORKER_CRASHED, no retry for scoring errors, cancel, reuse.
 */
import { describe, expect, it } from 'vitest'
import { WorkerPool } from '../../src/backend/pool'
import { recyclingHost } from '../../src/backend/recycling-host'
import type { WorkerHandle, WorkerHost } from '../../src/backend/worker-host'
import type { ScoreJob } from '../../src/worker/protocol'
import { job } from './fixtures/score-job'

type Behaviour = (job: ScoreJob, worker: FakeWorker) => void

class FakeWorker implements WorkerHandle {
  static nextPid = 1000
  readonly pid = FakeWorker.nextPid++
  dead = false
  jobs: ScoreJob[] = []
  private msg: Array<(m: unknown) => void> = []
  private exit: Array<(c: number | null, s: string | null) => void> = []
  constructor(private behaviour: Behaviour) {}
  post(m: any) {
    if (this.dead || m.type !== 'score') return
    this.jobs.push(m.job)
    const job = m.job as ScoreJob
    ;(this as any).jobId = m.jobId
    queueMicrotask(() => this.behaviour(job, this))
  }
  reply(outcome: Record<string, unknown> | null, error?: { code: string; message: string }) {
    const jobId = (this as any).jobId
    for (const cb of this.msg) cb(error ? { type: 'error', jobId, error } : { type: 'result', jobId, outcome })
  }
  die() {
    if (this.dead) return
    this.dead = true
    for (const cb of this.exit) cb(null, 'SIGKILL')
  }
  onMessage(cb: (m: unknown) => void) {
    this.msg.push(cb)
  }
  onExit(cb: (c: number | null, s: string | null) => void) {
    this.exit.push(cb)
  }
  kill() {
    this.die()
  }
}

function fakeHost(behaviour: Behaviour): WorkerHost & { spawned: FakeWorker[] } {
  const spawned: FakeWorker[] = []
  return {
    spawned,
    spawn() {
      const w = new FakeWorker(behaviour)
      spawned.push(w)
      return w
    },
  }
}

const outcome = (arch: string, seed: number) => ({ arch, hash: arch, scores: { p: seed }, params: 1, flops: 2, seconds: 0.1, backend: 'fake' })

describe('WorkerPool', () => {
  it('scores in parallel up to its size, one job per worker at a time', async () => {
    const host = fakeHost((j, w) => w.reply(outcome(j.arch, j.seed)))
    const pool = new WorkerPool(host, 2)
    const rs = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((a, i) => pool.score(job(a, i))))
    expect(rs.map((r) => r.ok && r.outcome.scores.p)).toEqual([0, 1, 2, 3, 4])
    expect(rs.every((r) => r.attempts === 1)).toBe(true)
    expect(host.spawned).toHaveLength(2)
    pool.close()
    expect(host.spawned.every((w) => w.dead)).toBe(true)
  })

  it('restarts a crashed worker and retries its job once; a second crash records WORKER_CRASHED', async () => {
    const deaths = new Map<string, number>()
    const host = fakeHost((j, w) => {
      const n = deaths.get(j.arch) ?? 0
      const limit = j.arch === 'always-crashes' ? 99 : j.arch === 'crashes-once' ? 1 : 0
      if (n < limit) {
        deaths.set(j.arch, n + 1)
        w.die()
      } else w.reply(outcome(j.arch, j.seed))
    })
    const exits: Array<boolean> = []
    const pool = new WorkerPool(host, 1, { onWorkerExit: (_p, _c, _s, hadJob) => exits.push(hadJob) })
    const once = await pool.score(job('crashes-once', 5))
    expect(once).toMatchObject({ ok: true, attempts: 2 })
    const twice = await pool.score(job('always-crashes'))
    expect(twice).toMatchObject({ ok: false, attempts: 2, error: { code: 'WORKER_CRASHED' } })
    expect(deaths.get('always-crashes')).toBe(2)
    const after = await pool.score(job('fine', 9))
    expect(after).toMatchObject({ ok: true, attempts: 1 })
    expect(exits).toEqual([true, true, true])
    expect(host.spawned).toHaveLength(4)
    pool.close()
  })

  it('does not retry a scoring error reported by the worker', async () => {
    const host = fakeHost((j, w) => w.reply(null, { code: 'INVALID_ARCH', message: `bad ${j.arch}` }))
    const pool = new WorkerPool(host, 1)
    expect(await pool.score(job('x'))).toEqual({ ok: false, attempts: 1, error: { code: 'INVALID_ARCH', message: 'bad x' } })
    expect(host.spawned).toHaveLength(1)
    pool.close()
  })

  it('close() kills busy workers and resolves pending and queued jobs as CANCELLED', async () => {
    const host = fakeHost(() => {}) // never answers
    const pool = new WorkerPool(host, 1)
    const a = pool.score(job('a'))
    const b = pool.score(job('b'))
    await new Promise((r) => setTimeout(r, 5))
    pool.close()
    expect(await a).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(await b).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(host.spawned[0].dead).toBe(true)
    expect(await pool.score(job('c'))).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
  })
})

describe('recyclingHost', () => {
  it('hands an idle process to the next pool with fresh listeners, kills extras and idle ones on dispose', async () => {
    const inner = fakeHost((j, w) => w.reply(outcome(j.arch, j.seed)))
    const host = recyclingHost(inner, 1)
    const p1 = new WorkerPool(host, 2)
    await Promise.all([p1.score(job('a')), p1.score(job('b'))])
    p1.close((h) => host.recycle(h))
    expect(host.idle()).toBe(1)
    expect(inner.spawned.filter((w) => w.dead)).toHaveLength(1) // cache holds one; the other was killed

    const p2 = new WorkerPool(host, 1)
    const r = await p2.score(job('c', 3))
    expect(r).toMatchObject({ ok: true, attempts: 1, outcome: { arch: 'c' } })
    expect(inner.spawned).toHaveLength(2) // reused, not spawned
    p2.close((h) => host.recycle(h))
    host.dispose()
    expect(inner.spawned.every((w) => w.dead)).toBe(true)
    expect(host.idle()).toBe(0)
  })
})
