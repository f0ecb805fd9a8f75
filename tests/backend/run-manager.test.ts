/**
 * Supervisor logic with the real engine adapter (registries, RE/random
 * strategies) and an in-memory worker host whose "scores" are a fixed hash of
 * (arch, seed): failures are recorded and told to the strategy, a worker that
 * dies twice on an architecture gives a failed row, and an interrupted run
 * (graceful shutdown mid-batch) resumes to the uninterrupted result.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEngineAdapter } from '../../src/backend/engine-adapter'
import { RunManager } from '../../src/backend/run-manager'
import { evaluationSeed } from '../../src/backend/seeds'
import { RunStore } from '../../src/backend/store'
import { EventThrottle } from '../../src/backend/throttle'
import { majorityCompare, replacesBest } from '../../src/engine/search/compare'
import type { WorkerHandle, WorkerHost } from '../../src/backend/worker-host'
import { RunConfigSchema } from '../../src/shared/schemas'
import { decodeScore, type WireScore } from '../../src/shared/score-value'
import { toldScore, type EvaluationRecord } from '../../src/backend/search-session'
import { fromEvaluationRow, toEvaluationRow } from '../../src/backend/store-sink'

/** deterministic pseudo-score of (arch, seed) */
function fakeScore(arch: string, seed: number): number {
  let h = seed >>> 0
  for (let i = 0; i < arch.length; i++) h = Math.imul(h ^ arch.charCodeAt(i), 0x01000193) >>> 0
  return h / 2 ** 32
}

interface HostControl {
  /** return 'die' to kill the worker on this job, 'hang' to never answer, or an error code to report */
  fate: (arch: string, seed: number) => 'ok' | 'die' | 'hang' | { code: string; message: string }
  /** the wire score of member k (default: fakeScore(arch, seed + k)) */
  score?: (arch: string, seed: number, k: number) => WireScore
}

function fakeHost(ctl: HostControl): WorkerHost & { spawned: number } {
  const host = {
    spawned: 0,
    spawn(): WorkerHandle {
      host.spawned++
      const msg: Array<(m: unknown) => void> = []
      const exit: Array<(c: number | null, s: string | null) => void> = []
      let dead = false
      const die = () => {
        if (dead) return
        dead = true
        exit.forEach((cb) => cb(null, 'SIGKILL'))
      }
      return {
        pid: 4000 + host.spawned,
        post(m: any) {
          if (dead || m.type !== 'score') return
          const { arch, seed, proxies } = m.job as { arch: string; seed: number; proxies: string[] }
          setTimeout(() => {
            const f = ctl.fate(arch, seed)
            if (f === 'die') die()
            else if (typeof f === 'object' && !dead) msg.forEach((cb) => cb({ type: 'error', jobId: m.jobId, error: f }))
            else if (f === 'ok' && !dead) {
              msg.forEach((cb) => cb({ type: 'result', jobId: m.jobId, outcome: { arch, hash: arch, scores: Object.fromEntries(proxies.map((p, k) => [p, ctl.score ? ctl.score(arch, seed, k) : fakeScore(arch, seed + k)])), params: 1, flops: 1, seconds: 0.01, backend: 'fake' } }))
            }
          }, 1)
        },
        onMessage: (cb) => msg.push(cb),
        onExit: (cb) => exit.push(cb),
        kill: die,
      }
    },
  }
  return host
}

const config = RunConfigSchema.parse({
  space: 'nb201',
  strategy: 're',
  strategyOptions: { populationSize: 4, tournamentSize: 2 },
  proxy: { mode: 'single', id: 'acor' },
  n: 14,
  seed: 2024,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 },
  batchSize: 8,
  workers: 3,
})

const stores: RunStore[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.close()
})

function manager(dir: string, ctl: HostControl) {
  const { store } = RunStore.open(dir)
  stores.push(store)
  const events: Array<[string, any]> = []
  const m = new RunManager({
    store,
    engine: createEngineAdapter(),
    host: fakeHost(ctl),
    emit: (e, p) => events.push([e, p]),
    defaultWorkers: 1,
    versions: { app: 't', engine: 't', node: 't' },
    eventIntervalMs: 5,
  })
  return { m, store, events }
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-rm-'))

describe('RunManager', () => {
  it('records a twice-crashed architecture as failed, tells the strategy, and still finishes', async () => {
    // crash every attempt of evaluation 5 (its seed is fixed by (run seed, index))
    const seed5 = evaluationSeed(config.seed, 5)
    const { m, store, events } = manager(tmp(), { fate: (_a, s) => (s === seed5 ? 'die' : 'ok') })
    const s = await m.start(config)
    await m.whenStopped(s.id)
    const sum = m.summary(s.id)
    expect(sum.status).toBe('finished')
    expect(sum.done).toBe(14)
    expect(sum.failed).toBe(1)
    const failed = store.getEvaluation(s.id, 5)!
    expect(failed).toMatchObject({ status: 'failed', attempts: 2, scores: {}, error: { code: 'WORKER_CRASHED' } })
    // every ok row carries the deterministic score of its (arch, derived seed)
    for (const r of store.allEvaluations(s.id).filter((r) => r.status === 'ok')) {
      expect(r.scores.acor).toBe(fakeScore(r.arch, evaluationSeed(config.seed, r.index)))
    }
    // best = strategy's best, a real row with the maximal score (single proxy, ties → newer)
    const ok = store.allEvaluations(s.id).filter((r) => r.status === 'ok')
    const max = Math.max(...ok.map((r) => r.scores.acor as number))
    expect(sum.best!.scores.acor).toBe(max)
    expect(events.filter(([e]) => e === 'run.log').some(([, p]) => /retrying once/.test(p.entry.message))).toBe(true)
    expect(events.at(-1)![0]).toBe('run.finished')
    const streamed = events.filter(([e]) => e === 'run.evaluated').flatMap(([, p]) => p.rows.map((r: any) => r.index))
    expect([...streamed].sort((a, b) => a - b)).toEqual(Array.from({ length: 14 }, (_, i) => i))
  })

  it('a run interrupted mid-batch resumes to exactly the uninterrupted evaluations', async () => {
    const ref = manager(tmp(), { fate: () => 'ok' })
    const r0 = await ref.m.start(config)
    await ref.m.whenStopped(r0.id)
    const expected = ref.store.allEvaluations(r0.id).map(({ index, arch, scores }) => ({ index, arch, scores }))
    expect(expected).toHaveLength(14)

    const dir = tmp()
    let answered = 0
    const first = manager(dir, { fate: () => (++answered <= 8 ? 'ok' : 'hang') })
    const r1 = await first.m.start(config)
    await vi.waitFor(() => expect(first.store.counts(r1.id).done).toBe(8), { timeout: 10_000 })
    await first.m.shutdown() // e.g. app quit: workers killed, run → interrupted
    expect(first.store.require(r1.id).status).toBe('interrupted')
    first.store.close()

    const second = manager(dir, { fate: () => 'ok' })
    await second.m.resume(r1.id)
    await second.m.whenStopped(r1.id)
    expect(second.m.summary(r1.id).status).toBe('finished')
    expect(second.store.allEvaluations(r1.id).map(({ index, arch, scores }) => ({ index, arch, scores }))).toEqual(expected)
    expect(second.m.summary(r1.id).best!.index).toBe(ref.m.summary(r0.id).best!.index)
  })

  it('RE parallel children: a group larger than the worker count is queued whole and gives the same rows as one worker', async () => {
    const par = { ...config, strategyOptions: { populationSize: 4, tournamentSize: 2, parallelChildren: 5 } }
    const one = manager(tmp(), { fate: () => 'ok' })
    const a = await one.m.start({ ...par, workers: 1 })
    await one.m.whenStopped(a.id)
    const two = manager(tmp(), { fate: () => 'ok' })
    const b = await two.m.start({ ...par, workers: 2 })
    await two.m.whenStopped(b.id)
    const rowsOf = (s: RunStore, id: string) => s.allEvaluations(id).map(({ index, arch, scores }) => ({ index, arch, scores }))
    expect(rowsOf(one.store, a.id)).toHaveLength(14)
    expect(rowsOf(two.store, b.id)).toEqual(rowsOf(one.store, a.id))
    expect(two.m.summary(b.id).best!.index).toBe(one.m.summary(a.id).best!.index)
  })

  it('a voting run scores every member and reports the majority-vote best (reference rule: ties go to the newer)', async () => {
    const { m, store } = manager(tmp(), { fate: () => 'ok' })
    const vote = { ...config, strategy: 'random', strategyOptions: {}, proxy: { mode: 'single' as const, id: 'sjw' }, n: 12 }
    const s = await m.start(vote)
    await m.whenStopped(s.id)
    const rows = store.allEvaluations(s.id)
    expect(Object.keys(rows[0].scores)).toEqual(['synflow', 'jaccor', 'wrcor'])
    let best: number[] | null = null
    let bestIndex = -1
    for (const r of rows) {
      const v = ['synflow', 'jaccor', 'wrcor'].map((p) => r.scores[p] as number)
      if (replacesBest(v, best, majorityCompare)) {
        best = v
        bestIndex = r.index
      }
    }
    expect(m.summary(s.id).best!.index).toBe(bestIndex)
  })

  it('non-finite scores keep their kind: stored as such, sorted by value, told as the reference compares them', async () => {
    const n = 12
    const special = new Map<number, WireScore>([[evaluationSeed(2024, 3), '-Infinity'], [evaluationSeed(2024, 5), 'Infinity'], [evaluationSeed(2024, 11), 'NaN']])
    const { m, store } = manager(tmp(), { fate: () => 'ok', score: (arch, seed, k) => special.get(seed) ?? fakeScore(arch, seed + k) })
    const s = await m.start({ ...config, strategy: 'random', strategyOptions: {}, proxy: { mode: 'single', id: 'synflow' }, n })
    await m.whenStopped(s.id)
    const rows = store.allEvaluations(s.id)
    expect(rows.map((r) => r.scores.synflow).filter((v) => typeof v === 'string')).toEqual(['-Infinity', 'Infinity', 'NaN'])
    expect([rows[3], rows[5], rows[11]].map((r) => r.scores.synflow)).toEqual(['-Infinity', 'Infinity', 'NaN'])
    // reference best-so-far over the told order: +∞ (index 5) beats every later finite score; the NaN at
    // index 11 ties with it (a NaN difference counts for neither side) and ties go to the newer
    let best: number[] | null = null
    let bestIndex = -1
    for (const r of rows) {
      const v = [decodeScore(r.scores.synflow)]
      if (replacesBest(v, best, majorityCompare)) {
        best = v
        bestIndex = r.index
      }
    }
    expect(bestIndex).toBe(11)
    expect(m.summary(s.id).best!.index).toBe(11)
    // the store sorts by value: +∞, the finite scores descending, −∞, then NaN with the missing values
    const desc = store.evaluations(s.id, { sort: { key: 'score:synflow', dir: 'desc' }, limit: n }).rows.map((r) => r.index)
    const finite = rows.filter((r) => typeof r.scores.synflow === 'number').sort((a, b) => (b.scores.synflow as number) - (a.scores.synflow as number))
    expect(desc).toEqual([5, ...finite.map((r) => r.index), 3, 11])
    const asc = store.evaluations(s.id, { sort: { key: 'score:synflow', dir: 'asc' }, limit: n }).rows.map((r) => r.index)
    expect(asc).toEqual([3, ...finite.reverse().map((r) => r.index), 5, 11])
  })

  it('tells a failed evaluation, a missing member and a legacy null score as −∞, and NaN/±∞ as themselves', () => {
    const rec = (status: 'ok' | 'failed', scores: Record<string, number>): EvaluationRecord => ({
      index: 0, arch: 'a', hash: 'a', phase: 'search', status, scores, params: null, flops: null, seconds: 0, error: null, attempts: 1,
    })
    expect(toldScore(rec('failed', {}), 'wrcor')).toBe(-Infinity)
    expect(toldScore(rec('failed', { wrcor: 5 }), 'wrcor')).toBe(-Infinity)
    expect(toldScore(rec('ok', {}), 'wrcor')).toBe(-Infinity)
    expect(toldScore(rec('ok', { wrcor: NaN }), 'wrcor')).toBeNaN()
    expect(toldScore(rec('ok', { wrcor: Infinity }), 'wrcor')).toBe(Infinity)
    expect(toldScore(rec('ok', { wrcor: -Infinity }), 'wrcor')).toBe(-Infinity)
    expect(toldScore(rec('ok', { wrcor: -3.5 }), 'wrcor')).toBe(-3.5)
    // the store edge: encoded once into the row, decoded once for resume; a legacy null comes back as −∞
    const row = toEvaluationRow(rec('ok', { a: NaN, b: Infinity, c: -Infinity, d: -3.5 }), null)
    expect(row.scores).toEqual({ a: 'NaN', b: 'Infinity', c: '-Infinity', d: -3.5 })
    expect(JSON.parse(JSON.stringify(fromEvaluationRow(row).scores))).toEqual({ a: null, b: null, c: null, d: -3.5 })
    const back = fromEvaluationRow({ ...row, scores: { ...row.scores, e: null } }).scores
    expect([back.a, back.b, back.c, back.d, back.e]).toEqual([NaN, Infinity, -Infinity, -3.5, -Infinity])
  })

  it('RL warm-up samples are marked, counted in the total, and never best', async () => {
    const { m, store } = manager(tmp(), { fate: () => 'ok' })
    const s = await m.start({ ...config, strategy: 'rl', strategyOptions: { warmup: 3 }, n: 4, workers: 2 })
    expect(s.total).toBe(7)
    await m.whenStopped(s.id)
    const rows = store.allEvaluations(s.id)
    expect(rows.map((r) => r.phase ?? 'search')).toEqual(['warmup', 'warmup', 'warmup', 'search', 'search', 'search', 'search'])
    expect(m.summary(s.id).best!.index).toBeGreaterThanOrEqual(3)
  })

  it('an arch-specific worker error is a failed row; a configuration error fails the whole run with its typed error', async () => {
    const bad = manager(tmp(), { fate: (a) => (a.includes('skip_connect') ? { code: 'INVALID_ARCH', message: 'odd arch' } : 'ok') })
    const s1 = await bad.m.start({ ...config, n: 8 })
    await bad.m.whenStopped(s1.id)
    const sum1 = bad.m.summary(s1.id)
    expect(sum1.status).toBe('finished')
    expect(sum1.failed).toBeGreaterThan(0)
    expect(sum1.failed).toBeLessThan(8)
    expect(sum1.failed).toBe(bad.store.allEvaluations(s1.id).filter((r) => r.arch.includes('skip_connect')).length)

    const fatal = manager(tmp(), { fate: (_a, seed) => (seed === evaluationSeed(config.seed, 2) ? { code: 'INVALID_OPTION', message: 'batch size 8 exceeds the 5 images of dataset x' } : 'ok') })
    const s2 = await fatal.m.start(config)
    await fatal.m.whenStopped(s2.id)
    const sum2 = fatal.m.summary(s2.id)
    expect(sum2.status).toBe('failed')
    expect(sum2.error).toMatchObject({ code: 'INVALID_OPTION' })
    expect(sum2.error!.message).toContain('exceeds the 5 images')
    expect(fatal.store.getEvaluation(s2.id, 2)).toBeNull() // not recorded as a failed architecture
    expect(fatal.events.at(-1)).toEqual(['run.failed', expect.objectContaining({ runId: s2.id, error: expect.objectContaining({ code: 'INVALID_OPTION' }) })])
  })

  it('rejects bad strategy options before creating a run', async () => {
    const { m, store } = manager(tmp(), { fate: () => 'ok' })
    await expect(m.start({ ...config, strategyOptions: { populationSize: 0 } })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    expect(store.listRuns()).toEqual([])
  })
})

describe('EventThrottle', () => {
  it('coalesces bursts into at most one flush per interval, rows batched, nothing lost', () => {
    vi.useFakeTimers()
    try {
      const flushes: Array<{ rows: number[]; best: number | null }> = []
      let cur = { rows: [] as number[], best: null as number | null }
      const t = new EventThrottle(
        {
          evaluated: (rows) => (cur.rows = rows.map((r) => r.index)),
          best: (row) => (cur.best = row.index),
          progress: () => {
            flushes.push(cur)
            cur = { rows: [], best: null }
          },
        },
        300,
      )
      const row = (i: number) => ({ index: i }) as any
      for (let i = 0; i < 50; i++) {
        t.addRow(row(i))
        if (i % 10 === 0) t.setBest(row(i))
        vi.advanceTimersByTime(20) // 50 rows over 1 s
      }
      vi.advanceTimersByTime(1000)
      expect(flushes.length).toBeLessThanOrEqual(5) // ≤ 1 per 300 ms (+ the trailing one)
      expect(flushes.flatMap((f) => f.rows)).toEqual(Array.from({ length: 50 }, (_, i) => i))
      expect(flushes.map((f) => f.best).filter((b) => b !== null).at(-1)).toBe(40)
      t.dispose()
    } finally {
      vi.useRealTimers()
    }
  })
})
