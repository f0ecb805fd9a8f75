import { listProxies, type ProxyOptionSpec } from '../engine/proxies'
import { CliUsageError } from './args'

/**
 * Generic proxy-option flags, generated from the proxy registry's option
 * metadata (`ProxyDef.options`): option `key` of proxy `id` is the flag
 * `--<id>-<key in kebab case>`, e.g. `--epads-sigma 0.5`,
 * `--epads-batch-size 128`. Values are parsed by the option's type and range;
 * a bad value is a `CliUsageError` (exit 2). Unset flags are left out, so the
 * proxy applies its own defaults.
 */

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

interface FlagEntry {
  flag: string
  proxy: string
  spec: ProxyOptionSpec
}

function entries(): FlagEntry[] {
  const out: FlagEntry[] = []
  for (const p of listProxies()) for (const spec of p.options ?? []) out.push({ flag: `${p.id}-${kebab(spec.key)}`, proxy: p.id, spec })
  return out
}

/** parseArgs option configs for every registered proxy option. */
export function proxyOptionFlags(): Record<string, { type: 'string' }> {
  return Object.fromEntries(entries().map((e) => [e.flag, { type: 'string' as const }]))
}

/** Usage lines, one per proxy option, with its default. */
export function proxyOptionsUsage(): string {
  return entries()
    .map((e) => `  --${`${e.flag} V`.padEnd(18)} ${e.spec.label}: ${e.spec.description} (default ${String(e.spec.default)})`)
    .join('\n')
}

function parseValue(raw: string, e: FlagEntry): unknown {
  const { spec } = e
  const bad = (what: string) => new CliUsageError(`--${e.flag} must be ${what}, got '${raw}'`)
  const range = (v: number) => {
    if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
      throw bad(`in ${spec.min ?? '-∞'}..${spec.max ?? '∞'}`)
    }
    return v
  }
  switch (spec.type) {
    case 'int': {
      const v = Number(raw)
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v)) throw bad('an integer')
      return range(v)
    }
    case 'number': {
      const v = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(v)) throw bad('a finite number')
      return range(v)
    }
    case 'boolean':
      if (raw === 'true') return true
      if (raw === 'false') return false
      throw bad('true or false')
    case 'enum': {
      const c = (spec.choices ?? []).find((x) => String(x.value) === raw)
      if (c === undefined) throw bad(`one of ${(spec.choices ?? []).map((x) => String(x.value)).join(', ')}`)
      return c.value
    }
    default:
      return raw
  }
}

/** `proxyOptions` (proxy id → { key: value }) from the parsed flag values. */
export function proxyOptionsFromFlags(values: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const e of entries()) {
    const raw = values[e.flag]
    if (typeof raw !== 'string') continue
    ;(out[e.proxy] ??= {})[e.spec.key] = parseValue(raw, e)
  }
  return out
}
