/**
 * `--arch` / `--arch-file`: the architecture a command works on, given inline
 * or as a structure file written by `zsnas export` (arch.nb201.txt,
 * arch.plainnet.txt, arch.nb101.json) or by hand. The file's content, trimmed,
 * is what the space's `fromString` parses (strings and the NB101 / MobileNetV2
 * JSON forms). A result file is read too: `zsnas search`'s best.json (its
 * `best.arch`) and a run folder's best.json (an evaluation row: its `arch`).
 * Exactly one of the two flags is required.
 */
import { closeSync, existsSync } from 'node:fs'
import { openRegular, readFileTyped } from '../engine/data/files'
import { ZsnasError } from '../engine/core/errors'
import { CliUsageError } from './args'

/** Largest structure file read (a structure file is a few kB). */
const MAX_BYTES = 1 << 20

export function archFromFlags(arch: string | undefined, archFile: string | undefined, command: string): string {
  if (arch !== undefined && archFile !== undefined) throw new CliUsageError(`${command}: give --arch or --arch-file, not both`)
  if (arch !== undefined) return arch
  if (archFile === undefined) throw new CliUsageError(`${command}: --arch is required (or --arch-file PATH), e.g. --arch '|nor_conv_3x3~0|+|…|'`)
  if (!existsSync(archFile)) throw new ZsnasError('FILE_NOT_FOUND', `--arch-file ${archFile}: no such file`)
  // a regular file only (a FIFO or device is refused without blocking), read whole only under the limit
  const { fd, stats } = openRegular(archFile, '--arch-file', Number.MAX_SAFE_INTEGER)
  closeSync(fd)
  if (stats.size > MAX_BYTES) throw new ZsnasError('BAD_FORMAT', `--arch-file ${archFile}: ${stats.size} bytes; expected a structure file (arch string or JSON) under 1 MiB`)
  const text = readFileTyped(archFile, '--arch-file', MAX_BYTES).toString('utf8').trim()
  if (text.length === 0) throw new ZsnasError('BAD_FORMAT', `--arch-file ${archFile}: the file is empty; expected an architecture string or JSON`)
  return resultArch(text) ?? text
}

/** The architecture string inside a search/run best.json, or null when `text` is not such a file. */
function resultArch(text: string): string | null {
  if (!text.startsWith('{')) return null
  let j: unknown
  try {
    j = JSON.parse(text)
  } catch {
    return null
  }
  const o = j as { arch?: unknown; best?: { arch?: unknown } | null }
  if (typeof o.arch === 'string') return o.arch
  if (o.best && typeof o.best === 'object' && typeof o.best.arch === 'string') return o.best.arch
  return null
}
