import { describeAccepted, optionProblem, parseOptionString, type OptionSpec } from '../engine/core/options'
import { listProxies } from '../engine/proxies'
import { listSpaceDefs } from '../engine/spaces/registry'
import { listStrategies } from '../engine/search/registry'
import { CliUsageError } from './args'

/**
 * Generic option flags, generated from the registries' option declarations
 * (proxies, spaces, strategies): option `key` of component `id` is the flag
 * `--<id>-<key in kebab case>`, e.g. `--wrcor-weighting linear`,
 * `--zico-batches 3`, `--epads-batch-size 128`, `--mbv2-flops-limit 4e8`.
 * A value is parsed by the option's declared type and checked with the same
 * `optionProblem` the engine's `validateOptions` uses, so the message states
 * the declared bounds; a bad value is a `CliUsageError` (exit 2). Unset flags
 * are left out, so the component applies its own declared defaults.
 */

export function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

/** One generated flag: `--<owner>-<kebab(key)>`. */
export interface OptionFlag {
  flag: string
  /** registry id the option belongs to (proxy, space or strategy id) */
  owner: string
  spec: OptionSpec
}

/** Flags for every option of the given registry entries. */
export function optionFlagsOf(entries: readonly { id: string; options?: readonly OptionSpec[] }[]): OptionFlag[] {
  const out: OptionFlag[] = []
  for (const e of entries) for (const spec of e.options ?? []) out.push({ flag: `${e.id}-${kebab(spec.key)}`, owner: e.id, spec })
  return out
}

/** Flags of every proxy option. */
export const proxyFlags = (): OptionFlag[] => optionFlagsOf(listProxies())
/** Flags of every search-space option (e.g. `--mbv2-flops-limit`, `--nb101-pool`). */
export const spaceFlags = (): OptionFlag[] => optionFlagsOf(listSpaceDefs())
/** Flags of every strategy option (e.g. `--re-population-size`, `--rl-warmup`). */
export const strategyFlags = (): OptionFlag[] => optionFlagsOf(listStrategies())

/** parseArgs option configs for the flags. */
export function flagConfig(flags: readonly OptionFlag[]): Record<string, { type: 'string' }> {
  return Object.fromEntries(flags.map((e) => [e.flag, { type: 'string' as const }]))
}

/**
 * Usage lines, one per flag: label, description, what it accepts and its default.
 * `name` renders the left column (default `--<flag> V`).
 */
export function flagsUsage(flags: readonly OptionFlag[], name = (e: OptionFlag) => `--${e.flag} V`): string {
  return flags
    .map((e) => {
      const head = `  ${name(e).padEnd(26)}`
      const dflt = e.spec.type === 'string' && e.spec.default === '' ? 'none' : String(e.spec.default)
      return `${head} ${e.spec.label}: ${e.spec.description} (${describeAccepted(e.spec)}; default ${dflt})`
    })
    .join('\n')
}

/** The value of one flag, parsed and checked against its declaration (CliUsageError otherwise). */
export function parseFlagValue(raw: string, e: OptionFlag): unknown {
  const v = parseOptionString(e.spec, raw)
  const problem = optionProblem(e.spec, v)
  if (problem !== undefined) throw new CliUsageError(`--${e.flag} ${problem.replace(/, got .*$/s, '')}, got '${raw}'`)
  return v
}

/** owner id → { key: value } from the parsed flag values (only flags that were given). */
export function optionsFromFlags(flags: readonly OptionFlag[], values: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const e of flags) {
    const raw = values[e.flag]
    if (typeof raw !== 'string') continue
    ;(out[e.owner] ??= {})[e.spec.key] = parseFlagValue(raw, e)
  }
  return out
}

/** parseArgs option configs for every registered proxy option. */
export function proxyOptionFlags(): Record<string, { type: 'string' }> {
  return flagConfig(proxyFlags())
}

/** Usage lines, one per proxy option, with what it accepts and its default. */
export function proxyOptionsUsage(): string {
  return flagsUsage(proxyFlags())
}

/** `proxyOptions` (proxy id → { key: value }) from the parsed flag values. */
export function proxyOptionsFromFlags(values: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return optionsFromFlags(proxyFlags(), values)
}
