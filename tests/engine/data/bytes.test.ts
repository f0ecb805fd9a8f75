/**
 * The bytes entry (src/engine/data/bytes.ts) against the path loader (open.ts) on the shared real data: the same
 * files' bytes give the same source (count, classes, label) and bit-identical augmented batches; bad bytes give
 * the path loader's typed errors; kinds without a bytes decoder are refused by name.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import type { DatasetSpec } from '../../../src/engine/core/data'
import { ZsnasError } from '../../../src/engine/core/errors'
import { datasetReads, openDataset } from '../../../src/engine/data/open'
import { openDatasetFromBytes, type DatasetFileBytes } from '../../../src/engine/data/bytes'
import { sharedPath } from '../../helpers/shared-data'
import { pickleImagenet16 } from '../../fixtures/pickle-writer'

/** What main sends: the files `datasetReads` lists, read whole. */
function filesOf(spec: DatasetSpec): DatasetFileBytes[] {
  return datasetReads(spec).map((f) => ({ name: f.path, bytes: new Uint8Array(readFileSync(f.path)) }))
}

function expectSameSource(spec: DatasetSpec, n: number, seed: number): void {
  const byPath = openDataset(spec)
  const byBytes = openDatasetFromBytes(spec, filesOf(spec))
  expect([byBytes.count, byBytes.numClasses, byBytes.imageSize, byBytes.label]).toEqual([byPath.count, byPath.numClasses, byPath.imageSize, byPath.label])
  for (const augment of [true, false]) {
    const a = byPath.sampleBatch(n, new Rng(seed), { augment })
    const b = byBytes.sampleBatch(n, new Rng(seed), { augment })
    expect(b.shape).toEqual(a.shape)
    expect(Buffer.from(b.x.buffer, b.x.byteOffset, b.x.byteLength).equals(Buffer.from(a.x.buffer, a.x.byteOffset, a.x.byteLength))).toBe(true)
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels))
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-bytes-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('openDatasetFromBytes = openDataset on the same files', () => {
  it('CIFAR-10: the shared file (4000 images) — identical tensors, labels and label text', () => {
    const spec: DatasetSpec = { kind: 'cifar10', path: sharedPath('cifar10', 'data_batch_1_first4000_exact.bin') }
    expectSameSource(spec, 32, 11)
    expect(openDatasetFromBytes(spec, filesOf(spec)).label).toBe('CIFAR-10 (data_batch_1_first4000_exact.bin, 4000 images)')
  })

  it('CIFAR-10: a folder of two batch files, in the loader’s file order', () => {
    const all = readFileSync(sharedPath('cifar10', 'data_batch_1_first4000_exact.bin'))
    const dir = join(tmp, 'c10')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir)
    writeFileSync(join(dir, 'data_batch_10.bin'), all.subarray(0, 3073 * 30))
    writeFileSync(join(dir, 'data_batch_2.bin'), all.subarray(3073 * 30, 3073 * 80))
    const spec: DatasetSpec = { kind: 'cifar10', path: dir }
    expect(filesOf(spec).map((f) => f.name.slice(dir.length + 1))).toEqual(['data_batch_2.bin', 'data_batch_10.bin'])
    expectSameSource(spec, 40, 3)
    expect(openDatasetFromBytes(spec, filesOf(spec)).label).toBe('CIFAR-10 (2 files in c10, 80 images)')
  })

  it('CIFAR-100: the shared train file', () => {
    expectSameSource({ kind: 'cifar100', path: sharedPath('cifar100', 'train_first486_exact.bin') }, 16, 5)
  })

  it('ImageNet16-120: a folder of two pickles (protocols 2 and 4), labels > 120 dropped', () => {
    const dir = join(tmp, 'in16')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir)
    const write = (name: string, first: number, labels: number[], protocol: 2 | 4) => {
      const data = new Uint8Array(labels.length * 768)
      for (let i = 0; i < data.length; i++) data[i] = (first * 31 + i * 7) % 256
      writeFileSync(join(dir, name), pickleImagenet16({ data, rows: labels.length, rowBytes: 768, labels, protocol }))
    }
    write('train_data_batch_1', 0, [1, 121, 120, 500, 7, 2, 33, 90], 2)
    write('train_data_batch_2', 8, [1000, 60, 3, 119, 4, 5], 4)
    const spec: DatasetSpec = { kind: 'imagenet16', path: dir }
    expect(filesOf(spec).map((f) => f.name.slice(dir.length + 1))).toEqual(['train_data_batch_1', 'train_data_batch_2'])
    expectSameSource(spec, 8, 9)
    expect(openDatasetFromBytes(spec, filesOf(spec)).label).toBe('ImageNet16-120 (2 files, 11 images)')
  })

  it('noise needs no files', () => {
    expectSameSource({ kind: 'noise', imageSize: 8, numClasses: 10 }, 4, 2)
  })
})

describe('openDatasetFromBytes: typed errors', () => {
  const code = (f: () => unknown): string => {
    try {
      f()
    } catch (e) {
      return e instanceof ZsnasError ? `${e.code}: ${e.message}` : `untyped: ${String(e)}`
    }
    return 'no error'
  }
  it('truncated bytes: the path loader’s BAD_FORMAT, naming the file', () => {
    const file = join(tmp, 'cut.bin')
    writeFileSync(file, readFileSync(sharedPath('cifar10', 'data_batch_1_first4000_exact.bin')).subarray(0, 3073 * 2 + 5))
    const spec: DatasetSpec = { kind: 'cifar10', path: file }
    const fromPath = code(() => openDataset(spec))
    expect(fromPath).toMatch(/^BAD_FORMAT: cut\.bin: 6151 bytes is not a whole number of 3073-byte CIFAR-10 records/)
    expect(code(() => openDatasetFromBytes(spec, filesOf(spec)))).toBe(fromPath)
  })
  it('a label out of range: BAD_LABEL as from the path', () => {
    const bytes = new Uint8Array(readFileSync(sharedPath('cifar10', 'data_batch_1_first4000_exact.bin')).subarray(0, 3073 * 3))
    bytes[3073] = 10
    expect(code(() => openDatasetFromBytes({ kind: 'cifar10', path: 'x/b.bin' }, [{ name: 'x/b.bin', bytes }]))).toBe('BAD_LABEL: b.bin: record 1 has label 10; expected 0..9')
  })
  it('a file-based kind without files, and kinds without a bytes decoder, are INVALID_OPTION naming the kind', () => {
    expect(code(() => openDatasetFromBytes({ kind: 'cifar10', path: '/d/c.bin' }, []))).toMatch(/^INVALID_OPTION: dataset "cifar10" at \/d\/c\.bin: no file bytes were given/)
    expect(code(() => openDatasetFromBytes({ kind: 'imagenet16', path: '/d/val_data' }, []))).toMatch(/^INVALID_OPTION: dataset "imagenet16" at \/d\/val_data: no file bytes were given/)
    expect(code(() => openDatasetFromBytes({ kind: 'u8', path: '/d/x.u8', imageSize: 16 }, []))).toMatch(/^INVALID_OPTION: dataset kind "u8" cannot be opened from bytes/)
    expect(code(() => openDatasetFromBytes({ kind: 'folder', path: '/d', imageSize: 32 }, []))).toMatch(/^INVALID_OPTION: dataset kind "folder"/)
  })
  it('a file over the format’s size limit is refused before decoding (FILE_UNREADABLE)', () => {
    const big = new Uint8Array(10_000 * 3200 + 1)
    expect(code(() => openDatasetFromBytes({ kind: 'cifar10', path: '/d/big.bin' }, [{ name: '/d/big.bin', bytes: big }]))).toMatch(/^FILE_UNREADABLE: cannot read CIFAR-10 file \/d\/big\.bin: 32000001 bytes, over the 32000000-byte limit/)
  })
})
