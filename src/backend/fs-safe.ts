/**
 * Folder creation for paths a user or a client names (`--out`, `--data-dir`,
 * `runs.export` / `models.export` folders).
 *
 * Why not `fs.mkdirSync(dir, { recursive: true })`: on Linux pseudo file
 * systems (procfs, sysfs) `mkdir` of a missing entry fails with ENOENT even
 * though the parent exists, and Node's recursive mkdir (v20) then retries the
 * parent forever at 100 % CPU — `--out /proc/x` hung the CLI and
 * `runs.export` to `/proc/x` hung the whole server.
 *
 * Guarantees of `ensureDir`:
 *  - bounded: at most one stat per path component walking up and one mkdir per
 *    missing component walking down; never retries, never loops;
 *  - on success the folder exists and is a directory (an existing one is fine;
 *    symlinks to directories are followed);
 *  - every failure is a `ZsnasError('INVALID_OPTION')` whose one-line message
 *    names `what` (e.g. "--out"), the path, which component is wrong and why
 *    (a file, a dangling symlink, not creatable: errno), and what was expected;
 *    `details` carries `{ path, component, errno }`;
 *  - nothing left behind on failure: folders this call created are removed
 *    again (best effort, innermost first).
 */
import fs from 'node:fs'
import path from 'node:path'
import { ZsnasError } from '../engine/core/errors'

const FOLDER = 'a folder that exists or can be created'
const FILE = 'a file path (not a folder) in an existing, writable folder'

function fail(what: string, target: string, component: string, why: string, errno?: string, expected: string = FOLDER): never {
  const at = component === target ? '' : ` (at ${component})`
  throw new ZsnasError('INVALID_OPTION', `${what} ${target}: ${why}${at}; expected ${expected}`, {
    path: target,
    component,
    ...(errno ? { errno } : {}),
  })
}

const errnoOf = (e: unknown): string => (e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : 'EUNKNOWN')

/** stat that follows symlinks; undefined when the entry (or its symlink target) does not exist. */
function statFollow(p: string): fs.Stats | undefined | 'ENOTDIR' {
  try {
    return fs.statSync(p, { throwIfNoEntry: false })
  } catch (e) {
    // a file somewhere above: report it when the walk reaches it
    if (errnoOf(e) === 'ENOTDIR') return 'ENOTDIR'
    throw e
  }
}

function removeEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir)
  } catch {
    // someone else put something there meanwhile: leave it
  }
}

/**
 * Makes sure `dir` is a folder, creating it and its missing parents one level
 * at a time. Returns the absolute path. See the file comment for guarantees.
 */
export function ensureDir(dir: string, what: string): string {
  return ensureDirTracked(dir, what).dir
}

/**
 * `ensureDir` that also reports the folders it created (outermost first), so a
 * caller that fails later can take them back with `removeCreated`.
 */
export function ensureDirTracked(dir: string, what: string): { dir: string; created: string[] } {
  if (typeof dir !== 'string' || dir.length === 0) fail(what, String(dir), String(dir), 'empty path')
  if (dir.includes('\0')) fail(what, JSON.stringify(dir), JSON.stringify(dir), 'path contains a NUL byte')
  const target = path.resolve(dir)
  const missing: string[] = []
  let p = target
  for (;;) {
    let st: ReturnType<typeof statFollow>
    try {
      st = statFollow(p)
    } catch (e) {
      fail(what, target, p, `cannot inspect (${errnoOf(e)})`, errnoOf(e))
    }
    if (st !== undefined && st !== 'ENOTDIR') {
      if (!st.isDirectory()) fail(what, target, p, 'is a file, not a folder')
      break
    }
    if (st === undefined && fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) {
      fail(what, target, p, 'is a symbolic link to nothing (dangling)')
    }
    missing.push(p)
    const parent = path.dirname(p)
    if (parent === p) fail(what, target, p, 'the file system root does not exist')
    p = parent
  }
  const created: string[] = []
  for (const m of missing.reverse()) {
    try {
      fs.mkdirSync(m)
      created.push(m)
    } catch (e) {
      const code = errnoOf(e)
      if (code === 'EEXIST' && fs.statSync(m, { throwIfNoEntry: false })?.isDirectory()) continue // created concurrently
      const why =
        code === 'ENOENT'
          ? 'cannot create a folder here (the file system refuses new entries, e.g. /proc or /sys)'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied creating the folder'
            : code === 'EROFS'
              ? 'read-only file system'
              : `cannot create the folder (${code})`
      removeCreated(created)
      fail(what, target, m, why, code)
    }
  }
  return { dir: target, created }
}

/** Removes folders `ensureDirTracked` created, innermost first, if they are still empty. Never throws. */
export function removeCreated(created: readonly string[]): void {
  for (const c of [...created].reverse()) removeEmpty(c)
}

/**
 * Checks, before any work, that `file` can be written later: it is not a
 * folder or other non-regular entry, and its folder exists, is a folder and is
 * writable. Creates nothing. Throws `ZsnasError('INVALID_OPTION')` naming
 * `what` (e.g. "--csv"), the path and the fault.
 */
export function checkWritableFile(file: string, what: string): string {
  if (typeof file !== 'string' || file.length === 0) fail(what, String(file), String(file), 'empty path', undefined, FILE)
  if (file.includes('\0')) fail(what, JSON.stringify(file), JSON.stringify(file), 'path contains a NUL byte', undefined, FILE)
  const target = path.resolve(file)
  const st = statFollow(target)
  if (st !== undefined && st !== 'ENOTDIR' && !st.isFile()) fail(what, target, target, st.isDirectory() ? 'is a folder, not a file' : 'is not a regular file', undefined, FILE)
  const dir = path.dirname(target)
  const ds = statFollow(dir)
  if (ds === undefined || ds === 'ENOTDIR') fail(what, target, dir, 'the folder does not exist', undefined, FILE)
  if (!ds.isDirectory()) fail(what, target, dir, 'is a file, not a folder', undefined, FILE)
  try {
    fs.accessSync(dir, fs.constants.W_OK)
  } catch (e) {
    fail(what, target, dir, `the folder is not writable (${errnoOf(e)})`, errnoOf(e), FILE)
  }
  return target
}
