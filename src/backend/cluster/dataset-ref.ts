/**
 * Datasets travel by content hash, never by path: the scorer hashes the run's
 * dataset once (`datasetRef`) and every job names that hash; a worker maps it
 * to a file or folder of its own (`resolveDataset`) and refuses a mismatch.
 *
 * Resolution order on a worker (first whose content hash matches wins):
 *   1. the path as the submitting machine named it (same machine, shared
 *      filesystem);
 *   2. `<data-root>/<basename of that path>`;
 *   3. every entry directly inside `<data-root>`.
 * Hashes are memoised per (path, size, mtime) of the entry and of every file
 * under a folder, so a worker hashes each dataset once. Generated datasets
 * (noise) hash their spec and need no file.
 *
 * A worker that finds no match throws `BAD_CHECKSUM` naming the dataset, the
 * expected hash, what it tried and what those hashed to.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { DatasetSpec } from '../../engine/core/data'
import { ZsnasError } from '../../engine/core/errors'
import { sha256Path } from '../hashing'
import { canonicalJson } from './job-id'
import type { DatasetRef } from './protocol'

/** The content hash of a generated dataset (its spec is its content). */
function specHash(spec: DatasetSpec): string {
  return createHash('sha256').update(`generated:${canonicalJson(spec)}`).digest('hex')
}

/** What the submitting side sends: the content hashes of the run's dataset (and u8 labels CSV). */
export async function datasetRef(spec: DatasetSpec): Promise<DatasetRef> {
  if (spec.kind === 'noise') return { sha256: specHash(spec) }
  const ref: DatasetRef = { sha256: await sha256Path(spec.path) }
  if (spec.kind === 'u8' && spec.labelsCsv) ref.labelsSha256 = await sha256Path(spec.labelsCsv)
  return ref
}

/** A fingerprint that changes when any file of the entry changes (size or mtime). */
function fingerprint(p: string): string | null {
  let st: fs.Stats
  try {
    st = fs.statSync(p)
  } catch {
    return null
  }
  if (st.isFile()) return `f:${st.size}:${st.mtimeMs}`
  if (!st.isDirectory()) return null
  const parts: string[] = []
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name)
      if (e.isDirectory()) walk(full)
      else if (e.isFile()) {
        const s = fs.statSync(full)
        parts.push(`${path.relative(p, full)}:${s.size}:${s.mtimeMs}`)
      }
    }
  }
  walk(p)
  return `d:${parts.sort().join('|')}`
}

/** Memoised content hashes of local paths (one per worker process). */
export class HashMemo {
  private readonly memo = new Map<string, { fp: string; hash: Promise<string> }>()

  /** sha256 of `p` (sha256Path), or null when it does not exist or is not a file/folder */
  async hash(p: string): Promise<string | null> {
    const abs = path.resolve(p)
    const fp = fingerprint(abs)
    if (fp === null) return null
    const hit = this.memo.get(abs)
    if (hit && hit.fp === fp) return hit.hash
    const hash = sha256Path(abs)
    this.memo.set(abs, { fp, hash })
    hash.catch(() => this.memo.delete(abs))
    return hash
  }
}

/** Finds a local path whose content hashes to `want`; the attempts are listed for the error. */
async function findByHash(want: string, original: string, dataRoot: string | null, memo: HashMemo): Promise<{ found: string | null; tried: string[] }> {
  const candidates = [original]
  if (dataRoot) {
    candidates.push(path.join(dataRoot, path.basename(original)))
    let entries: string[] = []
    try {
      entries = fs.readdirSync(dataRoot).sort()
    } catch {
      // an unreadable data root: only the original path can match
    }
    for (const e of entries) candidates.push(path.join(dataRoot, e))
  }
  const tried: string[] = []
  const seen = new Set<string>()
  for (const c of candidates) {
    const abs = path.resolve(c)
    if (seen.has(abs)) continue
    seen.add(abs)
    let h: string | null = null
    try {
      h = await memo.hash(abs)
    } catch {
      h = null
    }
    if (h === want) return { found: abs, tried }
    if (h !== null || abs === path.resolve(original)) tried.push(`${abs} (${h === null ? 'missing' : `sha256 ${h.slice(0, 12)}…`})`)
  }
  return { found: null, tried }
}

/**
 * The job's dataset spec with paths of this machine, or BAD_CHECKSUM when no
 * local file/folder has the content the job names.
 */
export async function resolveDataset(spec: DatasetSpec, ref: DatasetRef, dataRoot: string | null, memo: HashMemo, host: string): Promise<DatasetSpec> {
  if (spec.kind === 'noise') {
    const h = specHash(spec)
    if (h !== ref.sha256) throw new ZsnasError('BAD_CHECKSUM', `worker ${host}: generated dataset ${canonicalJson(spec)} hashes to ${h.slice(0, 12)}…, the job expects ${ref.sha256.slice(0, 12)}…`, { expected: ref.sha256, got: h })
    return spec
  }
  const refuse = (what: string, file: string, want: string, tried: string[]): never => {
    throw new ZsnasError(
      'BAD_CHECKSUM',
      `worker ${host}: no ${what} with sha256 ${want.slice(0, 12)}… (the run's ${spec.kind} dataset '${path.basename(file)}') ` +
        `${dataRoot ? `under --data-root ${dataRoot}` : '(worker started without --data-root)'}; tried ${tried.join(', ') || 'nothing'}. ` +
        `Copy the run's dataset there or start the worker with --data-root pointing at a folder that holds it`,
      { expected: want, dataRoot, tried },
    )
  }
  const main = await findByHash(ref.sha256, spec.path, dataRoot, memo)
  if (!main.found) refuse('dataset', spec.path, ref.sha256, main.tried)
  const out = { ...spec, path: main.found! } as DatasetSpec
  if (spec.kind === 'u8' && spec.labelsCsv) {
    if (!ref.labelsSha256) throw new ZsnasError('BAD_FORMAT', `job names a labels CSV '${spec.labelsCsv}' without its content hash`)
    const labels = await findByHash(ref.labelsSha256, spec.labelsCsv, dataRoot, memo)
    if (!labels.found) refuse('labels CSV', spec.labelsCsv, ref.labelsSha256, labels.tried)
    ;(out as { labelsCsv?: string }).labelsCsv = labels.found!
  }
  return out
}
