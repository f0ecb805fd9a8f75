/**
 * The strategy contract: deterministic ask/tell.
 *
 * A supervisor asks for candidates, scores them (possibly in parallel worker
 * processes), and tells the results back in ask order. Everything random a
 * strategy does happens inside `ask`/`tell` with its own seeded `Rng`, so
 *   - the same seed and the same scores give the same run, whatever the
 *     concurrency (candidates are drawn sequentially even when asked in batches);
 *   - `checkpoint()` (plain JSON) + `restore()` on a fresh run created with the
 *     same config continues exactly where the first stopped, so an interrupted
 *     and resumed search ends with the same result as an uninterrupted one.
 *
 * Protocol: after `ask` returned a non-empty batch, the next call must be
 * `tell` with one result per candidate, in order (ids checked). Asking again
 * with results outstanding re-issues the outstanding batch (e.g. after a
 * restore from a checkpoint taken mid-batch). Violations throw INVALID_OPTION.
 */
import type { OptionSpec } from '../core/options'
import type { RngState } from '../core/rng'
import type { SearchSpace } from '../core/space'
import type { Comparator } from './compare'

/** One architecture to evaluate. */
export interface Candidate {
  /** 0-based position in the strategy's evaluation sequence (warm-up included) */
  id: number
  /** canonical architecture string of the space */
  arch: string
  /** 'warmup': RL reward-normalisation samples (not counted in the budget, never "best") */
  phase: 'warmup' | 'search'
}

/** Scores of one candidate: sign-adjusted member proxy values, higher = better; NaN allowed. */
export interface EvalResult {
  id: number
  scores: number[]
}

export interface BestEntry {
  candidate: Candidate
  scores: number[]
}

export interface StrategyConfig {
  space: SearchSpace<unknown>
  /** number of evaluated architectures N (search phase) */
  budget: number
  seed: number
  /** default: the majority comparator */
  comparator?: Comparator
  /** strategy-specific options (documented per strategy) */
  options?: Record<string, unknown>
}

/** JSON-serialisable strategy state (`checkpoint()`); opaque outside the strategy. */
export interface StrategyState {
  strategy: string
  version: 1
  budget: number
  seed: number
  rng: RngState
  nextId: number
  /** search-phase evaluations told so far */
  evaluated: number
  /** all evaluations told so far (warm-up included) */
  completed: number
  pending: Candidate[]
  /** scores encoded with `encodeNum` (NaN/±Infinity as strings) */
  best: { candidate: Candidate; scores: (number | string)[] } | null
  data: Record<string, unknown>
}

export interface StrategyRun {
  readonly id: string
  /** up to `max` candidates that may be evaluated concurrently; [] when done */
  ask(max: number): Candidate[]
  /**
   * Candidates the strategy proposes as one group (RE parallel children k; absent = 1). Asking for
   * max(workers, groupSize()) lets a worker pool take a whole group at once; the candidates and their
   * order never depend on `max`.
   */
  groupSize?(): number
  /** results for the outstanding candidates, in ask order */
  tell(results: EvalResult[]): void
  done(): boolean
  /** best by the comparator so far (ties → newer, reference §2.2), search phase only */
  best(): BestEntry | null
  /** evaluations told so far, warm-up included */
  completed(): number
  /** planned evaluations, warm-up included */
  total(): number
  checkpoint(): StrategyState
  restore(state: StrategyState): void
}

export interface StrategyInfo {
  id: string
  label: string
  description: string
  /** the keys `StrategyConfig.options` accepts, with the paper's defaults (menus and CLI help read these) */
  options: readonly OptionSpec[]
  create(config: StrategyConfig): StrategyRun
}
