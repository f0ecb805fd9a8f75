import type { GroundTruth } from '../core/data'
import { ZsnasError } from '../core/errors'
import { nb101Hash, pruneAndValidate } from '../spaces/nb101'
import { shortName } from '../data/files'
import { withTableCache } from './cache'
import { fieldDouble, forEachField, ProtobufError } from './protobuf'
import { buildTable, TableGroundTruth, type DuplicatePolicy, type MissingPolicy, type RawRow } from './table'
import { parseNumberCell, readTabular, requireColumns } from './tabular'
import { looksLikeTfrecord, readTfRecords } from './tfrecord'

/**
 * NAS-Bench-101 ground truth, keyed by the official 32-hex NB101 graph hash.
 *
 * Metrics (percent): 'cifar10' = final test accuracy, 'cifar10-valid' =
 * final validation accuracy.
 *
 * 1. The official `nasbench_only108.tfrecord` / `nasbench_full.tfrecord`:
 *    each record is JSON `[module_hash, epochs, raw_adjacency,
 *    raw_operations, raw_metrics]`, raw_metrics = base64 of a `ModelMetrics`
 *    protobuf (evaluation_data = field 1, repeated; in EvaluationData
 *    validation_accuracy = field 4, test_accuracy = field 5, doubles).
 *    As the nasbench API does, `evaluation_data[2]` is the end of training.
 *    Only records with `epochs` (default 108) are used; the table value is
 *    the mean over the repeats (3 per cell), ×100. Keys = the record's hash.
 * 2. CSV/JSON tables (default layout = NASLib-derived
 *    `nb101_naslib_zc_500.csv`): key from a hash column (`nb101_hash`), or
 *    computed with the official hash from a 49-char row-major 0/1 adjacency
 *    column + a '|' or ','-separated ops column (pruned first; cells invalid
 *    after pruning → BAD_VALUE). Default metric: val_accuracy →
 *    'cifar10-valid'. Repeated hashes (several seeds of one cell, or cells
 *    that prune to the same graph) are averaged by default (`duplicates:
 *    'mean'`), matching NB101's mean over repeats; pass 'error' to refuse them.
 */
export interface Nb101TfrecordOptions {
  epochs?: number
  cacheDir?: string
  /** progress of a (cold) import: bytes read so far and file size */
  onProgress?: (bytesRead: number, totalBytes: number) => void
}

export interface Nb101TableOptions {
  /** metric → column, plus optional `key` (hash column) */
  columns?: Record<string, string>
  /** adjacency/ops columns used when there is no hash column */
  matrixColumn?: string
  opsColumn?: string
  duplicates?: DuplicatePolicy
  missing?: MissingPolicy
  cacheDir?: string
}

export const NB101_DEFAULT_COLUMNS: Readonly<Record<string, string>> = { key: 'nb101_hash', 'cifar10-valid': 'val_accuracy' }

const HASH = /^[0-9a-f]{32}$/

interface Metrics { valid: number; test: number }

/** Decodes the final (index 2) evaluation of a base64 `ModelMetrics`. */
export function decodeNb101Metrics(b64: string): Metrics {
  const bytes = Buffer.from(b64, 'base64')
  const evals: Uint8Array[] = []
  forEachField(bytes, (f) => {
    if (f.no === 1 && f.wire === 2) evals.push(f.bytes)
  })
  if (evals.length < 3) throw new ProtobufError(`ModelMetrics has ${evals.length} evaluation_data entries; expected at least 3 (start, halfway, final)`)
  let valid = NaN, test = NaN
  forEachField(evals[2], (f) => {
    if (f.no === 4) valid = fieldDouble(f)
    if (f.no === 5) test = fieldDouble(f)
  })
  return { valid, test }
}

export function loadNb101Tfrecord(path: string, opts: Nb101TfrecordOptions = {}): GroundTruth {
  const epochs = opts.epochs ?? 108
  const name = shortName(path)
  const { data } = withTableCache(path, opts.cacheDir, 'nb101-tfrecord', { epochs }, () => {
    const rows: RawRow[] = []
    const seenEpochs = new Set<number>()
    const dec = new TextDecoder('utf-8', { fatal: true })
    readTfRecords(path, (bytes, index) => {
      const where = `record ${index}`
      let rec: unknown
      try {
        rec = JSON.parse(dec.decode(bytes))
      } catch (e) {
        throw new ZsnasError('BAD_FORMAT', `${name}, ${where}: not a JSON row (${(e as Error).message}); expected [module_hash, epochs, adjacency, operations, metrics]`, { path, record: index })
      }
      if (!Array.isArray(rec) || rec.length !== 5 || typeof rec[0] !== 'string' || typeof rec[1] !== 'number' || typeof rec[4] !== 'string') {
        throw new ZsnasError('BAD_FORMAT', `${name}, ${where}: expected a JSON list [module_hash, epochs, raw_adjacency, raw_operations, raw_metrics]`, { path, record: index })
      }
      if (!HASH.test(rec[0])) throw new ZsnasError('BAD_VALUE', `${name}, ${where}: module hash "${rec[0]}" is not 32 hex digits`, { path, record: index })
      seenEpochs.add(rec[1])
      if (rec[1] !== epochs) return
      let m: Metrics
      try {
        m = decodeNb101Metrics(rec[4])
      } catch (e) {
        throw new ZsnasError('BAD_FORMAT', `${name}, ${where}: cannot decode the metrics protobuf: ${(e as Error).message}`, { path, record: index })
      }
      rows.push({ key: rec[0], where, values: [m.test * 100, m.valid * 100] })
    }, undefined, opts.onProgress)
    if (rows.length === 0) {
      throw new ZsnasError('EMPTY_DATASET', `${name}: no records with ${epochs} epochs; epochs found: ${[...seenEpochs].join(', ') || 'none'}`, { path, epochs })
    }
    return buildTable(rows, { space: 'nb101', metrics: ['cifar10', 'cifar10-valid'], file: name, duplicates: 'mean', missing: 'error' })
  })
  return new TableGroundTruth(data)
}

/** Parses a 49-char (n² chars) 0/1 adjacency string + ops list into a hash. */
export function nb101HashFromStrings(adjacency: string, ops: string[], file: string, where: string): string {
  const a = adjacency.replace(/[^01]/g, '')
  const n = ops.length
  if (a.length !== n * n) {
    throw new ZsnasError('BAD_VALUE', `${file}, ${where}: adjacency has ${a.length} 0/1 entries for ${n} ops; expected ${n * n} (row-major ${n}×${n})`, { file, where })
  }
  const matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Number(a[i * n + j])))
  let cell
  try {
    cell = pruneAndValidate({ matrix, ops })
  } catch (e) {
    throw new ZsnasError('BAD_VALUE', `${file}, ${where}: ${(e as Error).message}`, { file, where })
  }
  if (!cell) throw new ZsnasError('BAD_VALUE', `${file}, ${where}: the cell is not a valid NB101 cell after pruning (disconnected, or > 7 vertices / > 9 edges)`, { file, where })
  return nb101Hash(cell)
}

export function loadNb101Table(path: string, opts: Nb101TableOptions = {}): GroundTruth {
  const columns = opts.columns ?? NB101_DEFAULT_COLUMNS
  const metrics = Object.keys(columns).filter((k) => k !== 'key')
  if (metrics.length === 0) throw new ZsnasError('INVALID_OPTION', 'NB101 column mapping names no accuracy column', { columns })
  const duplicates = opts.duplicates ?? 'mean'
  const missing = opts.missing ?? 'error'
  const options = { columns, matrixColumn: opts.matrixColumn, opsColumn: opts.opsColumn, duplicates, missing }
  const { data } = withTableCache(path, opts.cacheDir, 'nb101-table', options, () => {
    const t = readTabular(path)
    const metricCols: Record<string, string> = {}
    for (const m of metrics) metricCols[m] = columns[m]
    requireColumns(t, metricCols)
    const keyCol = columns.key
    const useHash = keyCol !== undefined && t.columns.includes(keyCol)
    const matrixCol = opts.matrixColumn ?? 'adjacency_7x7_rowmajor'
    const opsCol = opts.opsColumn ?? 'ops'
    if (!useHash) {
      if (opts.columns?.key) requireColumns(t, { key: opts.columns.key })
      requireColumns(t, { 'adjacency (no hash column)': matrixCol, 'ops (no hash column)': opsCol })
    }
    const rows = function* (): Generator<RawRow> {
      for (let i = 0; i < t.rows.length; i++) {
        const r = t.rows[i], where = t.where(i)
        let key: string
        if (useHash) {
          key = String(r[keyCol] ?? '').trim()
          if (!HASH.test(key)) throw new ZsnasError('BAD_VALUE', `${t.file}, ${where}: "${key}" in column "${keyCol}" is not a 32-hex NB101 hash`, { file: t.file, where, value: key })
        } else {
          const ops = String(r[opsCol] ?? '').split(/[|,]/).map((s) => s.trim()).filter(Boolean)
          key = nb101HashFromStrings(String(r[matrixCol] ?? ''), ops, t.file, where)
        }
        yield { key, where, values: metrics.map((m) => parseNumberCell(r[columns[m]], t.file, where, columns[m])) }
      }
    }
    return buildTable(rows(), { space: 'nb101', metrics, file: t.file, duplicates, missing })
  })
  return new TableGroundTruth(data)
}

/** Opens an NB101 table of either kind: TFRecord by extension or by a valid first frame header, else CSV/JSON. */
export function loadNb101(path: string, opts: Nb101TableOptions & Nb101TfrecordOptions = {}): GroundTruth {
  return /\.tfrecords?$/i.test(path) || looksLikeTfrecord(path) ? loadNb101Tfrecord(path, opts) : loadNb101Table(path, opts)
}
