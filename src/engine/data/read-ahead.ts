import { constants, promises as fsp } from 'node:fs'
import { resolve } from 'node:path'
import { checkRegular, MAX_READ_BYTES, readAheadStore } from './files'

/**
 * Asynchronous read-ahead for the shells that serve several clients (the
 * browser-mode server, Electron main): the engine's readers are synchronous
 * (`readFileTyped`), so a dataset preview or table validation of a big file
 * used to block the event loop for the whole read. `withReadAhead(files, fn)`
 * first reads `files` with fs.promises (O_NONBLOCK open, the same regular-file
 * and per-format size checks as `openRegular`, chunks of `READ_AHEAD_CHUNK`
 * bytes, so the event loop turns between chunks), then runs `fn`, whose
 * `readFileTyped` calls take those bytes instead of reading.
 *
 * Guarantees:
 *  - best effort, never a different result: a file that cannot be read ahead
 *    (missing, not regular, over its limit, changed meanwhile) is skipped and
 *    the synchronous reader then reports it with its own typed error, as
 *    without read-ahead; bytes are used only when the file still has the same
 *    device, inode, size and mtime as when they were read;
 *  - nothing is read over a file's declared limit (`maxBytes`), and a FIFO or
 *    device is never read;
 *  - the bytes are dropped when `fn` settles (nothing stays in memory);
 *    overlapping calls for the same file share nothing and do not interfere
 *    (each keeps its own entry until it settles; the last one wins).
 */
export interface FileRead {
  path: string
  /** what the file is, for messages (the engine reader's own wording) */
  what: string
  /** the format's declared size limit */
  maxBytes: number
}

/** Bytes per asynchronous read (the event loop turns between two). */
export const READ_AHEAD_CHUNK = 4 << 20

/** Reads a whole regular file asynchronously with the checks of `openRegular`; resolves to the bytes and the file identity. */
export async function readRegularAsync(path: string, what = 'file', maxBytes = MAX_READ_BYTES): Promise<{ buf: Buffer; dev: number; ino: number; size: number; mtimeMs: number }> {
  const fh = await fsp.open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const st = await fh.stat()
    checkRegular(st, path, what, maxBytes)
    const buf = Buffer.allocUnsafe(st.size)
    let off = 0
    while (off < buf.length) {
      const { bytesRead } = await fh.read(buf, off, Math.min(READ_AHEAD_CHUNK, buf.length - off), off)
      if (bytesRead === 0) break
      off += bytesRead
    }
    return { buf: off === buf.length ? buf : buf.subarray(0, off), dev: st.dev, ino: st.ino, size: off === buf.length ? st.size : -1, mtimeMs: st.mtimeMs }
  } finally {
    await fh.close()
  }
}

/** Reads `files` ahead (see the file comment), runs `fn`, drops the bytes; resolves/rejects as `fn`. */
export async function withReadAhead<T>(files: readonly FileRead[], fn: () => T | Promise<T>): Promise<T> {
  const mine = new Map<string, object>()
  for (const f of files) {
    try {
      const entry = await readRegularAsync(f.path, f.what, f.maxBytes)
      const key = resolve(f.path)
      readAheadStore.set(key, entry)
      mine.set(key, entry)
    } catch {
      // the synchronous reader reports it (same typed error as without read-ahead)
    }
  }
  try {
    return await fn()
  } finally {
    for (const [key, entry] of mine) if (readAheadStore.get(key) === entry) readAheadStore.delete(key)
  }
}
