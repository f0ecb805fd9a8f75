import { closeSync, constants, fstatSync, openSync, readSync, readdirSync, statSync, type Stats } from 'node:fs'
import { resolve } from 'node:path'
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

/** `1536` → "1.5 KiB", `2 ** 30` → "1 GiB" (limits in messages). */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let u = 0
  let v = n
  while (v >= 1024 && u < units.length - 1) (v /= 1024, u++)
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`
}

/** Largest file `readFileTyped` reads whole (4 GiB: above every CIFAR/ImageNet16/table file the engine reads). */
export const MAX_READ_BYTES = 4 * 2 ** 30

/**
 * The checks of `openRegular` on the fstat of an open descriptor: a folder, a
 * FIFO/socket/device, or a file over `maxBytes` is FILE_UNREADABLE naming the
 * path (and the limit). Shared with the asynchronous reader (read-ahead.ts).
 */
export function checkRegular(stats: Stats, path: string, what: string, maxBytes: number): void {
  if (stats.isDirectory()) throw new ZsnasError('FILE_UNREADABLE', `cannot read ${what} ${path}: it is a folder, expected a file`, { path, errno: 'EISDIR' })
  if (!stats.isFile()) {
    throw new ZsnasError('FILE_UNREADABLE', `cannot read ${what} ${path}: not a regular file (a FIFO, socket or device); expected a file`, { path })
  }
  checkSizeLimit(stats.size, path, what, maxBytes)
}

/**
 * A file of `size` bytes over `maxBytes` is FILE_UNREADABLE naming the path and the limit — the one size check of
 * every reader: `checkRegular` (before reading) and the decoders of bytes read elsewhere (data/bytes.ts).
 */
export function checkSizeLimit(size: number, path: string, what: string, maxBytes: number): void {
  if (size > maxBytes) {
    throw new ZsnasError(
      'FILE_UNREADABLE',
      `cannot read ${what} ${path}: ${size} bytes, over the ${maxBytes}-byte limit for this file (${formatBytes(maxBytes)} for a ${what}); expected at most ${formatBytes(maxBytes)}`,
      { path, bytes: size, max: maxBytes },
    )
  }
}

/** Bytes of a file read ahead asynchronously (read-ahead.ts), with the identity of the file they were read from. */
export interface ReadAheadEntry {
  buf: Buffer
  dev: number
  ino: number
  size: number
  mtimeMs: number
}

/** absolute path → bytes read ahead; consulted by `readFileTyped` (see read-ahead.ts for the contract) */
export const readAheadStore = new Map<string, ReadAheadEntry>()

/**
 * Opens `path` for reading only if it is a regular file: the open is
 * O_NONBLOCK (a FIFO or device cannot block the event loop), and fstat on the
 * open descriptor (no stat/open race) refuses FIFOs, sockets, devices
 * (/dev/zero, /dev/stdin) and folders with FILE_UNREADABLE naming the path.
 * A file over `maxBytes` is FILE_UNREADABLE too (nothing is read). The caller
 * closes the returned fd.
 */
export function openRegular(path: string, what = 'file', maxBytes = MAX_READ_BYTES): { fd: number; stats: Stats } {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (e) {
    throw fsError(e, path, what)
  }
  try {
    const stats = fstatSync(fd)
    checkRegular(stats, path, what, maxBytes)
    return { fd, stats }
  } catch (e) {
    closeSync(fd)
    throw e
  }
}

/**
 * Reads a whole regular file (see `openRegular`: no FIFOs/devices, at most `maxBytes`); typed errors for missing/unreadable paths.
 * When the shell read the same file ahead asynchronously (read-ahead.ts), those bytes are returned instead of reading again.
 */
export function readFileTyped(path: string, what = 'file', maxBytes = MAX_READ_BYTES): Buffer {
  const { fd, stats } = openRegular(path, what, maxBytes)
  try {
    // bytes read ahead asynchronously from this very file (same device, inode, size and mtime): no blocking read
    const ahead = readAheadStore.get(resolve(path))
    if (ahead && ahead.dev === stats.dev && ahead.ino === stats.ino && ahead.size === stats.size && ahead.mtimeMs === stats.mtimeMs) return ahead.buf
    const buf = Buffer.allocUnsafe(stats.size)
    let off = 0
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off)
      if (n === 0) break // shrank while reading
      off += n
    }
    return off === buf.length ? buf : buf.subarray(0, off)
  } catch (e) {
    throw e instanceof ZsnasError ? e : fsError(e, path, what)
  } finally {
    closeSync(fd)
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

/**
 * Short display name of a path for messages (the base name; '/' and '\\' both separate). Runtime-neutral (no
 * node:path): the GPU worker page names the files it decodes from bytes with it too.
 */
export function shortName(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, '')
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1)
}

/**
 * Sorts file names so that embedded numbers compare numerically
 * (`data_batch_2` before `data_batch_10`).
 */
export function naturalSort(names: string[]): string[] {
  return names.slice().sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
}
