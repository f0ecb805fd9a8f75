/**
 * Loads the unique cells of an NB101 table as a sampling pool, so NB101
 * sampling can be uniform over unique cells like the reference
 * (`random.choice` over `fixed_statistics`). Sources:
 *   - the official `nasbench_*.tfrecord` (records `[hash, epochs, adjacency,
 *     "op,op,…", metrics]`, adjacency = n² chars of 0/1, row-major);
 *   - a CSV/JSON table with a 0/1 adjacency column (default
 *     `adjacency_7x7_rowmajor`) and an ops column (default `ops`, '|' or ','
 *     separated), e.g. the shared NASLib sample.
 * Cells are pruned and de-duplicated by the official hash (first occurrence
 * kept, file order). Guarantees: every returned cell is valid and pruned;
 * errors name the file and row (BAD_VALUE / BAD_FORMAT / EMPTY_DATASET).
 */
import { ZsnasError } from '../../core/errors'
import { readTabular, requireColumns } from '../../benchmarks/tabular'
import { readTfRecords } from '../../benchmarks/tfrecord'
import { type Nb101Cell, pruneAndValidate } from './cell'
import { nb101Hash } from './hash'

export interface Nb101PoolOptions {
  matrixColumn?: string
  opsColumn?: string
}

function parseCell(adjacency: string, ops: string[], file: string, where: string): Nb101Cell {
  const a = adjacency.replace(/[^01]/g, '')
  const n = ops.length
  if (a.length !== n * n) {
    throw new ZsnasError('BAD_VALUE', `${file}, ${where}: adjacency has ${a.length} 0/1 entries for ${n} ops; expected ${n * n}`, { file, where })
  }
  const matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Number(a[i * n + j])))
  let cell: Nb101Cell | null
  try {
    cell = pruneAndValidate({ matrix, ops })
  } catch (e) {
    throw new ZsnasError('BAD_VALUE', `${file}, ${where}: ${(e as Error).message}`, { file, where })
  }
  if (!cell) throw new ZsnasError('BAD_VALUE', `${file}, ${where}: not a valid NB101 cell after pruning`, { file, where })
  return cell
}

export function loadNb101Pool(path: string, opts: Nb101PoolOptions = {}): Nb101Cell[] {
  const seen = new Set<string>()
  const pool: Nb101Cell[] = []
  const add = (c: Nb101Cell): void => {
    const h = nb101Hash(c)
    if (!seen.has(h)) {
      seen.add(h)
      pool.push(c)
    }
  }
  if (/\.tfrecords?$/i.test(path)) {
    const dec = new TextDecoder('utf-8', { fatal: true })
    readTfRecords(path, (bytes, index) => {
      let rec: unknown
      try {
        rec = JSON.parse(dec.decode(bytes))
      } catch {
        throw new ZsnasError('BAD_FORMAT', `${path}, record ${index}: not a JSON row [hash, epochs, adjacency, operations, metrics]`, { path, record: index })
      }
      if (!Array.isArray(rec) || typeof rec[2] !== 'string' || typeof rec[3] !== 'string') {
        throw new ZsnasError('BAD_FORMAT', `${path}, record ${index}: expected [hash, epochs, "adjacency", "op,op,…", metrics]`, { path, record: index })
      }
      add(parseCell(rec[2], rec[3].split(','), path, `record ${index}`))
    })
  } else {
    const t = readTabular(path)
    const mc = opts.matrixColumn ?? 'adjacency_7x7_rowmajor'
    const oc = opts.opsColumn ?? 'ops'
    requireColumns(t, { adjacency: mc, ops: oc })
    t.rows.forEach((r, i) => {
      const ops = String(r[oc] ?? '').split(/[|,]/).map((s) => s.trim()).filter(Boolean)
      add(parseCell(String(r[mc] ?? ''), ops, t.file, t.where(i)))
    })
  }
  if (pool.length === 0) throw new ZsnasError('EMPTY_DATASET', `${path}: no NB101 cells found`, { path })
  return pool
}
