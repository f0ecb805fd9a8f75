import type { GroundTruth } from '../core/data'
import { ZsnasError } from '../core/errors'
import { withTableCache } from './cache'
import { buildTable, TableGroundTruth, type DuplicatePolicy, type MissingPolicy, type RawRow } from './table'
import { parseNumberCell, readTabular, requireColumns } from './tabular'

/**
 * NAS-Bench-201 ground truth from a CSV/JSON table.
 *
 * Default layout = `nats_bench_tss_test_acc.csv` (NATS-Bench tss, 200-epoch
 * test accuracy in percent; row i is benchmark index i). Columns are found
 * by NAME, so their order does not matter:
 *   ArchitectureString → key, CIFAR10TestAccuracy200Epochs → 'cifar10',
 *   CIFAR100TestAccuracy200Epochs → 'cifar100',
 *   ImageNetTestAccuracy200Epochs → 'imagenet16-120'.
 * `columns` replaces that mapping for other layouts: `{ key: '<arch column>',
 * <metric>: '<column>', … }` (for JSON objects keyed by arch string use
 * key: '$key').
 *
 * Guarantees: keys are the arch strings exactly as written (validated as NB201
 * arch strings), `keys()` is file order; a missing column → MISSING_COLUMN
 * (file, column, columns found); a repeated arch → DUPLICATE_ROW unless
 * `duplicates` says otherwise; NaN/empty accuracy → BAD_VALUE unless
 * `missing: 'skip'`; accuracies outside [0, 100] → BAD_VALUE.
 */
export interface Nb201TableOptions {
  columns?: Record<string, string>
  duplicates?: DuplicatePolicy
  missing?: MissingPolicy
  /** folder for the parsed-index cache (the app's user-data folder) */
  cacheDir?: string
}

export const NB201_DEFAULT_COLUMNS: Readonly<Record<string, string>> = {
  key: 'ArchitectureString',
  cifar10: 'CIFAR10TestAccuracy200Epochs',
  cifar100: 'CIFAR100TestAccuracy200Epochs',
  'imagenet16-120': 'ImageNetTestAccuracy200Epochs',
}

const OP = '(none|skip_connect|nor_conv_1x1|nor_conv_3x3|avg_pool_3x3)'
const NB201_ARCH = new RegExp(`^\\|${OP}~0\\|\\+\\|${OP}~0\\|${OP}~1\\|\\+\\|${OP}~0\\|${OP}~1\\|${OP}~2\\|$`)

/** True for a syntactically valid NB201 arch string. */
export function isNb201ArchString(s: string): boolean {
  return NB201_ARCH.test(s)
}

export function loadNb201Table(path: string, opts: Nb201TableOptions = {}): GroundTruth {
  const columns = opts.columns ?? NB201_DEFAULT_COLUMNS
  if (typeof columns.key !== 'string') {
    throw new ZsnasError('INVALID_OPTION', `NB201 column mapping needs a "key" entry naming the arch-string column`, { columns })
  }
  const metrics = Object.keys(columns).filter((k) => k !== 'key')
  if (metrics.length === 0) throw new ZsnasError('INVALID_OPTION', 'NB201 column mapping names no accuracy column', { columns })
  const duplicates = opts.duplicates ?? 'error'
  const missing = opts.missing ?? 'error'
  const { data } = withTableCache(path, opts.cacheDir, 'nb201', { columns, duplicates, missing }, () => {
    const t = readTabular(path)
    requireColumns(t, columns)
    const rows = function* (): Generator<RawRow> {
      for (let i = 0; i < t.rows.length; i++) {
        const r = t.rows[i]
        const where = t.where(i)
        const key = String(r[columns.key] ?? '').trim()
        if (!isNb201ArchString(key)) {
          throw new ZsnasError('BAD_VALUE', `${t.file}, ${where}: "${key}" in column "${columns.key}" is not an NB201 arch string; expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|`, { file: t.file, where, value: key })
        }
        yield { key, where, values: metrics.map((m) => parseNumberCell(r[columns[m]], t.file, where, columns[m])) }
      }
    }
    return buildTable(rows(), { space: 'nb201', metrics, file: t.file, duplicates, missing })
  })
  return new TableGroundTruth(data)
}
