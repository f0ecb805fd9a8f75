/**
 * Options of registered components (proxies, spaces, strategies, the scoring
 * request): each component DECLARES every option it reads once, as an
 * `OptionSpec` (type, default, bounds, choices); menus, CLI flags/help and
 * validation messages are all derived from that declaration by the functions
 * below — the engine, the CLI and the wizard call the same `validateOptions`.
 *
 * This file imports nothing but `errors.ts` (also pure), so the renderer can
 * import it too.
 */
import { ZsnasError } from './errors'

/**
 * A user-settable option of a registered component (proxy, strategy, space):
 * the registry entry declares it, menus and the CLI help are built from it,
 * and the component reads its default from the same object. Same shape as
 * the catalog's `CatalogOption` (src/shared/schemas.ts).
 */
export interface OptionSpec {
  key: string
  label: string
  description: string
  type: 'int' | 'number' | 'boolean' | 'string' | 'enum'
  /** the paper's default */
  default: unknown
  min?: number
  max?: number
  /** the value must be a multiple of this */
  multipleOf?: number
  choices?: { value: string | number; label: string }[]
  /** forms show and take the value in this unit (value = typed × factor), e.g. { label: 'M', factor: 1e6 } for a FLOPs limit in millions; the stored value stays raw */
  displayUnit?: { label: string; factor: number }
}

/** Result of `validateOptions`: the values with defaults filled in, and key → message for every problem. */
export interface OptionsCheck {
  values: Record<string, unknown>
  /** option key (or the unknown key) → one-line message naming the option, what is wrong and what is expected */
  errors: Record<string, string>
}

/** Human form of what an option accepts, e.g. "an integer in 2..4096", "one of exp, none". */
export function describeAccepted(spec: OptionSpec): string {
  switch (spec.type) {
    case 'boolean':
      return 'true or false'
    case 'string':
      return 'a string'
    case 'enum':
      return `one of ${(spec.choices ?? []).map((c) => String(c.value)).join(', ')}`
    default: {
      const what = spec.type === 'int' ? 'an integer' : 'a finite number'
      const range =
        spec.min !== undefined && spec.max !== undefined
          ? ` in ${spec.min}..${spec.max}`
          : spec.min !== undefined
            ? ` ≥ ${spec.min}`
            : spec.max !== undefined
              ? ` ≤ ${spec.max}`
              : ''
      return `${what}${range}${spec.multipleOf !== undefined ? `, a multiple of ${spec.multipleOf}` : ''}`
    }
  }
}

/** Why `value` is not acceptable for `spec` ("must be …, got …"), or undefined when it is. */
export function optionProblem(spec: OptionSpec, value: unknown): string | undefined {
  const must = `must be ${describeAccepted(spec)}, got ${typeof value === 'string' ? `'${value}'` : String(value)}`
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : must
    case 'string':
      return typeof value === 'string' ? undefined : must
    case 'enum':
      return (spec.choices ?? []).some((c) => c.value === value) ? undefined : must
    default: {
      if (typeof value !== 'number' || !Number.isFinite(value)) return must
      if (spec.type === 'int' && !Number.isInteger(value)) return must
      if (spec.min !== undefined && value < spec.min) return must
      if (spec.max !== undefined && value > spec.max) return must
      if (spec.multipleOf !== undefined && value % spec.multipleOf !== 0) return must
      return undefined
    }
  }
}

/**
 * Validates an option bag against its declaration.
 *
 * Guarantees: every declared key is present in `values` (the given value, or
 * the declared default when absent/undefined); a key that is not declared, a
 * value of the wrong type, out of bounds, not a multiple of `multipleOf` or
 * not among the choices gets one message in `errors` (keyed by that option),
 * which names the option's key and label, says what it must be and what it
 * got. Paired bounds follow one convention: for declared keys `minX` and
 * `maxX`, `minX ≤ maxX` is required (message on `minX`). `value` that is not
 * a plain object (or undefined) is reported under the key ''.
 */
export function validateOptions(specs: readonly OptionSpec[], value: unknown): OptionsCheck {
  const values: Record<string, unknown> = {}
  // keyed by user-supplied option names: null prototype, so '__proto__' / 'constructor' are ordinary keys
  const errors: Record<string, string> = Object.create(null) as Record<string, string>
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    errors[''] = `options must be an object of key → value, got ${Array.isArray(value) ? 'an array' : String(value)}`
    for (const s of specs) values[s.key] = s.default
    return { values, errors }
  }
  const bag = (value ?? {}) as Record<string, unknown>
  const known = new Set(specs.map((s) => s.key))
  for (const k of Object.keys(bag)) {
    if (!known.has(k)) {
      // Object.keys lists own keys only, so a JSON '__proto__' key is reported, never followed
      errors[k] = `no option '${k}'; expected ${known.size ? `one of ${[...known].join(', ')}` : 'no options'}`
    }
  }
  for (const s of specs) {
    const v = bag[s.key] === undefined ? s.default : bag[s.key]
    values[s.key] = v
    const p = optionProblem(s, v)
    if (p !== undefined) errors[s.key] = `${s.label} (${s.key}) ${p}`
  }
  for (const s of specs) {
    if (!/^min[A-Z]/.test(s.key)) continue
    const hi = specs.find((x) => x.key === `max${s.key.slice(3)}`)
    if (!hi || errors[s.key] || errors[hi.key]) continue
    const [a, b] = [values[s.key], values[hi.key]]
    if (typeof a === 'number' && typeof b === 'number' && a > b) {
      errors[s.key] = `${s.label} (${s.key}) must not exceed ${hi.label} (${hi.key}): ${a} > ${b}`
    }
  }
  return { values, errors }
}

/**
 * `validateOptions` for the engine: returns the values with defaults filled,
 * or throws `ZsnasError('INVALID_OPTION')` whose message starts with `owner`
 * (e.g. "zico options: …") and lists every problem.
 */
export function resolveOptions(specs: readonly OptionSpec[], value: unknown, owner: string): Record<string, unknown> {
  const { values, errors } = validateOptions(specs, value)
  const msgs = Object.values(errors)
  if (msgs.length > 0) throw new ZsnasError('INVALID_OPTION', `${owner} options: ${msgs.join('; ')}`, { owner, errors })
  return values
}

/** Declared defaults as a bag (menus start from these). */
export function optionDefaults(specs: readonly OptionSpec[]): Record<string, unknown> {
  return Object.fromEntries(specs.map((s) => [s.key, s.default]))
}

/**
 * Parses a command-line string by the option's type ('int'/'number': a
 * decimal number; 'boolean': true|false; 'enum': a choice's value as written;
 * 'string': as is). Returns the parsed value, or the raw string when it does
 * not parse — `validateOptions`/`optionProblem` then report it with the
 * declared bounds, so the CLI says the same thing as the engine and the wizard.
 */
export function parseOptionString(spec: OptionSpec, raw: string): unknown {
  switch (spec.type) {
    case 'int':
    case 'number': {
      const t = raw.trim()
      if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return raw
      return Number(t)
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw
    case 'enum': {
      const c = (spec.choices ?? []).find((x) => String(x.value) === raw)
      return c === undefined ? raw : c.value
    }
    default:
      return raw
  }
}
