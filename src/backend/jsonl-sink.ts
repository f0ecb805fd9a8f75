/**
 * The `zsnas search` `SessionSink`: evaluations as JSON lines.
 *   - with a folder: DIR/evaluated.jsonl (one object per evaluation, in
 *     evaluation order), DIR/checkpoint.json ({ config, state }, written
 *     atomically after every told group, AFTER that group's lines) — a crash
 *     at any moment leaves at most the lines of the unfinished group beyond
 *     the checkpoint, and `openJsonlRun(…, resume)` drops them (they are
 *     re-scored identically);
 *   - without: the lines go to `out` (stdout).
 * This file is the JSONL edge of scores: NaN/±∞ are written as the strings
 * 'NaN' / 'Infinity' / '-Infinity' (as `String(x)` gives them).
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ZsnasError } from '../engine/core/errors'
import type { StrategyState } from '../engine/search/types'
import type { EvaluationRecord, SessionCheckpoint, SessionSink } from './search-session'
import { nonFiniteReplacer } from '../shared/score-value'
import { ensureDir } from './fs-safe'

/** JSON.stringify replacer: non-finite numbers as String(x) (the one rule of src/shared/score-value.ts). */
export const jsonNum = nonFiniteReplacer

export function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}

export interface JsonlRowFormat {
  /** the --proxy argument (a proxy, a voting set or a comma list) */
  proxy: string
  /** member proxies, in the order their scores are written */
  members: string[]
  /** ground-truth accuracies of a space hash (with --table) */
  accuracy?: (hash: string) => Record<string, number | null>
}

/** One evaluation as a JSONL object (key order is part of the format). */
export function jsonlRow(rec: EvaluationRecord, f: JsonlRowFormat): Record<string, unknown> {
  const head = { i: rec.index, phase: rec.phase, arch: rec.arch, hash: rec.hash, proxy: f.proxy }
  const acc = f.accuracy ? { accuracy: f.accuracy(rec.hash) } : {}
  // cluster runs: the machine that scored the row (absent on the local pool, so local rows are unchanged)
  const host = rec.host ? { host: rec.host } : {}
  if (rec.status === 'failed') return { ...head, status: 'failed', error: rec.error, seconds: rec.seconds, ...host, ...acc }
  return {
    ...head,
    scores: Object.fromEntries(f.members.map((m) => [m, rec.scores[m]])),
    params: rec.params ?? NaN,
    flops: rec.flops ?? NaN,
    seconds: rec.seconds,
    ...host,
    ...acc,
  }
}

export interface JsonlRun {
  sink: SessionSink
  /** the strategy state to restore (resume), or null for a fresh search */
  restored: StrategyState | null
  files: { jsonl: string; best: string; ckpt: string } | null
}

/**
 * Reads `checkpoint.json` for --resume. A file that is not JSON, or not an
 * object with `config` and a `state` object holding a non-negative integer
 * `completed`, is a typed BAD_FORMAT naming the file (never a SyntaxError stack).
 */
function readCheckpoint(file: string): { config: unknown; state: StrategyState } {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new ZsnasError('BAD_FORMAT', `--resume: ${file} is not valid JSON (${(e as Error).message.split('\n')[0]}); expected the checkpoint a search wrote`, { path: file })
  }
  const o = raw as { config?: unknown; state?: { completed?: unknown } } | null
  const ok = o !== null && typeof o === 'object' && 'config' in o && o.state !== null && typeof o.state === 'object'
  if (!ok || !Number.isInteger(o.state!.completed) || (o.state!.completed as number) < 0) {
    throw new ZsnasError('BAD_FORMAT', `--resume: ${file} is not a search checkpoint; expected { config, state: { completed, … } }`, { path: file })
  }
  return o as { config: unknown; state: StrategyState }
}

/**
 * Opens the output of a search: a fresh folder (refuses one that already
 * holds a search), a resumed one (config must equal the checkpointed one;
 * lines after the checkpoint are dropped; a folder with no checkpoint — the
 * search died before its first group — starts fresh, said through `note`),
 * or stdout (`dir` null).
 */
export function openJsonlRun(
  dir: string | null,
  o: { config: unknown; resume: boolean; format: JsonlRowFormat; out: (text: string) => void; note?: (text: string) => void },
): JsonlRun {
  const files = dir ? { jsonl: join(dir, 'evaluated.jsonl'), best: join(dir, 'best.json'), ckpt: join(dir, 'checkpoint.json') } : null
  let restored: StrategyState | null = null
  const ckptExists = files !== null && existsSync(files.ckpt)
  if (o.resume && !files) throw new ZsnasError('INVALID_OPTION', '--resume needs --out DIR (the folder of the interrupted search)')
  if (o.resume && ckptExists) {
    const saved = readCheckpoint(files!.ckpt)
    if (JSON.stringify(saved.config) !== JSON.stringify(o.config)) {
      throw new ZsnasError('INVALID_OPTION', `--resume: the options differ from the checkpointed search (${JSON.stringify(saved.config)})`)
    }
    restored = saved.state
    const lines = existsSync(files!.jsonl) ? readFileSync(files!.jsonl, 'utf8').split('\n').filter((l) => l.length > 0) : []
    writeFileSync(files!.jsonl, lines.slice(0, saved.state.completed).map((l) => `${l}\n`).join(''))
  } else if (files) {
    // --resume of a search killed before its first checkpoint (rows of an unfinished first group, or nothing):
    // a fresh start in the same folder — those rows are re-scored identically
    ensureDir(dir!, '--out')
    if (ckptExists) throw new ZsnasError('INVALID_OPTION', `--out ${dir} already holds a search; use --resume or another folder`)
    if (o.resume) {
      const rows = existsSync(files.jsonl) ? readFileSync(files.jsonl, 'utf8').split('\n').filter((l) => l.length > 0).length : 0
      o.note?.(`--resume: no checkpoint in ${dir} (the search stopped before its first group finished); starting at 0${rows > 0 ? `, dropping ${rows} unconfirmed row(s)` : ''}\n`)
    }
    writeFileSync(files.jsonl, '')
  }
  let pending: EvaluationRecord[] = []
  const flush = (c: SessionCheckpoint): void => {
    const text = pending.sort((a, b) => a.index - b.index).map((r) => `${JSON.stringify(jsonlRow(r, o.format), jsonNum)}\n`).join('')
    pending = []
    if (!files) return o.out(text)
    appendFileSync(files.jsonl, text)
    writeAtomic(files.ckpt, JSON.stringify({ config: o.config, state: c.state }))
  }
  const sink: SessionSink = {
    stored: () => null,
    record(rec, c) {
      pending.push(rec)
      if (c) flush(c)
    },
    checkpoint: flush,
  }
  return { sink, restored, files }
}
