/**
 * Run timing (issue #21 defect 1) and per-run headline statistics, with the
 * real engine adapter and an in-memory worker host whose jobs take a known
 * wall time: active scoring time excludes a notes edit, the time between an
 * interruption and the resume (server downtime) and a cancelled pause; the
 * stored start/finish survive a reopen. ρ/τ of a vote run are the vote's own.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEngineAdapter } from '../../src/backend/engine-adapter'
import { RunManager } from '../../src/backend/run-manager'
import { runStats } from '../../src/backend/run-stats'
import { RunStore } from '../../src/backend/store'
import type { WorkerHandle, WorkerHost } from '../../src/backend/worker-host'
import { RunConfigSchema, type EvaluationRow } from '../../src/shared/schemas'

const JOB_MS = 40

/** every job answers after JOB_MS with a score derived from the arch; `hang()` makes later jobs never answer */
function slowHost(): WorkerHost & { hang: boolean } {
  const host = {
    hang: false,
    spawn(): WorkerHandle {
      const msg: Array<(m: unknown) => void> = []
      const exit: Array<(c: number | null, s: string | null) => void> = []
      let dead = false
      return {
        pid: 7000,
        post(m: any) {
          if (dead || m.type !== 'score' || host.hang) return
          const { arch, proxies } = m.job as { arch: string; proxies: string[] }
          setTimeout(() => {
            if (dead) return
            const scores = Object.fromEntries(proxies.map((p, k) => [p, (arch.length * (k + 3)) % 17]))
            msg.forEach((cb) => cb({ type: 'result', jobId: m.jobId, outcome: { arch, hash: arch, scores, params: 1, flops: 1, seconds: JOB_MS / 1000, backend: 'fake' } }))
          }, JOB_MS)
        },
        onMessage: (cb) => msg.push(cb),
        onExit: (cb) => exit.push(cb),
        kill: () => {
          if (dead) return
          dead = true
          exit.forEach((cb) => cb(null, 'SIGKILL'))
        },
      }
    },
  }
  return host
}

const config = RunConfigSchema.parse({
  space: 'nb201',
  strategy: 'random',
  proxy: { mode: 'single', id: 'synflow' },
  n: 10,
  seed: 7,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 },
  batchSize: 8,
  workers: 1,
})

const stores: RunStore[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.close()
})
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-timing-'))
function manager(dir: string, host: WorkerHost) {
  const { store } = RunStore.open(dir)
  stores.push(store)
  const m = new RunManager({ store, engine: createEngineAdapter(), host, emit: () => {}, defaultWorkers: 1, versions: { app: 't', engine: 't', node: 't' }, eventIntervalMs: 5 })
  return { m, store }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('run timing', () => {
  it('stores start, finish and active seconds; a notes edit changes none of them', async () => {
    const { m, store } = manager(tmp(), slowHost())
    const t0 = Date.now()
    const s = await m.start(config)
    await m.whenStopped(s.id)
    const wall = (Date.now() - t0) / 1000
    const a = m.summary(s.id)
    expect(a.status).toBe('finished')
    // 10 jobs of 40 ms on one worker: at least 0.4 s of scoring, at most the wall time
    expect(a.timing!.activeSeconds).toBeGreaterThanOrEqual(0.38)
    expect(a.timing!.activeSeconds).toBeLessThanOrEqual(wall + 0.01)
    expect(Date.parse(a.timing!.startedAt!)).toBeGreaterThanOrEqual(t0 - 5)
    expect(Date.parse(a.timing!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(a.timing!.startedAt!))
    await sleep(300)
    store.setNotes(s.id, 'looked at it later')
    const b = m.summary(s.id)
    expect(b.timing).toEqual(a.timing)
    expect(b.updatedAt).not.toBe(a.updatedAt) // the edit itself is recorded, but it is not a duration
  })

  it('an interruption and the downtime before the resume are not counted; start stays the first launch', async () => {
    const dir = tmp()
    const host = slowHost()
    const first = manager(dir, host)
    const s = await first.m.start(config)
    await vi.waitFor(() => expect(first.store.counts(s.id).done).toBeGreaterThanOrEqual(4), { timeout: 10_000 })
    await first.m.shutdown()
    const mid = first.m.summary(s.id)
    expect(mid.status).toBe('interrupted')
    expect(mid.timing!.finishedAt).toBeNull()
    const activeBefore = mid.timing!.activeSeconds
    first.store.close()
    stores.splice(0)
    await sleep(700) // the server is down
    const second = manager(dir, slowHost())
    const tResume = Date.now()
    await second.m.resume(s.id)
    await second.m.whenStopped(s.id)
    const resumedWall = (Date.now() - tResume) / 1000
    const end = second.m.summary(s.id)
    expect(end.status).toBe('finished')
    expect(end.timing!.startedAt).toBe(mid.timing!.startedAt)
    expect(end.timing!.activeSeconds).toBeGreaterThan(activeBefore)
    // the 0.7 s of downtime is absent: active total ≤ the two launches' wall time
    expect(end.timing!.activeSeconds).toBeLessThanOrEqual(activeBefore + resumedWall + 0.01)
    const wallSinceStart = (Date.parse(end.timing!.finishedAt!) - Date.parse(end.timing!.startedAt!)) / 1000
    expect(wallSinceStart - end.timing!.activeSeconds).toBeGreaterThanOrEqual(0.69)
  })

  it('an old store without the timing columns is migrated (runs read as 0 s, not started)', () => {
    const dir = tmp()
    const { store } = RunStore.open(dir)
    store.db.exec('DROP TABLE runs')
    store.db.exec(`CREATE TABLE runs (id TEXT PRIMARY KEY, name TEXT NOT NULL, config_json TEXT NOT NULL, seed INTEGER NOT NULL, total INTEGER NOT NULL,
      versions_json TEXT NOT NULL, hashes_json TEXT NOT NULL DEFAULT '{}', status TEXT NOT NULL, error_json TEXT, best_idx INTEGER,
      notes TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`)
    store.db.prepare(`INSERT INTO runs VALUES ('old', 'n', ?, 1, 3, '{}', '{}', 'finished', NULL, NULL, '', '2020-01-01T00:00:00Z', '2020-01-02T00:00:00Z')`).run(JSON.stringify(config))
    store.close()
    const again = RunStore.open(dir).store
    stores.push(again)
    expect(again.require('old').timing).toEqual({ startedAt: null, finishedAt: null, activeSeconds: 0 })
  })
})

describe('run statistics', () => {
  const row = (index: number, scores: Record<string, number>, gt: number | null, status: 'ok' | 'failed' = 'ok'): EvaluationRow => ({
    index, arch: `a${index}`, hash: `h${index}`, status, scores, params: 1, flops: 1, seconds: 0.1, groundTruth: gt, error: null, attempts: 1,
  })

  it('single proxy: hand-computed Spearman and Kendall; failed rows and rows without truth left out', () => {
    // scores 1,2,3,4 vs truth 10,30,20,40: ranks (1,2,3,4) vs (1,3,2,4): d² = 0+1+1+0 = 2 → ρ = 1 − 6·2/(4·15) = 0.8
    // pairs: 6, one discordant (2,3) → τ = (5 − 1)/6 = 2/3
    const rows = [row(0, { p: 1 }, 10), row(1, { p: 2 }, 30), row(2, { p: 3 }, 20), row(3, { p: 4 }, 40), row(4, {}, 99, 'failed'), row(5, { p: 9 }, null)]
    const s = runStats(rows, ['p'], false)
    expect(s.n).toBe(4)
    expect(s.rho).toBeCloseTo(0.8, 12)
    expect(s.tau).toBeCloseTo(2 / 3, 12)
    expect(s.bestAccuracy).toBe(40)
    expect(s.vote).toBe(false)
  })

  it('vote: ranked by the majority of its members, not by the first member', () => {
    // member a alone ranks exactly opposite to the truth; b and c agree with it, so the vote ranks perfectly
    const rows = [row(0, { a: 3, b: 1, c: 1 }, 10), row(1, { a: 2, b: 2, c: 2 }, 20), row(2, { a: 1, b: 3, c: 3 }, 30)]
    expect(runStats(rows, ['a'], false).rho).toBeCloseTo(-1, 12)
    const v = runStats(rows, ['a', 'b', 'c'], true)
    expect(v.vote).toBe(true)
    expect(v.rho).toBeCloseTo(1, 12)
    expect(v.tau).toBeCloseTo(1, 12)
  })

  it('fewer than two rows with truth: null, not NaN', () => {
    expect(runStats([row(0, { p: 1 }, 10)], ['p'], false)).toEqual({ bestAccuracy: 10, n: 1, rho: null, tau: null, vote: false })
    expect(runStats([], ['p'], false)).toEqual({ bestAccuracy: null, n: 0, rho: null, tau: null, vote: false })
  })
})
