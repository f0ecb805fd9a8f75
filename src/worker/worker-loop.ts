/**
 * The scoring worker's message loop, independent of how the process was
 * spawned and of what scores (the real entry injects the engine's
 * `scoreArchitecture`). Jobs are handled one at a time, in arrival order.
 * A job's failure (bad arch, numeric error…) is reported as typed error data
 * and the worker stays alive; only a crash of the process loses a job.
 */
import { ZsnasError } from '../engine/core/errors'
import { errorToData } from '../shared/dispatch'
import type { ParentChannel } from './channel'
import { ToWorkerSchema, type ScoreJob, type ScoreOutcome } from './protocol'

export type Scorer = (job: ScoreJob) => Promise<ScoreOutcome>

/** NaN/±Infinity cannot cross JSON: they become null. */
export function finiteOrNull(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null
}

export function runWorker(channel: ParentChannel, scorer: Scorer): void {
  let chain = Promise.resolve()
  channel.onMessage((raw) => {
    const parsed = ToWorkerSchema.safeParse(raw)
    if (!parsed.success) return // nothing to answer: no job id
    const msg = parsed.data
    if (msg.type === 'shutdown') {
      process.exit(0)
    }
    chain = chain.then(async () => {
      try {
        const outcome = await scorer(msg.job)
        channel.post({ type: 'result', jobId: msg.jobId, outcome })
      } catch (e) {
        channel.post({ type: 'error', jobId: msg.jobId, error: errorToData(e instanceof ZsnasError ? e : e) })
      }
    })
  })
  channel.post({ type: 'ready', pid: process.pid })
}
