/**
 * A dead wasm instance (issue #18): a real worker process whose wasm heap
 * traps reports the job as OUT_OF_MEMORY (batch and resolution in the
 * message, `instanceDead` in the details) — never as an internal error — and
 * the pool replaces that worker: the next job runs on a fresh process with a
 * working backend, without a retry of the failed job.
 */
import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { WorkerPool } from '../../src/backend/pool'
import { forkHost } from '../../src/backend/worker-host'
import type { ScoreJob } from '../../src/worker/protocol'

const entry = fileURLToPath(new URL('./fixtures/wasm-abort-worker.ts', import.meta.url))
const job = (arch: string): ScoreJob => ({ space: 'mbv2', arch, proxies: ['p'], dataset: { kind: 'noise', imageSize: 16, numClasses: 10 }, batchSize: 64, seed: 1, init: 'pytorch' })

describe('WorkerPool with a dead wasm instance', () => {
  it('reports OUT_OF_MEMORY and replaces the worker; the next job scores on a fresh process', async () => {
    const exits: (number | undefined)[] = []
    const pool = new WorkerPool(forkHost({ entry, execArgv: ['--import', 'tsx'] }), 1, { onWorkerExit: (pid) => exits.push(pid) })
    try {
      const first = await pool.score(job('ok'))
      expect(first.ok).toBe(true)
      const pid1 = first.ok ? first.outcome.scores.pid : NaN
      expect(first.ok && first.outcome.scores.sum).toBe(16)
      const dead = await pool.score(job('abort'))
      expect(dead.ok).toBe(false)
      if (!dead.ok) {
        expect(dead.error.code).toBe('OUT_OF_MEMORY')
        expect(dead.error.message).toMatch(/batch 64 at 224 px/)
        expect(dead.error.details?.instanceDead).toBe(true)
        expect(dead.attempts).toBe(1)
      }
      const after = await pool.score(job('ok'))
      expect(after.ok).toBe(true)
      expect(after.ok && after.outcome.scores.sum).toBe(16)
      expect(after.ok && after.outcome.scores.pid).not.toBe(pid1)
      expect(exits).toContain(pid1)
      expect(pool.pids()).toHaveLength(1)
    } finally {
      pool.close()
    }
  }, 120_000)
})
