/**
 * A pool of up to `size` scoring worker processes for ONE run.
 *
 * Guarantees:
 *  - jobs are dispatched to idle workers in submission order; workers are
 *    spawned lazily and reused;
 *  - a worker that dies while scoring is replaced and its job retried once
 *    (attempt 2); if that also dies the job resolves as failed with code
 *    'WORKER_CRASHED' (never rejects for a crash);
 *  - a scoring error reported by the worker (bad arch, numeric…) resolves as
 *    failed immediately, without retry; when its details say the worker's
 *    backend instance is dead (`instanceDead`: a wasm heap abort, reported
 *    as OUT_OF_MEMORY by the engine) that worker is killed and replaced;
 *  - `close()` SIGKILLs every busy worker and resolves all unfinished jobs as
 *    'CANCELLED' — this is how cancel is honoured within one architecture;
 *  - outcomes come back with plain-number scores (NaN/±∞ decoded from the wire here).
 */
import type { ServiceErrorData } from '../shared/schemas'
import { FromWorkerSchema, fromWireOutcome, type ScoreJob } from '../worker/protocol'
import type { WorkerHandle, WorkerHost } from './worker-host'
import type { ScoreAttempt, Scorer } from './scorer'


interface Pending {
  job: ScoreJob
  attempts: number
  resolve: (r: ScoreAttempt) => void
}

interface Slot {
  handle: WorkerHandle
  current: { jobId: number; pending: Pending } | null
}

export interface PoolEvents {
  onWorkerExit?: (pid: number | undefined, code: number | null, signal: string | null, hadJob: boolean) => void
  onWorkerSpawn?: (pid: number | undefined) => void
}

/** The multi-process `Scorer` (see scorer.ts). */
export class WorkerPool implements Scorer {
  private readonly slots: Slot[] = []
  private readonly queue: Pending[] = []
  private nextJobId = 1
  private closed = false

  constructor(
    private readonly host: WorkerHost,
    readonly size: number,
    private readonly events: PoolEvents = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a positive integer, got ${size}`)
  }

  /** pids of live workers (for diagnostics and crash tests) */
  pids(): number[] {
    return this.slots.map((s) => s.handle.pid).filter((p): p is number => typeof p === 'number')
  }

  score(job: ScoreJob): Promise<ScoreAttempt> {
    if (this.closed) return Promise.resolve({ ok: false, error: { code: 'CANCELLED', message: 'pool closed' }, attempts: 0 })
    return new Promise((resolve) => {
      this.queue.push({ job, attempts: 0, resolve })
      this.pump()
    })
  }

  /**
   * Closes the pool. Busy workers are always killed (their jobs resolve as
   * CANCELLED). Idle workers are handed to `release` when given (kept warm for
   * the next run), otherwise killed.
   */
  close(release?: (h: WorkerHandle) => void): void {
    if (this.closed) return
    this.closed = true
    const cancelled: ServiceErrorData = { code: 'CANCELLED', message: 'run cancelled' }
    for (const p of this.queue.splice(0)) p.resolve({ ok: false, error: cancelled, attempts: p.attempts })
    for (const s of this.slots.splice(0)) {
      if (s.current) {
        s.current.pending.resolve({ ok: false, error: cancelled, attempts: s.current.pending.attempts })
        s.current = null
        s.handle.kill()
      } else if (release) release(s.handle)
      else s.handle.kill()
    }
  }

  private pump(): void {
    if (this.closed) return
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.current === null)
      if (!slot && this.slots.length < this.size) slot = this.spawn()
      if (!slot) return
      const pending = this.queue.shift()!
      pending.attempts++
      const jobId = this.nextJobId++
      slot.current = { jobId, pending }
      slot.handle.post({ type: 'score', jobId, job: pending.job })
    }
  }

  /** Removes an idle worker whose backend is unusable and kills it (the next job spawns a fresh one). */
  private retire(slot: Slot): void {
    const i = this.slots.indexOf(slot)
    if (i >= 0) this.slots.splice(i, 1)
    slot.handle.kill()
  }

  private spawn(): Slot {
    const handle = this.host.spawn()
    const slot: Slot = { handle, current: null }
    this.slots.push(slot)
    this.events.onWorkerSpawn?.(handle.pid)
    handle.onMessage((raw) => {
      const parsed = FromWorkerSchema.safeParse(raw)
      if (!parsed.success || parsed.data.type === 'ready') return
      const msg = parsed.data
      if (!slot.current || slot.current.jobId !== msg.jobId) return
      const { pending } = slot.current
      slot.current = null
      if (msg.type === 'result') pending.resolve({ ok: true, outcome: fromWireOutcome(msg.outcome), attempts: pending.attempts })
      else {
        pending.resolve({ ok: false, error: msg.error, attempts: pending.attempts })
        if ((msg.error.details as { instanceDead?: unknown } | undefined)?.instanceDead === true) this.retire(slot)
      }
      this.pump()
    })
    handle.onExit((code, signal) => {
      const i = this.slots.indexOf(slot)
      if (i >= 0) this.slots.splice(i, 1)
      const cur = slot.current
      slot.current = null
      this.events.onWorkerExit?.(handle.pid, code, signal, cur !== null)
      if (this.closed) return
      if (cur) {
        if (cur.pending.attempts < 2) {
          this.queue.unshift(cur.pending) // retry first, on a fresh worker
        } else {
          cur.pending.resolve({
            ok: false,
            attempts: cur.pending.attempts,
            error: {
              code: 'WORKER_CRASHED',
              message: `the scoring process died twice on this architecture (last exit: ${signal ?? `code ${code}`})`,
              details: { code, signal },
            },
          })
        }
      }
      this.pump()
    })
    return slot
  }
}
