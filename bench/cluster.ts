/**
 * Cluster throughput bench (issue #19; not part of CI). Prints numbers.
 *
 *   npx tsx bench/cluster.ts [--n 60] [--proxy naswot] [--dataset noise:32:10] [--batch 16] [--workers 1,2] [--reps 1]
 *
 * For K in --workers, the same random NB201 search (N architectures, same
 * seed) is scored
 *   (a) by the local pool (`WorkerPool`, K scoring processes), and
 *   (b) through Redis (a throw-away loopback redis-server, no persistence) by
 *       K cluster workers (`startClusterWorker`, concurrency 1 each, i.e. K
 *       scoring processes) on this machine,
 * both with K jobs in flight and their processes warmed up first (one job
 * each), so the numbers compare the scoring path, not tfjs start-up.
 * Prints wall time, evaluations/s, the ratio cluster/local (goal ≥ 0.95:
 * the queue costs < 5 %) and the per-job overhead (cluster − local) / N·K.
 * The rows of (a) and (b) are checked identical (scores, archs).
 *
 * Then the queue's own cost, without scoring noise: the same path with an
 * instant in-memory "scoring process" (`--overhead-n` jobs, 1 in flight):
 * the round trip submit → worker → result per job, in ms.
 *
 *   npx tsx bench/cluster.ts --workers '' --overhead-n 200     # the overhead only
 *
 * Requires /usr/bin/redis-server (or ZSNAS_REDIS_SERVER).
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { datasetFlag } from '../src/cli/args'
import { createSpace } from '../src/engine/spaces/registry'
import { createStrategy } from '../src/engine/search/registry'
import { WorkerPool } from '../src/backend/pool'
import { forkHost, scoreWorkerEntry } from '../src/backend/worker-host'
import { SearchSession, type EvaluationRecord, type SessionSink } from '../src/backend/search-session'
import type { Scorer } from '../src/backend/scorer'
import { ClusterScorer } from '../src/backend/cluster/cluster-scorer'
import { datasetRef } from '../src/backend/cluster/dataset-ref'
import { redisOptions } from '../src/backend/cluster/connection'
import { startClusterWorker, type ClusterWorker } from '../src/backend/cluster/worker'
import { startRedis } from '../tests/backend/cluster/redis-server'
import type { WorkerHandle, WorkerHost } from '../src/backend/worker-host'

/** A scoring "process" that sleeps a per-architecture time (0.5–1.5 × ms, fixed by the arch string) and uses no CPU. */
function sleepyHost(ms: number): WorkerHost {
  return {
    spawn(): WorkerHandle {
      const cbs: Array<(m: unknown) => void> = []
      return {
        pid: 0,
        post(m: any) {
          if (m.type !== 'score') return
          let h = 2166136261
          for (const ch of m.job.arch as string) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0
          const outcome = { arch: m.job.arch, hash: m.job.arch, scores: { naswot: h / 2 ** 32 }, params: 1, flops: 1, seconds: 0, backend: 'sleep' }
          setTimeout(() => cbs.forEach((cb) => cb({ type: 'result', jobId: m.jobId, outcome })), ms * (0.5 + h / 2 ** 32))
        },
        onMessage: (cb) => void cbs.push(cb),
        onExit: () => {},
        kill: () => {},
      }
    },
  }
}
const processHost = (): WorkerHost => (Number(values['sleep-ms']) > 0 ? sleepyHost(Number(values['sleep-ms'])) : forkHost(scoreWorkerEntry()))

/** A scoring "process" that answers every job at once (the queue's cost alone). */
const instantHost: WorkerHost = {
  spawn(): WorkerHandle {
    const cbs: Array<(m: unknown) => void> = []
    return {
      pid: 0,
      post(m: any) {
        if (m.type !== 'score') return
        const outcome = { arch: m.job.arch, hash: m.job.arch, scores: { naswot: 1 }, params: 1, flops: 1, seconds: 0, backend: 'none' }
        queueMicrotask(() => cbs.forEach((cb) => cb({ type: 'result', jobId: m.jobId, outcome })))
      },
      onMessage: (cb) => void cbs.push(cb),
      onExit: () => {},
      kill: () => {},
    }
  },
}

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '60' },
    proxy: { type: 'string', default: 'naswot' },
    dataset: { type: 'string', default: 'noise:32:10' },
    batch: { type: 'string', default: '16' },
    workers: { type: 'string', default: '1,2' },
    reps: { type: 'string', default: '1' },
    'overhead-n': { type: 'string', default: '100' },
    /** > 0: the scoring processes sleep a fixed per-architecture time of 0.5–1.5 × this (no CPU), isolating dispatch */
    'sleep-ms': { type: 'string', default: '0' },
  },
})
const N = Number(values.n)
const dataset = datasetFlag(values.dataset)
const request = { space: 'nb201', proxies: values.proxy!.split(','), dataset, batchSize: Number(values.batch), init: 'pytorch' as const }
const space = createSpace('nb201')

function memorySink(): SessionSink & { rows: EvaluationRecord[] } {
  const rows: EvaluationRecord[] = []
  return { rows, stored: () => null, record: (r) => void rows.push(r), checkpoint: () => {} }
}

/** One timed search of N architectures through `scorer`; the rows for the identity check. */
async function timedSearch(scorer: Scorer, seed: number): Promise<{ seconds: number; rows: EvaluationRecord[] }> {
  const sink = memorySink()
  const strategy = createStrategy('random', { space, budget: N, seed, options: {} })
  const session = new SearchSession({ strategy, hashOf: (a) => space.hash(space.fromString(a)), request, runSeed: seed, scorer, sink })
  const t0 = performance.now()
  await session.run()
  return { seconds: (performance.now() - t0) / 1000, rows: sink.rows.sort((a, b) => a.index - b.index) }
}

/** Scores K distinct warm-up architectures so every scoring process has started tfjs. */
async function warm(scorer: Scorer, k: number, offset: number): Promise<void> {
  const strategy = createStrategy('random', { space, budget: k, seed: 999_000 + offset, options: {} })
  await Promise.all(strategy.ask(k).map((c, i) => scorer.score({ ...request, arch: c.arch, seed: i }, { index: 1_000_000 + offset * 1000 + i })))
}

const same = (a: EvaluationRecord[], b: EvaluationRecord[]): boolean =>
  a.length === b.length && a.every((r, i) => r.arch === b[i].arch && JSON.stringify(r.scores) === JSON.stringify(b[i].scores))

const redis = await startRedis()
const connection = redisOptions(redis.url)
const ref = await datasetRef(dataset)
console.log(`bench/cluster: N=${N} proxy=${values.proxy} dataset=${values.dataset} batch=${values.batch}; ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`)
try {
  for (const k of values.workers!.split(',').filter(Boolean).map(Number)) {
    for (let rep = 0; rep < Number(values.reps); rep++) {
      const seed = 100 + rep
      const runLocal = async () => {
        const pool = new WorkerPool(processHost(), k)
        await warm(pool, k, k * 10 + rep)
        const r = await timedSearch(pool, seed)
        pool.close()
        return r
      }
      const runCluster = async () => {
        const workers: ClusterWorker[] = []
        for (let i = 0; i < k; i++) workers.push(await startClusterWorker({ connection, concurrency: 1, hostname: `bench-${i}`, processHost: processHost() }))
        const cluster = new ClusterScorer({ connection, run: `bench-${Date.now()}-${k}-${rep}`, dataset: ref, size: k, pollMs: 500 })
        await warm(cluster, k, k * 10 + rep + 500)
        const r = await timedSearch(cluster, seed)
        cluster.close()
        await cluster.whenClosed()
        await Promise.all(workers.map((w) => w.close(true)))
        return r
      }
      // alternate the order (ABBA over reps) so a load drift on a shared machine does not favour one side
      let local, remote
      if (rep % 2 === 0) {
        local = await runLocal()
        remote = await runCluster()
      } else {
        remote = await runCluster()
        local = await runLocal()
      }

      const ratio = (N / remote.seconds) / (N / local.seconds)
      const overheadMs = ((remote.seconds - local.seconds) / N) * k * 1000
      console.log(
        `K=${k} rep ${rep} (${rep % 2 === 0 ? 'local first' : 'Redis first'}), load ${os.loadavg()[0].toFixed(1)}: local pool ${local.seconds.toFixed(2)} s (${(N / local.seconds).toFixed(2)} evals/s) | ` +
          `Redis ${remote.seconds.toFixed(2)} s (${(N / remote.seconds).toFixed(2)} evals/s) | ratio ${ratio.toFixed(3)} | ` +
          `overhead ${overheadMs.toFixed(1)} ms/job | rows identical: ${same(local.rows, remote.rows)}`,
      )
    }
  }
  const on = Number(values['overhead-n'])
  if (on > 0) {
    const worker = await startClusterWorker({ connection, concurrency: 1, hostname: 'bench-instant', processHost: instantHost })
    const cluster = new ClusterScorer({ connection, run: `overhead-${Date.now()}`, dataset: ref, size: 1, pollMs: 500 })
    const strategy = createStrategy('random', { space, budget: on + 5, seed: 5, options: {} })
    const cands = strategy.ask(on + 5)
    for (let i = 0; i < 5; i++) await cluster.score({ ...request, arch: cands[i].arch, seed: i }, { index: i }) // warm-up
    const times: number[] = []
    for (let i = 5; i < on + 5; i++) {
      const t0 = performance.now()
      const r = await cluster.score({ ...request, arch: cands[i].arch, seed: i }, { index: i })
      if (!r.ok) throw new Error(`overhead job ${i} failed: ${r.error.message}`)
      times.push(performance.now() - t0)
    }
    cluster.close()
    await cluster.whenClosed()
    await worker.close(true)
    times.sort((a, b) => a - b)
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1)
    console.log(`queue round trip (instant scoring, 1 in flight, ${on} jobs): mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(1)} ms, median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms`)
  }
} finally {
  await redis.stop()
}
process.exit(0)
