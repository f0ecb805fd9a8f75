import { parse } from 'csv-parse/sync'
import { ZsnasError } from '../core/errors'
import { readFileTyped, shortName } from '../data/files'

/**
 * Reads a CSV (header row, RFC 4180 quoting, BOM tolerated) or JSON table
 * into named columns. JSON may be an array of row objects, or an object
 * whose keys are architecture keys and whose values are row objects (the key
 * is then available as column "$key"). Parse errors → BAD_FORMAT naming the
 * file and position.
 */
export interface Tabular {
  file: string
  columns: string[]
  rows: Record<string, unknown>[]
  /** position of row i for messages, e.g. "line 17" */
  where(i: number): string
}

/**
 * Largest CSV/JSON table read (512 MiB, parsed in memory): NB201's 15,625-row
 * table is ≈ 1.5 MB, a NB101 CSV of all 423k cells ≈ 100 MB. Bigger files are
 * refused from their size, before reading.
 */
export const TABLE_MAX_BYTES = 512 * 2 ** 20

export function readTabular(path: string, maxBytes = TABLE_MAX_BYTES): Tabular {
  const buf = readFileTyped(path, 'table file', maxBytes)
  const file = shortName(path)
  const bin = binaryAt(buf)
  if (bin !== null) {
    throw new ZsnasError('BAD_FORMAT', `${file}: binary data (byte 0x${buf[bin].toString(16).padStart(2, '0')} at offset ${bin}), not a CSV or JSON text table; expected a text table with a header row (e.g. nats_bench_tss_test_acc.csv)`, { file, offset: bin })
  }
  const text = buf.toString('utf8')
  const first = text.replace(/^\uFEFF/, '').trimStart()[0]
  if (/\.json$/i.test(path) || first === '[' || first === '{') return readJson(text, file)
  return readCsv(text, file)
}

/**
 * Offset of the first byte that a text table cannot contain in the first 8 KiB (NUL, C0 controls other
 * than tab/LF/CR/FF, DEL, or invalid UTF-8), or null: such a file is refused before parsing, so no
 * message ever echoes raw binary bytes.
 */
function binaryAt(buf: Buffer): number | null {
  const n = Math.min(buf.length, 8192)
  for (let i = 0; i < n; i++) {
    const b = buf[i]
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f) return i
  }
  // invalid UTF-8 decodes to U+FFFD (a literal U+FFFD in the file is valid text and kept)
  const head = buf.subarray(0, n)
  const text = head.toString('utf8')
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(head)) {
    // the first differing byte is near the first replacement character; report the character's byte offset
    const k = text.indexOf('\uFFFD')
    const off = Buffer.byteLength(text.slice(0, k), 'utf8')
    // a multi-byte sequence cut by the 8 KiB window is not binary
    if (buf.length <= n || off < n - 4) return off
  }
  return null
}

/** A parser message with non-printable characters escaped and long quoted values cut (never raw bytes). */
function printable(msg: string): string {
  const esc = msg.replace(/[\u0000-\u001f\u007f-\u009f\uFFFD]/g, (c) => (c === '\uFFFD' ? '?' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
  return esc.length > 300 ? `${esc.slice(0, 300)}…` : esc
}

function readCsv(text: string, file: string): Tabular {
  let recs: { record: string[]; info: { lines: number } }[]
  try {
    recs = parse(text, { bom: true, skip_empty_lines: true, info: true, relax_column_count: false }) as unknown as { record: string[]; info: { lines: number } }[]
  } catch (e) {
    throw new ZsnasError('BAD_FORMAT', `${file}: not a valid CSV table: ${printable((e as Error).message)}`, { file })
  }
  if (recs.length === 0) throw new ZsnasError('EMPTY_DATASET', `${file}: the file is empty; expected a header row and data rows`, { file })
  const columns = recs[0].record.map((c) => c.trim())
  const rows = recs.slice(1).map((r) => {
    const o: Record<string, unknown> = {}
    columns.forEach((c, j) => (o[c] = r.record[j]))
    return o
  })
  const lines = recs.slice(1).map((r) => r.info.lines)
  return { file, columns, rows, where: (i) => `line ${lines[i]}` }
}

function readJson(text: string, file: string): Tabular {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    throw new ZsnasError('BAD_FORMAT', `${file}: not valid JSON: ${(e as Error).message}`, { file })
  }
  let rows: Record<string, unknown>[]
  if (Array.isArray(v)) {
    rows = v.map((r, i) => {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new ZsnasError('BAD_FORMAT', `${file}: entry ${i} is not an object; expected an array of row objects`, { file, entry: i })
      return r as Record<string, unknown>
    })
  } else if (v !== null && typeof v === 'object') {
    rows = Object.entries(v as Record<string, unknown>).map(([k, r]) => {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new ZsnasError('BAD_FORMAT', `${file}: value of "${k}" is not an object; expected {key: {column: value}}`, { file, key: k })
      return { $key: k, ...(r as Record<string, unknown>) }
    })
  } else {
    throw new ZsnasError('BAD_FORMAT', `${file}: JSON top level must be an array of rows or an object of rows`, { file })
  }
  const columns: string[] = []
  const seen = new Set<string>()
  for (const r of rows.slice(0, 100)) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), columns.push(k))
  return { file, columns, rows, where: (i) => `entry ${i}` }
}

/** Throws MISSING_COLUMN unless every required column exists. */
export function requireColumns(t: Tabular, wanted: Record<string, string>): void {
  for (const [role, col] of Object.entries(wanted)) {
    if (!t.columns.includes(col)) {
      throw new ZsnasError(
        'MISSING_COLUMN',
        `${t.file}: missing column "${col}" (needed for ${role}); columns found: ${t.columns.join(', ') || '(none)'}`,
        { file: t.file, missing: col, role, found: t.columns },
      )
    }
  }
}

const MISSING = /^(|nan|null|none|na|n\/a)$/i

/**
 * A table cell as an accuracy number: empty/NaN/null/None → null (missing);
 * other non-numbers → BAD_VALUE naming the cell.
 */
export function parseNumberCell(v: unknown, file: string, where: string, column: string): number | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'number') return Number.isNaN(v) ? null : v
  const s = String(v).trim()
  if (MISSING.test(s)) return null
  const x = Number(s)
  if (Number.isNaN(x)) throw new ZsnasError('BAD_VALUE', `${file}, ${where}: column "${column}" holds "${s}"; expected a number`, { file, where, column, value: s })
  return x
}
