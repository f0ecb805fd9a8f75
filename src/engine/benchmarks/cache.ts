import { createHash, randomBytes } from 'node:crypto'
import { closeSync, mkdirSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { openRegular, readFileTyped } from '../data/files'
import type { TableData } from './table'

/**
 * Index cache for imported benchmark tables. A table is parsed once and
 * stored as JSON in `cacheDir` (the app passes its user-data folder); the
 * next open with the same source file and options reads the cache instead.
 *
 * Guarantees:
 *  - the cache entry is used only if the source's size, mtime and SHA-256 of
 *    its first MiB all match the values recorded when it was built;
 *  - writes go to a temporary file in the same folder and are renamed into
 *    place, so a reader never sees a half-written entry;
 *  - an unreadable/corrupt entry is ignored (rebuilt), and a failed cache
 *    write never fails the import.
 */
export interface Fingerprint {
  size: number
  mtimeMs: number
  headSha256: string
}

const HEAD_BYTES = 1 << 20
const CACHE_VERSION = 1
/** Largest cache entry read (1 GiB; an entry is a few times its parsed table): a bigger or non-regular one is ignored and rebuilt. */
export const CACHE_ENTRY_MAX_BYTES = 2 ** 30

/** size + mtime + SHA-256 of the first MiB of a file. */
export function fingerprint(path: string): Fingerprint {
  const { fd, stats: st } = openRegular(path, 'table file')
  try {
    const head = Buffer.alloc(Math.min(HEAD_BYTES, st.size))
    readSync(fd, head, 0, head.length, 0)
    return { size: st.size, mtimeMs: st.mtimeMs, headSha256: createHash('sha256').update(head).digest('hex') }
  } finally {
    closeSync(fd)
  }
}

/** Cache file path for a source file + loader tag + options. */
export function cacheEntryPath(cacheDir: string, path: string, tag: string, options: unknown): string {
  const id = createHash('sha256').update(JSON.stringify([resolve(path), tag, options ?? null])).digest('hex').slice(0, 24)
  return join(cacheDir, `${tag}-${id}.json`)
}

export interface CachedResult {
  data: TableData
  fromCache: boolean
  cacheFile?: string
}

/**
 * Returns the cached table for (`path`, `tag`, `options`) if valid, else runs
 * `build`, stores its result, and returns it. Without `cacheDir` it just builds.
 */
export function withTableCache(path: string, cacheDir: string | undefined, tag: string, options: unknown, build: () => TableData): CachedResult {
  if (!cacheDir) return { data: build(), fromCache: false }
  const fp = fingerprint(path)
  const file = cacheEntryPath(cacheDir, path, tag, options)
  try {
    const entry = JSON.parse(readFileTyped(file, 'table cache entry', CACHE_ENTRY_MAX_BYTES).toString('utf8')) as { version: number; fingerprint: Fingerprint; data: TableData }
    if (entry.version === CACHE_VERSION && sameFingerprint(entry.fingerprint, fp) && isTableData(entry.data)) {
      return { data: entry.data, fromCache: true, cacheFile: file }
    }
  } catch {
    // missing or corrupt entry: rebuild below
  }
  const data = build()
  writeAtomic(file, JSON.stringify({ version: CACHE_VERSION, fingerprint: fp, data }))
  return { data, fromCache: false, cacheFile: file }
}

function sameFingerprint(a: Fingerprint | undefined, b: Fingerprint): boolean {
  return !!a && a.size === b.size && a.mtimeMs === b.mtimeMs && a.headSha256 === b.headSha256
}

function isTableData(d: unknown): d is TableData {
  const t = d as TableData
  return !!t && typeof t.space === 'string' && Array.isArray(t.metrics) && Array.isArray(t.keys) && Array.isArray(t.values) && t.values.length === t.metrics.length && t.values.every((v) => Array.isArray(v) && v.length === t.keys.length)
}

/** Writes `text` to `file` via a temp file + rename; failures leave no temp file and are swallowed. */
export function writeAtomic(file: string, text: string): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(tmp, text)
    renameSync(tmp, file)
    return true
  } catch {
    try {
      rmSync(tmp, { force: true })
    } catch {
      // the temp file could not even be created
    }
    return false
  }
}
