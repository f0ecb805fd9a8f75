/**
 * A Scorer turns one engine `ScoreRequest` into one outcome. The search
 * session (search-session.ts) depends only on this interface, so where the
 * scoring happens is a choice of the shell:
 *  - `InProcessScorer` — `scoreArchitecture` in this process, one request at a time;
 *  - `WorkerPool` (pool.ts) — K worker processes (the app, `zsnas search --workers K`);
 *  - a distributed scorer (e.g. Redis queue + remote workers) is one more
 *    class implementing this interface.
 *
 * Contract: `score` never rejects; a failure resolves `{ ok: false, error }`
 * with typed error data (per-architecture errors and configuration errors
 * alike; the session decides which fail the run). After `close()`, pending
 * and new requests resolve `{ ok: false, error: { code: 'CANCELLED' } }`.
 * Scores are plain numbers (NaN and ±∞ kept; transports encode them at their edge).
 */
import type { ScoreRequest } from '../engine/score/score'
import type { ServiceErrorData } from '../shared/schemas'
import { errorToData } from '../shared/dispatch'
import type { ScoreOutcome } from '../worker/protocol'
import { finiteOrNull } from '../worker/worker-loop'
import type { WorkerHandle } from './worker-host'

export type ScoreAttempt =
  | { ok: true; outcome: ScoreOutcome; attempts: number }
  | { ok: false; error: ServiceErrorData; attempts: number; host?: string }

/** What a scorer may know about a request besides the request (a distributed scorer keys results by `index`). */
export interface ScoreContext {
  /** the evaluation index in the run */
  index: number
}

export interface Scorer {
  /** requests it scores at once (the session asks the strategy for max(this, its group size)) */
  readonly size: number
  score(req: ScoreRequest, ctx?: ScoreContext): Promise<ScoreAttempt>
  /** stops scoring; idle workers go to `release` when given (kept warm), busy ones are killed */
  close(release?: (h: WorkerHandle) => void): void
}

const CANCELLED: ServiceErrorData = { code: 'CANCELLED', message: 'search cancelled' }

/**
 * `scoreArchitecture` in this process, strictly one request after the other
 * (tfjs state is process-global; interleaving two requests is never done).
 * `close()` cannot interrupt the running request: its result still resolves,
 * queued ones resolve CANCELLED.
 */
export class InProcessScorer implements Scorer {
  readonly size = 1
  private chain: Promise<unknown> = Promise.resolve()
  private closed = false

  score(req: ScoreRequest): Promise<ScoreAttempt> {
    const run = async (): Promise<ScoreAttempt> => {
      if (this.closed) return { ok: false, error: CANCELLED, attempts: 0 }
      try {
        const { scoreArchitecture } = await import('../engine/score/score')
        const r = await scoreArchitecture(req)
        const outcome: ScoreOutcome = {
          arch: r.arch, hash: r.hash, scores: r.scores, params: finiteOrNull(r.params), flops: finiteOrNull(r.flops),
          seconds: r.seconds, backend: String(r.backend),
        }
        return { ok: true, outcome, attempts: 1 }
      } catch (e) {
        return { ok: false, error: errorToData(e), attempts: 1 }
      }
    }
    const p = this.chain.then(run)
    this.chain = p
    return p
  }

  close(): void {
    this.closed = true
  }
}
