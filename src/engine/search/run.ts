/**
 * The search loop: asks the strategy for up to `concurrency` candidates,
 * awaits `evaluate` for the batch (the caller may score them in parallel
 * workers), tells the results, and emits events:
 *   - `evaluated` per candidate (in order) with its scores and wall time share,
 *   - `bestChanged` when the best-so-far changed during a batch,
 *   - `progress` after each batch (done/total evaluations incl. RL warm-up, ETA),
 *   - `done` at the end (also when cancelled, with `cancelled: true`).
 * Cancellation is checked between batches: a running batch is finished and
 * told (never lost), then the loop returns with a checkpoint, so
 * `strategy.restore(checkpoint)` on a fresh run continues to the same final
 * result as an uninterrupted run.
 */
import { ZsnasError } from '../core/errors'
import type { BestEntry, Candidate, EvalResult, StrategyRun, StrategyState } from './types'

export type SearchEvent =
  | { type: 'evaluated'; candidate: Candidate; scores: number[]; done: number; total: number }
  | { type: 'bestChanged'; best: BestEntry }
  | { type: 'progress'; done: number; total: number; elapsedMs: number; etaMs: number | null }
  | { type: 'done'; best: BestEntry | null; evaluations: number; cancelled: boolean }

export interface RunSearchOptions {
  strategy: StrategyRun
  evaluate: (candidates: Candidate[]) => Promise<EvalResult[]>
  /** candidates per batch (default 1) */
  concurrency?: number
  signal?: AbortSignal
  onEvent?: (e: SearchEvent) => void
  /** clock for elapsed/ETA (default Date.now); injectable for tests */
  now?: () => number
}

export interface SearchOutcome {
  status: 'done' | 'cancelled'
  best: BestEntry | null
  checkpoint: StrategyState
}

export async function runSearch(o: RunSearchOptions): Promise<SearchOutcome> {
  const { strategy } = o
  const concurrency = o.concurrency ?? 1
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ZsnasError('INVALID_OPTION', `concurrency must be a positive integer, got ${concurrency}`)
  }
  const now = o.now ?? Date.now
  const emit = (e: SearchEvent): void => o.onEvent?.(e)
  const t0 = now()
  const startDone = strategy.completed()
  let cancelled = false
  while (!strategy.done()) {
    if (o.signal?.aborted) {
      cancelled = true
      break
    }
    const batch = strategy.ask(concurrency)
    if (batch.length === 0) break
    const results = await o.evaluate(batch)
    const bestBefore = strategy.best()?.candidate.id
    strategy.tell(results)
    const total = strategy.total()
    let done = strategy.completed() - batch.length
    batch.forEach((c, i) => {
      done++
      emit({ type: 'evaluated', candidate: c, scores: results[i].scores, done, total })
    })
    const best = strategy.best()
    if (best && best.candidate.id !== bestBefore) emit({ type: 'bestChanged', best })
    const elapsedMs = now() - t0
    const doneHere = strategy.completed() - startDone
    const etaMs = doneHere > 0 ? (elapsedMs / doneHere) * (total - strategy.completed()) : null
    emit({ type: 'progress', done: strategy.completed(), total, elapsedMs, etaMs })
  }
  const best = strategy.best()
  emit({ type: 'done', best, evaluations: strategy.completed(), cancelled })
  return { status: cancelled ? 'cancelled' : 'done', best, checkpoint: strategy.checkpoint() }
}
