/**
 * A proxy score as it crosses JSON: worker messages, IPC, the run store and
 * exports. Finite scores are numbers; NaN, +∞ and −∞ are the strings
 * `String(x)` gives ('NaN', 'Infinity', '-Infinity'), as in the CLI's JSON
 * and CSV files. The three must stay distinct: −∞ is a real score that ranks
 * lowest (a degenerate network's log-det or log-sum), NaN is "no score" and
 * counts as neither higher nor lower in the reference's majority vote.
 *
 * `null` occurs only in rows stored before this encoding (a non-finite score
 * of unknown kind); `decodeScore` reads it as NaN.
 *
 * Guarantee: `decodeScore(encodeScore(x))` is `x` for every number, also
 * after `JSON.stringify`/`parse` of the encoded value (NaN ↦ NaN; only −0
 * comes back as 0 through JSON, equal in every comparison).
 */
import { z } from 'zod'

export const NonFiniteSchema = z.enum(['NaN', 'Infinity', '-Infinity'])
export type NonFinite = z.infer<typeof NonFiniteSchema>

/** A score on the wire (never null). */
export const WireScoreSchema = z.union([z.number(), NonFiniteSchema])
export type WireScore = z.infer<typeof WireScoreSchema>

/** A score in a stored or transmitted evaluation row (null = legacy non-finite of unknown kind). */
export const ScoreValueSchema = WireScoreSchema.nullable()
export type ScoreValue = z.infer<typeof ScoreValueSchema>

/**
 * `JSON.stringify` replacer writing every non-finite number as `encodeScore`
 * does (the JSON-file edge: JSONL rows, best.json, `zsnas score` output).
 */
export const nonFiniteReplacer = (_key: string, v: unknown): unknown => (typeof v === 'number' ? encodeScore(v) : v)

export function encodeScore(x: number): WireScore {
  return Number.isFinite(x) ? x : (String(x) as NonFinite)
}

/** The number a score stands for; null/undefined (legacy or missing) ⇒ NaN. */
export function decodeScore(v: ScoreValue | undefined): number {
  if (typeof v === 'number') return v
  if (v === null || v === undefined) return NaN
  return Number(v)
}

/** A proxy-id → score record encoded for a JSON edge (worker wire, run store, IPC rows). */
export function encodeScores(scores: Record<string, number>): Record<string, WireScore> {
  return Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, encodeScore(v)]))
}

/** The inverse of `encodeScores` (legacy nulls ⇒ NaN). */
export function decodeScores(scores: Record<string, ScoreValue>): Record<string, number> {
  return Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, decodeScore(v)]))
}

/**
 * `T` as the client hands it to the renderer: every evaluation row's `scores`
 * (an object with `arch` and `scores`) holds plain numbers (NaN, ±Infinity
 * included), found at any depth (pages, summaries' `best`, event payloads).
 */
export type Decoded<T> = T extends readonly (infer U)[]
  ? Decoded<U>[]
  : T extends { arch: string; scores: Record<string, ScoreValue> }
    ? { [K in keyof T]: K extends 'scores' ? Record<string, number> : Decoded<T[K]> }
    : T extends object
      ? { [K in keyof T]: Decoded<T[K]> }
      : T

/**
 * The transport edge's decoding (used once, by `createClient`): walks a
 * validated contract value and replaces, IN PLACE, every evaluation row's
 * wire scores ('NaN' / 'Infinity' / '-Infinity' / legacy null) by the numbers
 * they stand for. A row is an object with a string `arch` and an object
 * `scores`. Returns the same value, typed as decoded.
 */
export function decodeWireScores<T>(value: T): Decoded<T> {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x)
      return
    }
    if (v === null || typeof v !== 'object') return
    const o = v as Record<string, unknown>
    if (typeof o.arch === 'string' && o.scores !== null && typeof o.scores === 'object' && !Array.isArray(o.scores)) {
      const s = o.scores as Record<string, ScoreValue>
      for (const k of Object.keys(s)) s[k] = decodeScore(s[k])
    }
    for (const k of Object.keys(o)) if (k !== 'scores') walk(o[k])
  }
  walk(value)
  return value as Decoded<T>
}
