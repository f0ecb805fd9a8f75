/**
 * Regularized evolution (reference `Evolved_NAS.run`, notes §4.3).
 *
 * Initial population: P random architectures (asked up to `max` at a time).
 * Then, one candidate per ask: S members drawn WITHOUT replacement from the
 * population (in draw order), parent = sequential king-of-the-hill maximum by
 * the comparator (replaced only on a strict win), child = space.mutate(parent),
 * evaluate, append the child and remove the oldest member (aging).
 * Best over everything evaluated, ties → newer.
 *
 * Budget: the paper's Algorithm 2 evaluates N architectures in total (P of
 * them the initial population) — the default, `budgetMode: 'paper'`. The
 * released code runs N iterations after the population, i.e. N + P
 * evaluations — `budgetMode: 'reference'`. With N < P in paper mode only N
 * random architectures are evaluated.
 *
 * Options: populationSize (P, default 64), tournamentSize (S, default 10,
 * capped at P), budgetMode ('paper' | 'reference').
 */
import { ZsnasError } from '../core/errors'
import { StrategyBase, decodeNum, encodeNum, optNumber } from './base'
import { sequentialMax } from './compare'
import type { Candidate, StrategyConfig } from './types'

interface Member {
  candidate: Candidate
  scores: number[]
}

export class RegularizedEvolution extends StrategyBase {
  readonly id = 're'
  private readonly P: number
  private readonly S: number
  private readonly totalEvals: number
  private population: Member[] = []

  constructor(cfg: StrategyConfig) {
    super(cfg)
    this.P = optNumber(cfg.options, 'populationSize', 64, 2)
    this.S = Math.min(optNumber(cfg.options, 'tournamentSize', 10, 1), this.P)
    const mode = cfg.options?.budgetMode ?? 'paper'
    if (mode !== 'paper' && mode !== 'reference') {
      throw new ZsnasError('INVALID_OPTION', `RE option budgetMode must be 'paper' (N evaluations) or 'reference' (N + P), got '${String(mode)}'`)
    }
    this.totalEvals = mode === 'paper' ? this.budget : this.budget + this.P
  }

  protected propose(max: number): Candidate[] {
    if (this.nextId < this.P) {
      const n = Math.min(max, this.P - this.nextId, this.totalEvals - this.nextId)
      const out: Candidate[] = []
      for (let i = 0; i < n; i++) out.push(this.newCandidate(this.space.sample(this.rng)))
      return out
    }
    const contenders = this.rng.sample(this.population, this.S)
    const parent = contenders[sequentialMax(contenders.map((m) => m.scores), this.cmp)]
    const child = this.space.mutate(this.space.fromString(parent.candidate.arch), this.rng)
    return [this.newCandidate(child)]
  }

  protected absorb(c: Candidate, scores: number[]): void {
    this.population.push({ candidate: c, scores })
    if (c.id >= this.P) this.population.shift()
  }

  protected saveData(): Record<string, unknown> {
    return { population: this.population.map((m) => ({ candidate: m.candidate, scores: m.scores.map(encodeNum) })) }
  }

  protected loadData(d: Record<string, unknown>): void {
    const pop = d.population as { candidate: Candidate; scores: (number | string)[] }[]
    this.population = pop.map((m) => ({ candidate: { ...m.candidate }, scores: m.scores.map(decodeNum) }))
  }

  total(): number {
    return this.totalEvals
  }

  done(): boolean {
    return this.evaluatedCount >= this.totalEvals
  }
}
