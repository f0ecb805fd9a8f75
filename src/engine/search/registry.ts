/**
 * Registry of search strategies: one entry per strategy (menus and the CLI
 * come from here). `createStrategy` throws NOT_FOUND for an unknown id.
 */
import { ZsnasError } from '../core/errors'
import { RE_OPTIONS, RegularizedEvolution } from './re'
import { RANDOM_OPTIONS, RandomSearch } from './random'
import { RL_OPTIONS, Reinforce } from './rl'
import type { OptionSpec } from '../core/options'
import type { StrategyConfig, StrategyInfo, StrategyRun } from './types'

const STRATEGIES: readonly StrategyInfo[] = [
  {
    id: 'random',
    label: 'Random search (R)',
    description: 'Sample N architectures, keep the best by the (voting) comparator.',
    options: RANDOM_OPTIONS,
    create: (c) => new RandomSearch(c),
  },
  {
    id: 'rl',
    label: 'REINFORCE (RL)',
    description: 'Factorised softmax policy, reward = sum of z-scores (100 warm-up samples), EMA baseline 0.9, Adam lr 0.001.',
    options: RL_OPTIONS,
    create: (c) => new Reinforce(c),
  },
  {
    id: 're',
    label: 'Regularized evolution (RE)',
    description: 'Population 64, tournament 10 with the comparator, mutate the winner, remove the oldest; N evaluations in total.',
    options: RE_OPTIONS,
    create: (c) => new RegularizedEvolution(c),
  },
]

export function listStrategies(): { id: string; label: string; description: string; options: readonly OptionSpec[] }[] {
  return STRATEGIES.map(({ id, label, description, options }) => ({ id, label, description, options }))
}

export function createStrategy(id: string, config: StrategyConfig): StrategyRun {
  const s = STRATEGIES.find((x) => x.id === id)
  if (!s) {
    throw new ZsnasError('NOT_FOUND', `unknown search strategy '${id}'; expected one of ${STRATEGIES.map((x) => x.id).join(', ')}`, { id })
  }
  return s.create(config)
}
