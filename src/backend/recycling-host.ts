/**
 * Keeps finished runs' idle worker processes warm for the next run (a scoring
 * process pays ~1–3 s of start-up and tfjs/wasm warm-up).
 *
 * Guarantees: a recycled process is handed to at most one pool at a time and
 * each lease has its own message/exit listeners (a previous pool never sees
 * the next pool's traffic); at most `maxIdle` processes are kept; `dispose()`
 * kills every idle process. Evaluation results never depend on which process
 * scored them (seeds travel with the job), so reuse cannot change results.
 */
import type { WorkerHandle, WorkerHost } from './worker-host'

interface Raw {
  handle: WorkerHandle
  exited: boolean
  lease: Lease | null
}

interface Lease {
  message: Array<(m: unknown) => void>
  exit: Array<(code: number | null, signal: string | null) => void>
}

export interface RecyclingHost extends WorkerHost {
  /** returns an idle process to the cache (killed if the cache is full or it already exited) */
  recycle(h: WorkerHandle): void
  /** number of idle cached processes */
  idle(): number
  dispose(): void
}

export function recyclingHost(inner: WorkerHost, maxIdle: number): RecyclingHost {
  const idle: Raw[] = []
  const byLeaseHandle = new WeakMap<WorkerHandle, Raw>()

  const lease = (raw: Raw): WorkerHandle => {
    const l: Lease = { message: [], exit: [] }
    raw.lease = l
    const h: WorkerHandle = {
      get pid() {
        return raw.handle.pid
      },
      post: (m) => {
        if (raw.lease === l) raw.handle.post(m)
      },
      onMessage: (cb) => l.message.push(cb),
      onExit: (cb) => l.exit.push(cb),
      kill: () => raw.handle.kill(),
    }
    byLeaseHandle.set(h, raw)
    return h
  }

  return {
    spawn() {
      while (idle.length > 0) {
        const raw = idle.pop()!
        if (!raw.exited) return lease(raw)
      }
      const raw: Raw = { handle: inner.spawn(), exited: false, lease: null }
      raw.handle.onMessage((m) => raw.lease?.message.forEach((cb) => cb(m)))
      raw.handle.onExit((code, signal) => {
        raw.exited = true
        const i = idle.indexOf(raw)
        if (i >= 0) idle.splice(i, 1)
        raw.lease?.exit.forEach((cb) => cb(code, signal))
      })
      return lease(raw)
    },
    recycle(h) {
      const raw = byLeaseHandle.get(h)
      if (!raw || raw.exited) return
      raw.lease = null
      if (idle.length < maxIdle) idle.push(raw)
      else raw.handle.kill()
    },
    idle: () => idle.length,
    dispose() {
      for (const raw of idle.splice(0)) raw.handle.kill()
    },
  }
}
