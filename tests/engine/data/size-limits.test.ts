/**
 * Per-format size limits (issue #22): every reader refuses a file over its
 * format's declared limit from the file's size, before reading a byte, with
 * FILE_UNREADABLE naming the file, its size and the limit. The files here are
 * sparse (truncate), so a reader that read them whole would allocate and scan
 * hundreds of MB to GB before failing on content instead.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ZsnasError } from '../../../src/engine/core/errors'
import { cifarMaxFileBytes, openCifar } from '../../../src/engine/data/cifar'
import { formatBytes } from '../../../src/engine/data/files'
import { ImageFolderSource, IMAGE_FILE_MAX_BYTES } from '../../../src/engine/data/image-folder'
import { IMAGENET16_PICKLE_MAX_BYTES, openImagenet16 } from '../../../src/engine/data/imagenet16'
import { openU8, U8_MAX_BYTES } from '../../../src/engine/data/u8-file'
import { loadNb201Table } from '../../../src/engine/benchmarks/nb201-csv'
import { readTabular, TABLE_MAX_BYTES } from '../../../src/engine/benchmarks/tabular'
import { readTfRecords, TFRECORD_MAX_BYTES } from '../../../src/engine/benchmarks/tfrecord'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-limits-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A sparse file of `size` bytes whose first bytes are `head`. */
function sparse(name: string, size: number, head: Uint8Array = new Uint8Array(0)): string {
  const f = path.join(dir, name)
  fs.mkdirSync(path.dirname(f), { recursive: true })
  fs.writeFileSync(f, head)
  fs.truncateSync(f, size)
  return f
}

function refusal(fn: () => unknown): ZsnasError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ZsnasError)
    return e as ZsnasError
  }
  throw new Error('expected a refusal, the reader accepted the file')
}

function expectLimit(e: ZsnasError, file: string, size: number, limit: number, what: string): void {
  expect(e.code).toBe('FILE_UNREADABLE')
  expect(e.message).toContain(file)
  expect(e.message).toContain(`${size} bytes, over the ${limit}-byte limit`)
  expect(e.message).toContain(`${formatBytes(limit)} for a ${what}`)
  expect(e.details).toMatchObject({ bytes: size, max: limit })
}

describe('per-format size limits', () => {
  it('each limit admits the official files of its format (sizes from the formats, hand-computed)', () => {
    expect(cifarMaxFileBytes('cifar10')).toBeGreaterThanOrEqual(10_000 * 3073) // data_batch_1.bin, 30,730,000 B
    expect(cifarMaxFileBytes('cifar100')).toBeGreaterThanOrEqual(50_000 * 3074) // train.bin, 153,700,000 B
    expect(IMAGENET16_PICKLE_MAX_BYTES).toBeGreaterThanOrEqual(Math.ceil(1_281_167 / 10) * 768) // one train batch's pixels
    expect(U8_MAX_BYTES).toBeGreaterThanOrEqual(1_281_167 * 768) // all of ImageNet16 train as u8
    expect(TFRECORD_MAX_BYTES).toBeGreaterThan(2.0e9) // nasbench_full.tfrecord ≈ 2.0 GB
    expect(formatBytes(2 ** 30)).toBe('1 GiB')
    expect(formatBytes(1536)).toBe('1.5 KiB')
  })

  it('CIFAR-10 and CIFAR-100 files over maxRecords × 3200 bytes are refused before reading', () => {
    const c10 = cifarMaxFileBytes('cifar10') + 3073 // whole records, so only the limit can refuse it
    const f10 = sparse('c10/data_batch_1.bin', c10)
    expectLimit(refusal(() => openCifar(f10, 'cifar10')), f10, c10, cifarMaxFileBytes('cifar10'), 'CIFAR-10 file')
    const c100 = cifarMaxFileBytes('cifar100') + 3074
    const f100 = sparse('c100/train.bin', c100)
    expectLimit(refusal(() => openCifar(f100, 'cifar100')), f100, c100, cifarMaxFileBytes('cifar100'), 'CIFAR-100 file')
    // the python version (a pickle) shares the limit
    const py = sparse('c10py/data_batch_1', cifarMaxFileBytes('cifar10') + 1, Uint8Array.from([0x80, 0x02]))
    expectLimit(refusal(() => openCifar(py, 'cifar10')), py, cifarMaxFileBytes('cifar10') + 1, cifarMaxFileBytes('cifar10'), 'CIFAR-10 file')
  })

  it('an ImageNet16 pickle over 256 MiB is refused before unpickling', () => {
    const size = IMAGENET16_PICKLE_MAX_BYTES + 1
    const f = sparse('in16/train_data_batch_1', size, Uint8Array.from([0x80, 0x02, 0x7d]))
    expectLimit(refusal(() => openImagenet16(f, 120)), f, size, IMAGENET16_PICKLE_MAX_BYTES, 'ImageNet16 pickle')
  })

  it('a raw u8 image file over 2 GiB is refused from its size (whole images, labels present)', () => {
    const per = 16 * 16 * 3
    const size = (Math.floor(U8_MAX_BYTES / per) + 1) * per
    const f = sparse('u8/big.u8', size)
    fs.writeFileSync(path.join(dir, 'u8/labels.csv'), 'class_idx\n0\n')
    expectLimit(refusal(() => openU8({ path: f, imageSize: 16 })), f, size, U8_MAX_BYTES, 'u8 image file')
  })

  it('CSV/JSON tables (benchmark tables, labels CSVs) over 512 MiB are refused before parsing', () => {
    const size = TABLE_MAX_BYTES + 1
    const head = new TextEncoder().encode('ArchitectureString,CIFAR10TestAccuracy200Epochs\n')
    const csv = sparse('tables/big.csv', size, head)
    expectLimit(refusal(() => loadNb201Table(csv)), csv, size, TABLE_MAX_BYTES, 'table file')
    const json = sparse('tables/big.json', size, new TextEncoder().encode('['))
    expectLimit(refusal(() => readTabular(json)), json, size, TABLE_MAX_BYTES, 'table file')
  })

  it('a TFRecord file over 3 GiB is refused before its first record is read', () => {
    const size = TFRECORD_MAX_BYTES + 1
    const f = sparse('nb101/nasbench_full.tfrecord', size)
    let records = 0
    const e = refusal(() => readTfRecords(f, () => records++))
    expectLimit(e, f, size, TFRECORD_MAX_BYTES, 'TFRecord file')
    expect(records).toBe(0)
  })

  it('an image of an image folder over 64 MiB is refused before decoding', () => {
    const size = IMAGE_FILE_MAX_BYTES + 1
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const f = sparse('folder/cat/huge.png', size, png)
    expectLimit(refusal(() => new ImageFolderSource(path.join(dir, 'folder'), 16)), f, size, IMAGE_FILE_MAX_BYTES, 'image')
  })
})
