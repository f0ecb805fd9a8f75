import type { GroundTruth } from '../core/data'
import type { FileRead } from '../data/read-ahead'
import { TABLE_MAX_BYTES } from './tabular'
import { looksLikeTfrecord } from './tfrecord'
import { ZsnasError } from '../core/errors'

/**
 * The in-memory ground-truth table every benchmark loader produces, and the
 * shared row checks (duplicates, missing/NaN values, percent range).
 */

/** What to do when two rows carry the same architecture key. */
export type DuplicatePolicy = 'error' | 'mean' | 'first'
/** What to do with an empty or NaN accuracy cell. */
export type MissingPolicy = 'error' | 'skip'

/** Plain, JSON-serialisable table contents (also the cache format). */
export interface TableData {
  space: string
  metrics: string[]
  keys: string[]
  /** `values[m][i]` = metric m of key i, in percent; null = missing */
  values: (number | null)[][]
}

/** One parsed input row before the checks. */
export interface RawRow {
  key: string
  /** one entry per metric; NaN or null = missing */
  values: (number | null)[]
  /** where it came from, for messages (e.g. "line 17", "record 3") */
  where: string
}

export interface BuildOptions {
  space: string
  metrics: string[]
  /** file name for messages */
  file: string
  duplicates: DuplicatePolicy
  missing: MissingPolicy
}

/**
 * Checks and merges rows into a `TableData`, keeping first-appearance key
 * order. Guarantees: every stored value is finite and in [0, 100]; with
 * 'error' a repeated key throws DUPLICATE_ROW naming both rows; with 'mean'
 * repeated rows are averaged per metric over the rows that have the metric;
 * with 'first' later repeats are ignored. A missing/NaN value throws
 * BAD_VALUE under 'error' and is stored as missing under 'skip'.
 */
export function buildTable(rows: Iterable<RawRow>, o: BuildOptions): TableData {
  const index = new Map<string, number>()
  const firstWhere: string[] = []
  const keys: string[] = []
  const sums: number[][] = o.metrics.map(() => [])
  const counts: number[][] = o.metrics.map(() => [])
  for (const r of rows) {
    if (r.key === '') throw new ZsnasError('BAD_VALUE', `${o.file}, ${r.where}: empty architecture key; expected a non-empty key`, { file: o.file, where: r.where })
    let i = index.get(r.key)
    if (i !== undefined) {
      if (o.duplicates === 'error') {
        throw new ZsnasError(
          'DUPLICATE_ROW',
          `${o.file}, ${r.where}: architecture "${r.key}" already appeared at ${firstWhere[i]}; expected each architecture once (choose "mean" or "first" for tables that list repeated runs)`,
          { file: o.file, key: r.key, where: r.where, first: firstWhere[i] },
        )
      }
      if (o.duplicates === 'first') continue
    } else {
      i = keys.length
      index.set(r.key, i)
      keys.push(r.key)
      firstWhere.push(r.where)
      for (let m = 0; m < o.metrics.length; m++) {
        sums[m].push(0)
        counts[m].push(0)
      }
    }
    for (let m = 0; m < o.metrics.length; m++) {
      const v = r.values[m]
      if (v === null || v === undefined || Number.isNaN(v)) {
        if (o.missing === 'error') {
          throw new ZsnasError('BAD_VALUE', `${o.file}, ${r.where}: ${o.metrics[m]} accuracy of "${r.key}" is missing or NaN; expected a number in [0, 100] (or import with missing values skipped)`, { file: o.file, where: r.where, metric: o.metrics[m] })
        }
        continue
      }
      if (!Number.isFinite(v) || v < 0 || v > 100) {
        throw new ZsnasError('BAD_VALUE', `${o.file}, ${r.where}: ${o.metrics[m]} accuracy of "${r.key}" is ${v}; expected a percentage in [0, 100]`, { file: o.file, where: r.where, metric: o.metrics[m], value: v })
      }
      sums[m][i] += v
      counts[m][i]++
    }
  }
  if (keys.length === 0) throw new ZsnasError('EMPTY_DATASET', `${o.file}: no data rows; expected at least one architecture`, { file: o.file })
  const values = sums.map((s, m) => s.map((x, i) => (counts[m][i] === 0 ? null : x / counts[m][i])))
  return { space: o.space, metrics: o.metrics.slice(), keys, values }
}

/** A `GroundTruth` over `TableData` (O(1) lookups). */
export class TableGroundTruth implements GroundTruth {
  readonly space: string
  readonly metrics: string[]
  readonly size: number
  private readonly index = new Map<string, number>()
  private readonly data: TableData

  constructor(data: TableData) {
    this.data = data
    this.space = data.space
    this.metrics = data.metrics.slice()
    this.size = data.keys.length
    data.keys.forEach((k, i) => this.index.set(k, i))
  }

  get(archHash: string, metric: string): number | undefined {
    const m = this.data.metrics.indexOf(metric)
    const i = this.index.get(archHash)
    if (m < 0 || i === undefined) return undefined
    const v = this.data.values[m][i]
    return v === null ? undefined : v
  }

  keys(): string[] {
    return this.data.keys.slice()
  }

  /** Position of a key in table order (NB201: the benchmark index), or -1. */
  indexOf(archHash: string): number {
    return this.index.get(archHash) ?? -1
  }

  /** The key at table position i. */
  keyAt(i: number): string | undefined {
    return this.data.keys[i]
  }

  /** The underlying serialisable contents. */
  toData(): TableData {
    return this.data
  }
}

/**
 * The file a benchmark-table loader reads whole, for `withReadAhead`: a CSV or
 * JSON table (at most TABLE_MAX_BYTES). A TFRecord is streamed in chunks by
 * its reader (never held whole) and is not listed.
 */
export function tableReads(path: string): FileRead[] {
  return looksLikeTfrecord(path) ? [] : [{ path, what: 'table file', maxBytes: TABLE_MAX_BYTES }]
}
