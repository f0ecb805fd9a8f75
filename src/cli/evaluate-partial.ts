/**
 * Crash-safe partial results of a long `zsnas evaluate --paper` run.
 *
 * Layout of the output folder:
 * - `config.json`: everything that decides the scores (proxies, n, caps,
 *   datasets, seed, batch, init, mode, proxy options, table). `--resume`
 *   continues only when the stored config equals the requested one.
 * - `scores-<dataset>.csv`: `index,arch,accuracy,<plain proxy ids…>,seconds`,
 *   one row per architecture, appended (and flushed by the OS write) as soon
 *   as it is scored. An empty cell = not scored (index ≥ the proxy's cap);
 *   NaN / Infinity / -Infinity are written as such.
 *
 * Guarantees: a row is either complete in the file or ignored on resume (a
 * torn last line without its newline is dropped and rewritten); finished
 * rows are never rescored; nothing is deleted without `--resume`'s consent
 * (a folder with results and no `--resume` is an error).
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { ZsnasError } from '../engine/core/errors'
import { ensureDir } from '../backend/fs-safe'

export interface PartialRow {
  index: number
  arch: string
  accuracy: number
  /** undefined = not scored for this row */
  scores: Record<string, number | undefined>
  seconds: number
}

export function scoresPath(dir: string, dataset: string): string {
  return join(dir, `scores-${dataset}.csv`)
}

function parseCell(s: string): number | undefined {
  if (s === '') return undefined
  const v = Number(s)
  if (Number.isNaN(v) && s !== 'NaN') throw new Error(`'${s}' is not a number`)
  return v
}

/** Header of a scores file for these plain proxy ids. */
export function scoresHeader(plain: readonly string[]): string {
  return ['index', 'arch', 'accuracy', ...plain, 'seconds'].join(',')
}

/**
 * Reads the finished rows of a scores file (a torn last line is cut off the
 * file so appends continue cleanly). Missing file = no rows.
 */
export function readPartial(file: string, plain: readonly string[]): PartialRow[] {
  if (!existsSync(file)) return []
  const text = readFileSync(file, 'utf8')
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1)
  if (complete.length !== text.length) truncateSync(file, Buffer.byteLength(complete))
  const lines = complete.split('\n').filter((l) => l !== '')
  if (lines.length === 0) return []
  if (lines[0] !== scoresHeader(plain)) {
    throw new ZsnasError('BAD_FORMAT', `${file}: header '${lines[0]}' does not match the requested proxies; expected '${scoresHeader(plain)}'`, { path: file })
  }
  return lines.slice(1).map((l, k) => {
    const c = l.split(',')
    if (c.length !== plain.length + 4) {
      throw new ZsnasError('BAD_FORMAT', `${file}: line ${k + 2} has ${c.length} fields; expected ${plain.length + 4}`, { path: file })
    }
    try {
      const scores: Record<string, number | undefined> = {}
      plain.forEach((p, i) => (scores[p] = parseCell(c[3 + i])))
      return { index: Number(c[0]), arch: c[1], accuracy: Number(c[2]), scores, seconds: Number(c[c.length - 1]) }
    } catch (e) {
      throw new ZsnasError('BAD_FORMAT', `${file}: line ${k + 2}: ${(e as Error).message}`, { path: file })
    }
  })
}

/** Appends one finished row (creating the file with its header first). */
export function appendRow(file: string, plain: readonly string[], row: PartialRow): void {
  if (!existsSync(file)) writeFileSync(file, `${scoresHeader(plain)}\n`)
  const cells = plain.map((p) => (row.scores[p] === undefined ? '' : String(row.scores[p])))
  appendFileSync(file, `${[row.index, row.arch, row.accuracy, ...cells, row.seconds.toFixed(3)].join(',')}\n`)
}

/**
 * Prepares the output folder: with `resume`, the stored config must equal
 * `config` (else INVALID_OPTION naming the first differing field) except on
 * the `mayChange` keys (which rows are scored, not how), which are then
 * rewritten with the new values; without `resume`, the folder must not hold
 * results yet.
 */
export function openRunDir(dir: string, config: Record<string, unknown>, resume: boolean, mayChange: readonly string[] = []): void {
  const file = join(dir, 'config.json')
  if (existsSync(file)) {
    if (!resume) {
      throw new ZsnasError('INVALID_OPTION', `${dir} already holds a run (config.json); pass --resume to continue it or choose another --out`, { path: dir })
    }
    let stored: Record<string, unknown>
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    } catch (e) {
      throw new ZsnasError('BAD_FORMAT', `${file}: not valid JSON (${(e as Error).message})`, { path: file })
    }
    for (const k of new Set([...Object.keys(stored), ...Object.keys(config)])) {
      if (mayChange.includes(k)) continue
      if (JSON.stringify(stored[k]) !== JSON.stringify(config[k])) {
        throw new ZsnasError(
          'INVALID_OPTION',
          `--resume: ${file} was written with ${k}=${JSON.stringify(stored[k])}, this command asks for ${JSON.stringify(config[k])}; use the same options or another --out`,
          { path: file, field: k },
        )
      }
    }
    if (mayChange.some((k) => JSON.stringify(stored[k]) !== JSON.stringify(config[k]))) writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`)
    return
  }
  ensureDir(dir, '--out')
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`)
}
