/**
 * Which file-system paths a client may name (issue #22, defect 4).
 *
 * Contract: a path is accepted only when it is absolute, contains no NUL byte,
 * and — both as written (after `..` is resolved) and after every symlink is
 * resolved (realpath) — lies inside one of the policy's roots: the data folder,
 * each folder the user configured (`zsnas serve --allow DIR`), or a file/folder
 * the user picked in this session through the app's own native dialog
 * (`grant`, Electron only). Anything else is refused with a typed error
 * (`INVALID_OPTION` for a malformed path, `UNAUTHORIZED` for one outside the
 * roots) whose message names the field and the path the caller sent but never
 * anything read from the file. The containment check is done before the file
 * is opened, so nothing outside the roots is read, hashed or created.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ServiceError } from '../shared/client'
import { ZsnasError } from '../engine/core/errors'

export interface PathPolicy {
  /** An existing file/folder the caller wants read. Returns its canonical path (symlinks resolved). */
  read(p: unknown, what: string): string
  /** A folder the caller wants written (may not exist yet). Returns the absolute path to use. */
  write(p: unknown, what: string): string
  /** Allow a path the user chose in a native dialog (and everything below it) for this session. */
  grant(p: string): void
  /** The configured roots (absolute, canonical), for messages and system info. */
  roots(): string[]
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync.native(p)
  } catch {
    return p
  }
}

/** true when `child` is `parent` or lies below it (both absolute, normalised) */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/** Real path of `p`, resolving the nearest existing ancestor when `p` itself does not exist yet. */
function realOfMaybeMissing(p: string): string {
  const rest: string[] = []
  let cur = p
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...rest.reverse())
    } catch {
      const up = path.dirname(cur)
      if (up === cur) return p
      rest.push(path.basename(cur))
      cur = up
    }
  }
}

/**
 * A policy over `roots` (each resolved to an absolute canonical path; a root
 * that does not exist yet is kept as written so the data folder may be created
 * later). `roots` must be non-empty.
 */
export function createPathPolicy(opts: {
  roots: string[]
  /** how the user can allow another path, ending the UNAUTHORIZED message (default: the server's --allow flag) */
  hint?: string
}): PathPolicy {
  const hint = opts.hint ?? 'restart the server with --allow <folder> to use it'
  const roots = new Set<string>()
  const add = (r: string) => {
    const abs = path.resolve(r)
    roots.add(abs)
    roots.add(realOrSelf(abs))
  }
  for (const r of opts.roots) add(r)
  const granted = new Set<string>()

  function shape(p: unknown, what: string): string {
    if (typeof p !== 'string' || p.length === 0) throw new ServiceError('INVALID_OPTION', `${what}: expected a non-empty path string`, { field: what })
    if (p.includes('\0')) throw new ServiceError('INVALID_OPTION', `${what}: the path contains a NUL byte`, { field: what })
    if (!path.isAbsolute(p)) {
      throw new ServiceError('INVALID_OPTION', `${what}: '${p}' is not an absolute path; give the full path (e.g. /home/me/data/cifar10)`, { field: what, path: p })
    }
    return path.resolve(p)
  }
  const allowed = (abs: string) => [...roots, ...granted].some((r) => isInside(r, abs))
  function refuse(what: string, p: string): never {
    throw new ServiceError(
      'UNAUTHORIZED',
      `${what}: '${p}' is outside the folders this app may use (the data folder, folders given with --allow, files picked in the dialog); ${hint}`,
      { field: what, path: p },
    )
  }

  return {
    read(p, what) {
      const abs = shape(p, what)
      if (!allowed(abs)) refuse(what, abs)
      let real: string
      try {
        real = fs.realpathSync.native(abs)
      } catch {
        throw new ZsnasError('FILE_NOT_FOUND', `${what} not found: ${abs}`, { path: abs })
      }
      if (!allowed(real)) refuse(what, abs) // a symlink inside a root pointing out of it
      return real
    },
    write(p, what) {
      const abs = shape(p, what)
      if (!allowed(abs) || !allowed(realOfMaybeMissing(abs))) refuse(what, abs)
      return abs
    },
    grant(p) {
      const abs = path.resolve(p)
      granted.add(abs)
      granted.add(realOrSelf(abs))
    },
    roots: () => [...new Set([...roots].map(realOrSelf))],
  }
}
