/**
 * The scoring worker's message loop, independent of how the process was
 * spawned and of what scores (the real entry injects the engine's
 * `scoreArchitecture`). Jobs are handled one at a time, in arrival order.
 * A job's failure (bad arch, numeric error…) is reported as typed error data
 * and the worker stays alive; only a crash of the process loses a job.
 * Outcomes leave through `toWireOutcome` (the wire's only encoder).
 */
import { errorToData } from '../shared/dispatch'
import type { ParentChannel } from './channel'
import { ToWorkerSchema, toWireOutcome, type ScoreJob, type ScoreOutcome } from './protocol'

export type JobScorer = (job: ScoreJob) => Promise<ScoreOutcome>

/** A number that is not finite (NaN/±∞) becomes null (params/FLOPs of the outcome). */
export function finiteOrNull(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null
}

/** What a worker needs of its host besides the channel (defaults: Node's `process`; a browser page passes its own). */
export interface WorkerRuntime {
  /** sent with `ready` */
  pid: number
  /** ends the worker on `shutdown` */
  exit(): void
}

function nodeRuntime(): WorkerRuntime {
  return { pid: process.pid, exit: () => process.exit(0) }
}

export function runWorker(channel: ParentChannel, scorer: JobScorer, runtime: WorkerRuntime = nodeRuntime()): void {
  let chain = Promise.resolve()
  channel.onMessage((raw) => {
    const parsed = ToWorkerSchema.safeParse(raw)
    if (!parsed.success) return // nothing to answer: no job id
    const msg = parsed.data
    if (msg.type === 'shutdown') {
      runtime.exit()
      return
    }
    chain = chain.then(async () => {
      try {
        const outcome = await scorer(msg.job)
        channel.post({ type: 'result', jobId: msg.jobId, outcome: toWireOutcome(outcome) })
      } catch (e) {
        channel.post({ type: 'error', jobId: msg.jobId, error: errorToData(e) })
      }
    })
  })
  channel.post({ type: 'ready', pid: runtime.pid })
}
