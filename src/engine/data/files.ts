import { readFileSync, readdirSync, statSync, type Stats } from 'node:fs'
import { basename } from 'node:path'
import { ZsnasError } from '../core/errors'

/**
 * File-system helpers that turn Node errors into typed `ZsnasError`s naming
 * the path: FILE_NOT_FOUND for a missing path, FILE_UNREADABLE for anything
 * else (permissions, a folder where a file was expected, I/O errors).
 */

function fsError(e: unknown, path: string, what: string): ZsnasError {
  const code = (e as NodeJS.ErrnoException)?.code
  if (code === 'ENOENT') {
    return new ZsnasError('FILE_NOT_FOUND', `${what} not found: ${path}`, { path })
  }
  const reason = code === 'EISDIR' ? 'it is a folder, expected a file' : code === 'ENOTDIR' ? 'it is a file, expected a folder' : (e as Error)?.message ?? String(e)
  return new ZsnasError('FILE_UNREADABLE', `cannot read ${what} ${path}: ${reason}`, { path, errno: code })
}

/** `fs.statSync` with typed errors. */
export function statPath(path: string, what = 'path'): Stats {
  try {
    return statSync(path)
  } catch (e) {
    throw fsError(e, path, what)
  }
}

/** Reads a whole file; typed errors for missing/unreadable paths. */
export function readFileTyped(path: string, what = 'file'): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw fsError(e, path, what)
  }
}

/** Lists a folder's entries (names, sorted by code point); typed errors. */
export function listFolder(path: string, what = 'folder'): string[] {
  try {
    return readdirSync(path).sort()
  } catch (e) {
    throw fsError(e, path, what)
  }
}

/** Short display name of a path for messages (the base name). */
export function shortName(path: string): string {
  return basename(path)
}

/**
 * Sorts file names so that embedded numbers compare numerically
 * (`data_batch_2` before `data_batch_10`).
 */
export function naturalSort(names: string[]): string[] {
  return names.slice().sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
}
