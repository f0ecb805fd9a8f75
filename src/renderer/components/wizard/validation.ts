/**
 * The wizard's field checks, shared by its steps: catalog-described options
 * through the engine's `validateOptions` (the same checker, bounds and
 * messages as the engine and the CLI), the request-level fields through the
 * engine's request spec, and the message of a failed call (a lost connection
 * is named as such, never blamed on the field being checked).
 */
import { errorMessage } from '../../api'
import { optionDefaults as declaredDefaults, optionProblem, validateOptions as validateDeclared, type OptionSpec } from '../../../engine/core/options'
import type { CatalogEntry } from '../../../shared/schemas'

export type Errors = Record<string, string>

/** A failed call's message: a lost connection is named as such, never as a problem with the field that was being checked. */
export function callProblem(e: unknown, what: string): string {
  if ((e as { code?: unknown })?.code === 'TRANSPORT') return `Server not reachable — ${what} could not be checked (${errorMessage(e)}). It is checked again once the connection is back.`
  return errorMessage(e)
}

/** The declared defaults of a catalog entry's options. */
export function optionDefaults(entry: CatalogEntry | undefined): Record<string, unknown> {
  return declaredDefaults(entry?.options ?? [])
}

/**
 * Validates catalog-described options with the engine's `validateOptions`
 * (the same checker, bounds and messages as the engine and the CLI); returns
 * `${prefix}.${key}` → message.
 */
export function validateOptions(entry: CatalogEntry | undefined, values: Record<string, unknown>, prefix: string): Errors {
  const { errors } = validateDeclared(entry?.options ?? [], values)
  return Object.fromEntries(Object.entries(errors).map(([k, m]) => [`${prefix}.${k}`, m]))
}

/** The request-level fields (batch size, seed): bounds and messages from the engine's request spec. */
export function requestFieldError(spec: OptionSpec, v: unknown): string | undefined {
  const p = optionProblem(spec, v)
  return p === undefined ? undefined : `${spec.label} ${p}`
}

export function intIn(v: unknown, lo: number, hi: number, label: string): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${label} must be a number`
  if (!Number.isInteger(v)) return `${label} must be a whole number`
  if (v < lo || v > hi) return `${label} must be between ${lo} and ${hi}`
  return undefined
}
