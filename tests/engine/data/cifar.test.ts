import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { openDataset } from '../../../src/engine/data/open'
import { readCifar } from '../../../src/engine/data/cifar'
import { sharedPath } from '../../helpers/shared-data'

const labelsTxt = (p: string) => readFileSync(p, 'utf8').trim().split(/\s+/).map(Number)

describe('CIFAR-10 binary (shared real files)', () => {
  const testFile = sharedPath('cifar10', 'test_batch_10000_reconstructed.bin')
  it('reads the 10,000-record test set with the official labels', () => {
    const { images } = readCifar(testFile, 'cifar10')
    expect(images.count).toBe(10_000)
    expect(Array.from(images.labels.subarray(0, 10))).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1])
    expect(Array.from(images.labels)).toEqual(labelsTxt(sharedPath('cifar10', 'test_batch_labels.txt')))
    const perClass = new Array(10).fill(0)
    for (const l of images.labels) perClass[l]++
    expect(perClass).toEqual(new Array(10).fill(1000))
  })
  it('normalises with the reference CIFAR-10 mean/std, NHWC, pixel by pixel', () => {
    const src = openDataset({ kind: 'cifar10', path: testFile })
    expect(src.count).toBe(10_000)
    expect(src.numClasses).toBe(10)
    expect(src.imageSize).toBe(32)
    const b = src.sampleBatch(4, new Rng(1), { augment: false })
    const raw = readFileSync(testFile)
    const mean = [125.3, 123.0, 113.9], std = [63.0, 62.1, 66.7]
    // find which record image 0 is by its first 64 bytes of pixels (records are distinct)
    for (let k = 0; k < 4; k++) {
      let rec = -1
      for (let i = 0; i < 10_000 && rec < 0; i++) {
        let ok = true
        for (let p = 0; p < 64 && ok; p++) {
          const c = p % 3, yx = Math.floor(p / 3)
          const want = (raw[i * 3073 + 1 + c * 1024 + yx] / 255 - mean[c] / 255) / (std[c] / 255)
          if (Math.abs(b.x[k * 3072 + p] - want) > 1e-5) ok = false
        }
        if (ok) rec = i
      }
      expect(rec).toBeGreaterThanOrEqual(0)
      expect(b.labels[k]).toBe(raw[rec * 3073])
      // pixel (y=31, x=17) in channel B
      const want = (raw[rec * 3073 + 1 + 2048 + 31 * 32 + 17] / 255 - 113.9 / 255) / (66.7 / 255)
      expect(b.x[k * 3072 + (31 * 32 + 17) * 3 + 2]).toBeCloseTo(want, 5)
    }
  })
  it('a folder picks the training batches (data_batch_*.bin)', () => {
    const src = openDataset({ kind: 'cifar10', path: sharedPath('cifar10') })
    expect(src.count).toBe(4000)
    const { images } = readCifar(sharedPath('cifar10'), 'cifar10')
    expect(Array.from(images.labels.subarray(0, 4000))).toEqual(labelsTxt(sharedPath('cifar10', 'data_batch_1_labels.txt')).slice(0, 4000))
  })
  it('augmented batches: zero padding shows as −mean/std at borders, per-channel mean ≈ dataset mean', () => {
    const src = openDataset({ kind: 'cifar10', path: testFile })
    const b = src.sampleBatch(256, new Rng(7))
    const padVal = [-125.3 / 63.0, -123.0 / 62.1, -113.9 / 66.7]
    let padCount = 0
    const sum = [0, 0, 0]
    for (let i = 0; i < b.x.length; i += 3) {
      if (Math.abs(b.x[i] - padVal[0]) < 1e-5 && Math.abs(b.x[i + 1] - padVal[1]) < 1e-5 && Math.abs(b.x[i + 2] - padVal[2]) < 1e-5) padCount++
      for (let c = 0; c < 3; c++) sum[c] += b.x[i + c]
    }
    // expected padded fraction per image: 1 - E[(32-|dy-4|)(32-|dx-4|)]/1024, E|d-4| over uniform 0..8 = 20/9
    const e = 32 - 20 / 9
    const expectedPad = 1 - (e * e) / 1024
    expect(padCount / (256 * 1024)).toBeGreaterThan(expectedPad * 0.8)
    expect(padCount / (256 * 1024)).toBeLessThan(expectedPad * 1.2 + 0.01)
  })
})

describe('CIFAR-100 binary (shared real files)', () => {
  it('uses the fine labels', () => {
    const file = sharedPath('cifar100', 'test_first916_exact.bin')
    const src = openDataset({ kind: 'cifar100', path: file })
    expect(src.count).toBe(916)
    expect(src.numClasses).toBe(100)
    const { images } = readCifar(file, 'cifar100')
    expect(Array.from(images.labels.subarray(0, 10))).toEqual([49, 33, 72, 51, 71, 92, 15, 14, 23, 0])
    expect(Array.from(images.labels)).toEqual(labelsTxt(sharedPath('cifar100', 'test_fine_labels.txt')).slice(0, 916))
  })
  it('a folder picks train*.bin', () => {
    expect(openDataset({ kind: 'cifar100', path: sharedPath('cifar100') }).count).toBe(486)
  })
})

describe('CIFAR python version (pickles generated from the real binary records)', () => {
  it('reads data_batch_* / train pickles with the same images and labels as the binary files', async () => {
    const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { pickleImagenet16 } = await import('../../fixtures/pickle-writer')
    const tmp = mkdtempSync(join(tmpdir(), 'zsnas-cifarpy-'))
    try {
      const toPickle = (bin: Buffer, rec: number, n: number, labelsKey: string, protocol: 2 | 4) => {
        const header = rec - 3072
        const data = new Uint8Array(n * 3072)
        const labels: number[] = []
        for (let i = 0; i < n; i++) {
          data.set(bin.subarray(i * rec + header, (i + 1) * rec), i * 3072)
          labels.push(bin[i * rec + header - 1])
        }
        return pickleImagenet16({ data, rows: n, rowBytes: 3072, labels, protocol, labelsKey, mean: false })
      }
      const c10 = readFileSync(sharedPath('cifar10', 'data_batch_1_first4000_exact.bin'))
      const dir = join(tmp, 'cifar-10-batches-py')
      mkdirSync(dir)
      writeFileSync(join(dir, 'data_batch_1'), toPickle(c10.subarray(0, 30 * 3073), 3073, 30, 'labels', 2))
      writeFileSync(join(dir, 'data_batch_2'), toPickle(c10.subarray(30 * 3073, 50 * 3073), 3073, 20, 'labels', 4))
      writeFileSync(join(dir, 'test_batch'), toPickle(c10.subarray(0, 5 * 3073), 3073, 5, 'labels', 2))
      writeFileSync(join(dir, 'batches.meta'), 'not read')
      const py = readCifar(dir, 'cifar10')
      expect(py.files.map((f) => f.split('/').pop())).toEqual(['data_batch_1', 'data_batch_2'])
      expect(py.images.count).toBe(50)
      expect(Array.from(py.images.labels)).toEqual(labelsTxt(sharedPath('cifar10', 'data_batch_1_labels.txt')).slice(0, 50))
      const a = openDataset({ kind: 'cifar10', path: dir }).sampleBatch(50, new Rng(3))
      const binFile = join(tmp, 'first50.bin')
      writeFileSync(binFile, c10.subarray(0, 50 * 3073))
      const b = openDataset({ kind: 'cifar10', path: binFile }).sampleBatch(50, new Rng(3))
      expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true)
      expect(Array.from(a.labels)).toEqual(Array.from(b.labels))
      const c100 = readFileSync(sharedPath('cifar100', 'test_first916_exact.bin'))
      const f100 = join(tmp, 'test')
      writeFileSync(f100, toPickle(c100, 3074, 12, 'fine_labels', 2))
      expect(Array.from(readCifar(f100, 'cifar100').images.labels.subarray(0, 10))).toEqual([49, 33, 72, 51, 71, 92, 15, 14, 23, 0])
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  })
})
