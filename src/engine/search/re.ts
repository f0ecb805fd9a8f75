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
 * Parallel children (`parallelChildren` = k, default 1). k = 1 is the
 * paper's sequential Algorithm 2. k > 1 is the asynchronous form of
 * regularized evolution (Real et al. 2019 ran it with many workers): children
 * are drawn in groups of k, every child of a group from its own tournament
 * on the SAME population (the one left after the previous group's results
 * were absorbed), so k evaluations can run at once; results are then absorbed
 * in order (append, remove the oldest). A group is drawn only when the
 * previous one is fully absorbed, and ask(max) hands out the group's children
 * up to `max` at a time, so the sequence of candidates, scores and the final
 * result depend on k and the seed only — never on how many workers ask.
 * Not-yet-handed-out children of a group are part of the checkpoint.
 *
 * Options: populationSize (P, default 64), tournamentSize (S, default 10,
 * capped at P), budgetMode ('paper' | 'reference'), parallelChildren (k ≥ 1,
 * default 1).
 */
import { resolveOptions, type OptionSpec } from '../core/options'
import { StrategyBase, decodeNum, encodeNum } from './base'
import { sequentialMax } from './compare'
import type { Candidate, StrategyConfig } from './types'

interface Member {
  candidate: Candidate
  scores: number[]
}

/** RE defaults of the paper (reference notes §4.3). */
export const RE_DEFAULTS = { populationSize: 64, tournamentSize: 10, parallelChildren: 1, budgetMode: 'paper' } as const

export const RE_OPTIONS: readonly OptionSpec[] = [
  { key: 'populationSize', label: 'Population', description: 'population size P', type: 'int', default: RE_DEFAULTS.populationSize, min: 2 },
  { key: 'tournamentSize', label: 'Tournament', description: 'tournament sample size S', type: 'int', default: RE_DEFAULTS.tournamentSize, min: 1 },
  {
    key: 'parallelChildren',
    label: 'Parallel children',
    description:
      'children drawn per step, each from its own tournament on the same population, evaluated at once (1 = the paper; k > 1 = asynchronous RE, Real et al. 2019; set it to the worker count to use every worker)',
    type: 'int',
    default: RE_DEFAULTS.parallelChildren,
    min: 1,
  },
  {
    key: 'budgetMode',
    label: 'Budget',
    description: "'paper': N evaluations in total; 'reference': N + P as the published code",
    type: 'enum',
    default: RE_DEFAULTS.budgetMode,
    choices: [
      { value: 'paper', label: 'N evaluations (paper)' },
      { value: 'reference', label: 'N + P (reference code)' },
    ],
  },
]

export class RegularizedEvolution extends StrategyBase {
  readonly id = 're'
  private readonly P: number
  private readonly S: number
  private readonly totalEvals: number
  private readonly k: number
  private population: Member[] = []
  /** children of the current group not yet handed out (oldest first) */
  private queued: Candidate[] = []

  constructor(cfg: StrategyConfig) {
    super(cfg)
    const o = resolveOptions(RE_OPTIONS, cfg.options, 're strategy')
    this.P = o.populationSize as number
    this.S = Math.min(o.tournamentSize as number, this.P)
    this.totalEvals = o.budgetMode === 'paper' ? this.budget : this.budget + this.P
    this.k = o.parallelChildren as number
  }

  groupSize(): number {
    return this.k
  }

  protected propose(max: number): Candidate[] {
    if (this.nextId < this.P) {
      const n = Math.min(max, this.P - this.nextId, this.totalEvals - this.nextId)
      const out: Candidate[] = []
      for (let i = 0; i < n; i++) out.push(this.newCandidate(this.space.sample(this.rng)))
      return out
    }
    if (this.queued.length === 0) {
      const n = Math.min(this.k, this.totalEvals - this.nextId)
      for (let i = 0; i < n; i++) this.queued.push(this.newCandidate(this.childOf(this.population)))
    }
    return this.queued.splice(0, max)
  }

  /** One tournament on `pop` and a mutation of its winner. */
  private childOf(pop: Member[]): unknown {
    const contenders = this.rng.sample(pop, this.S)
    const parent = contenders[sequentialMax(contenders.map((m) => m.scores), this.cmp)]
    return this.space.mutate(this.space.fromString(parent.candidate.arch), this.rng)
  }

  protected absorb(c: Candidate, scores: number[]): void {
    this.population.push({ candidate: c, scores })
    if (c.id >= this.P) this.population.shift()
  }

  protected saveData(): Record<string, unknown> {
    return {
      population: this.population.map((m) => ({ candidate: m.candidate, scores: m.scores.map(encodeNum) })),
      queued: this.queued,
    }
  }

  protected loadData(d: Record<string, unknown>): void {
    const pop = d.population as { candidate: Candidate; scores: (number | string)[] }[]
    this.population = pop.map((m) => ({ candidate: { ...m.candidate }, scores: m.scores.map(decodeNum) }))
    const queued = (d.queued ?? []) as Candidate[]
    this.queued = queued.map((c) => ({ ...c }))
  }

  total(): number {
    return this.totalEvals
  }

  done(): boolean {
    return this.evaluatedCount >= this.totalEvals
  }
}
