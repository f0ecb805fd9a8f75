/**
 * Shared machinery of the strategies: config validation, the seeded Rng,
 * candidate ids, the outstanding batch, best-so-far tracking and checkpoint
 * plumbing. Subclasses implement `propose` (draw the next candidates) and
 * `absorb` (consume one told result) plus their own state (`saveData`/`loadData`).
 */
import { ZsnasError } from '../core/errors'
import { Rng } from '../core/rng'
import type { SearchSpace } from '../core/space'
import { type Comparator, majorityCompare, replacesBest } from './compare'
import type { BestEntry, Candidate, EvalResult, StrategyConfig, StrategyRun, StrategyState } from './types'

export abstract class StrategyBase implements StrategyRun {
  abstract readonly id: string
  protected readonly space: SearchSpace<unknown>
  protected readonly budget: number
  protected readonly seed: number
  protected readonly cmp: Comparator
  protected rng: Rng
  protected nextId = 0
  protected evaluatedCount = 0
  protected completedCount = 0
  protected pending: Candidate[] = []
  protected bestEntry: BestEntry | null = null

  constructor(cfg: StrategyConfig) {
    if (!Number.isInteger(cfg.budget) || cfg.budget < 1) {
      throw new ZsnasError('INVALID_OPTION', `search budget N must be a positive integer, got ${String(cfg.budget)}`)
    }
    if (!Number.isInteger(cfg.seed)) throw new ZsnasError('INVALID_OPTION', `search seed must be an integer, got ${String(cfg.seed)}`)
    this.space = cfg.space
    this.budget = cfg.budget
    this.seed = cfg.seed
    this.cmp = cfg.comparator ?? majorityCompare
    this.rng = new Rng(cfg.seed)
  }

  /** Draw up to `max` new candidates (never called with results outstanding). */
  protected abstract propose(max: number): Candidate[]
  /** Consume one result of a candidate proposed earlier (called in ask order). */
  protected abstract absorb(c: Candidate, scores: number[]): void
  protected abstract saveData(): Record<string, unknown>
  protected abstract loadData(d: Record<string, unknown>): void
  abstract total(): number
  abstract done(): boolean

  protected newCandidate(arch: unknown, phase: Candidate['phase'] = 'search'): Candidate {
    return { id: this.nextId++, arch: this.space.toString(arch), phase }
  }

  ask(max: number): Candidate[] {
    if (!Number.isInteger(max) || max < 1) throw new ZsnasError('INVALID_OPTION', `ask(max) needs a positive integer, got ${max}`)
    if (this.pending.length > 0) return this.pending.slice()
    if (this.done()) return []
    this.pending = this.propose(max)
    return this.pending.slice()
  }

  tell(results: EvalResult[]): void {
    if (results.length !== this.pending.length) {
      throw new ZsnasError('INVALID_OPTION', `tell() got ${results.length} results for ${this.pending.length} outstanding candidates`)
    }
    results.forEach((r, i) => {
      if (r.id !== this.pending[i].id) {
        throw new ZsnasError('INVALID_OPTION', `tell() result ${i} has id ${r.id}, expected ${this.pending[i].id} (results must be in ask order)`)
      }
      if (!Array.isArray(r.scores) || r.scores.length === 0) {
        throw new ZsnasError('INVALID_OPTION', `tell() result for candidate ${r.id} has no scores`)
      }
    })
    const batch = this.pending
    this.pending = []
    batch.forEach((c, i) => {
      const scores = results[i].scores.map(Number)
      this.completedCount++
      if (c.phase === 'search') {
        this.evaluatedCount++
        if (replacesBest(scores, this.bestEntry?.scores ?? null, this.cmp)) this.bestEntry = { candidate: c, scores }
      }
      this.absorb(c, scores)
    })
  }

  best(): BestEntry | null {
    return this.bestEntry
  }

  completed(): number {
    return this.completedCount
  }

  checkpoint(): StrategyState {
    const state: StrategyState = {
        strategy: this.id,
        version: 1,
        budget: this.budget,
        seed: this.seed,
        rng: this.rng.getState(),
        nextId: this.nextId,
        evaluated: this.evaluatedCount,
        completed: this.completedCount,
        pending: this.pending,
        best: this.bestEntry === null ? null : { candidate: this.bestEntry.candidate, scores: this.bestEntry.scores.map(encodeNum) },
        data: this.saveData(),
      }
    return JSON.parse(JSON.stringify(state)) as StrategyState
  }

  restore(state: StrategyState): void {
    if (!state || state.strategy !== this.id || state.version !== 1) {
      throw new ZsnasError('BAD_FORMAT', `checkpoint is for strategy '${state?.strategy}' v${state?.version}, expected '${this.id}' v1`)
    }
    if (state.budget !== this.budget || state.seed !== this.seed) {
      throw new ZsnasError('INVALID_OPTION', `checkpoint was taken with budget ${state.budget} / seed ${state.seed}, this run has ${this.budget} / ${this.seed}`)
    }
    this.rng = Rng.fromState(state.rng)
    this.nextId = state.nextId
    this.evaluatedCount = state.evaluated
    this.completedCount = state.completed
    this.pending = state.pending.map((c) => ({ ...c }))
    this.bestEntry = state.best === null ? null : { candidate: { ...state.best.candidate }, scores: state.best.scores.map(decodeNum) }
    this.loadData(state.data)
  }
}

/** JSON cannot hold NaN/±Infinity: encode them as strings. */
export function encodeNum(x: number): number | string {
  return Number.isFinite(x) ? x : String(x)
}
export function decodeNum(x: number | string): number {
  return typeof x === 'number' ? x : Number(x)
}
