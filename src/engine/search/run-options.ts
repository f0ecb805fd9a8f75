/**
 * Checks every option bag of a search run against the registries'
 * declarations BEFORE the run starts (the app's `validate(config)` and the
 * CLI call it), so a typo in `proxyOptions` is refused up front instead of
 * failing the first evaluation in a worker. Same `validateOptions` messages as
 * everywhere else.
 */
import { resolveOptions } from '../core/options'
import { getProxy, proxyOptionsFor } from '../proxies/registry'
import { getSpaceDef } from '../spaces/registry'
import { listStrategies } from './registry'
import { ZsnasError } from '../core/errors'

export interface RunOptionsInput {
  space: string
  spaceOptions?: Record<string, unknown>
  strategy: string
  strategyOptions?: Record<string, unknown>
  /** member proxy ids that are scored (voting proxies already expanded) */
  proxies: readonly string[]
  proxyOptions?: Record<string, unknown>
}

/**
 * Throws `ZsnasError` (NOT_FOUND for an unknown space/strategy/proxy id,
 * INVALID_OPTION naming component and option otherwise); returns every bag
 * with its declared defaults filled in.
 */
export function checkRunOptions(input: RunOptionsInput): {
  spaceOptions: Record<string, unknown>
  strategyOptions: Record<string, unknown>
  proxyOptions: Record<string, Record<string, unknown>>
} {
  const space = getSpaceDef(input.space)
  const strategy = listStrategies().find((s) => s.id === input.strategy)
  if (!strategy) {
    throw new ZsnasError('NOT_FOUND', `unknown search strategy '${input.strategy}'; expected one of ${listStrategies().map((s) => s.id).join(', ')}`)
  }
  const spaceOptions = resolveOptions(space.options, input.spaceOptions, `${space.id} space`)
  const strategyOptions = resolveOptions(strategy.options, input.strategyOptions, `${strategy.id} strategy`)
  const proxyOptions = Object.fromEntries(proxyOptionsFor(input.proxies.map(getProxy), input.proxyOptions))
  return { spaceOptions, strategyOptions, proxyOptions }
}
