/**
 * Random search (reference `Random_NAS.run`, notes §4.1): N architectures drawn
 * with the space's `sample` (NB201: uniform over cells; NB101: see the space;
 * MBv2: reference sampler with the FLOPs limit), best by the comparator with
 * ties going to the newer architecture. Up to `max` candidates per ask.
 * No options.
 */
import { resolveOptions, type OptionSpec } from '../core/options'
import { StrategyBase } from './base'
import type { Candidate, StrategyConfig } from './types'

/** Random search reads no options (an undeclared key is INVALID_OPTION). */
export const RANDOM_OPTIONS: readonly OptionSpec[] = []

export class RandomSearch extends StrategyBase {
  readonly id = 'random'

  constructor(cfg: StrategyConfig) {
    super(cfg)
    resolveOptions(RANDOM_OPTIONS, cfg.options, 'random strategy')
  }

  protected propose(max: number): Candidate[] {
    const n = Math.min(max, this.budget - this.nextId)
    const out: Candidate[] = []
    for (let i = 0; i < n; i++) out.push(this.newCandidate(this.space.sample(this.rng)))
    return out
  }

  protected absorb(): void {}
  protected saveData(): Record<string, unknown> {
    return {}
  }
  protected loadData(): void {}

  total(): number {
    return this.budget
  }

  done(): boolean {
    return this.evaluatedCount >= this.budget
  }
}
