import { closeSync, readSync } from 'node:fs'
import { crc32c } from '@aws-crypto/crc32c'
import { ZsnasError } from '../core/errors'
import { openRegular, shortName, statPath } from '../data/files'

/**
 * TFRecord framing (TensorFlow `tf_record_iterator` format), read as a stream:
 *   u64 length (little-endian) · u32 masked CRC32C of those 8 bytes ·
 *   `length` data bytes · u32 masked CRC32C of the data.
 * masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8 (mod 2³²).
 *
 * Guarantees: both CRCs of every record are verified (BAD_CHECKSUM naming the
 * file, record number and byte offset); a file that ends inside a record is
 * BAD_FORMAT ("truncated"); the whole file is never held in memory at once.
 */
export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data) >>> 0
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0
}

/** Frames `data` as one TFRecord (used for exports and test fixtures). */
export function encodeTfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length)
  const dv = new DataView(out.buffer)
  dv.setBigUint64(0, BigInt(data.length), true)
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true)
  out.set(data, 12)
  dv.setUint32(12 + data.length, maskedCrc32c(data), true)
  return out
}

/**
 * Largest TFRecord file imported (3 GiB; streamed, never held whole): the
 * official `nasbench_full.tfrecord` is ≈ 2.0 GB, `nasbench_only108.tfrecord`
 * ≈ 0.5 GB. Bigger files are refused from their size, before reading.
 */
export const TFRECORD_MAX_BYTES = 3 * 2 ** 30

/**
 * Calls `onRecord(data, index, offset)` for each record of a TFRecord file.
 * `data` is only valid during the call. `onProgress(bytesRead, totalBytes)`
 * is called every 10,000 records and once at the end.
 */
export function readTfRecords(
  path: string,
  onRecord: (data: Uint8Array, index: number, offset: number) => void,
  chunkBytes = 8 << 20,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): number {
  const name = shortName(path)
  const size = statPath(path, 'TFRecord file').size
  const fd = openRegular(path, 'TFRecord file', TFRECORD_MAX_BYTES).fd
  try {
    let buf = new Uint8Array(chunkBytes)
    let start = 0 // file offset of buf[0]
    let have = 0 // valid bytes in buf
    let off = 0 // file offset of the next record
    let index = 0
    const ensure = (n: number): boolean => {
      // make buf hold [off, off+n)
      if (off - start + n <= have) return true
      const keep = have - (off - start)
      if (n > buf.length) {
        const bigger = new Uint8Array(Math.max(n, buf.length * 2))
        bigger.set(buf.subarray(off - start, have))
        buf = bigger
      } else {
        buf.copyWithin(0, off - start, have)
      }
      start = off
      have = keep
      while (have < n) {
        const r = readSync(fd, buf, have, buf.length - have, start + have)
        if (r === 0) return false
        have += r
      }
      return true
    }
    while (off < size) {
      if (!ensure(12)) throw truncated(name, path, index, off, size)
      const head = buf.subarray(off - start, off - start + 12)
      const dv = new DataView(head.buffer, head.byteOffset, 12)
      if (dv.getUint32(8, true) !== maskedCrc32c(head.subarray(0, 8))) {
        throw new ZsnasError('BAD_CHECKSUM', `${name}: record ${index} at byte ${off}: the CRC32C of the length field does not match; the file is corrupt or not a TFRecord file`, { path, record: index, offset: off })
      }
      const len64 = dv.getBigUint64(0, true)
      if (len64 > BigInt(size - off)) throw truncated(name, path, index, off, size)
      const len = Number(len64)
      if (!ensure(16 + len)) throw truncated(name, path, index, off, size)
      const data = buf.subarray(off - start + 12, off - start + 12 + len)
      const crc = new DataView(buf.buffer, buf.byteOffset + off - start + 12 + len, 4).getUint32(0, true)
      if (crc !== maskedCrc32c(data)) {
        throw new ZsnasError('BAD_CHECKSUM', `${name}: record ${index} at byte ${off}: the data CRC32C does not match (stored 0x${crc.toString(16)}); the file is corrupt`, { path, record: index, offset: off })
      }
      onRecord(data, index, off)
      off += 16 + len
      index++
      if (onProgress && index % 10_000 === 0) onProgress(off, size)
    }
    onProgress?.(size, size)
    return index
  } finally {
    closeSync(fd)
  }
}

function truncated(name: string, path: string, index: number, off: number, size: number): ZsnasError {
  return new ZsnasError('BAD_FORMAT', `${name}: record ${index} at byte ${off} runs past the end of the file (${size} bytes): the TFRecord file is truncated`, { path, record: index, offset: off, size })
}

/** True when the file starts with a TFRecord length field whose masked CRC32C checks out. */
export function looksLikeTfrecord(path: string): boolean {
  let fd: number | undefined
  try {
    fd = openRegular(path, 'TFRecord file', Number.MAX_SAFE_INTEGER).fd
    const head = new Uint8Array(12)
    if (readSync(fd, head, 0, 12, 0) < 12) return false
    return new DataView(head.buffer).getUint32(8, true) === maskedCrc32c(head.subarray(0, 8))
  } catch {
    return false
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
