import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { openDataset } from '../../../src/engine/data/open'
import { readImagenet16 } from '../../../src/engine/data/imagenet16'
import { pickleImagenet16 } from '../../fixtures/pickle-writer'

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-in16-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** pixel value of image (global id g), channel c, position p (0..255) */
const px = (g: number, c: number, p: number) => (g * 7 + c * 50 + p) % 256

function batchFile(first: number, labels: number[], protocol: 2 | 4, name: string) {
  const rows = labels.length
  const data = new Uint8Array(rows * 768)
  for (let r = 0; r < rows; r++) for (let c = 0; c < 3; c++) for (let p = 0; p < 256; p++) data[r * 768 + c * 256 + p] = px(first + r, c, p)
  writeFileSync(join(tmp, name), pickleImagenet16({ data, rows, rowBytes: 768, labels, protocol }))
}

// batch 1: ids 0..5, batch 2: ids 6..9 ; labels 1-based, some above 120
const L1 = [1, 121, 120, 500, 7, 2]
const L2 = [1000, 60, 3, 119]
batchFile(0, L1, 2, 'train_data_batch_1')
batchFile(6, L2, 4, 'train_data_batch_2')
batchFile(100, [5, 6], 2, 'val_data')

describe('ImageNet16-120 pickles (generated fixtures in the official layout)', () => {
  it('reads both training batches in natural order, keeps labels ≤ 120 and makes them 0-based', () => {
    const { images, files } = readImagenet16(tmp)
    expect(files.map((f) => f.split('/').pop())).toEqual(['train_data_batch_1', 'train_data_batch_2'])
    const kept = [...L1.map((l, i) => ({ l, g: i })), ...L2.map((l, i) => ({ l, g: 6 + i }))].filter((e) => e.l <= 120)
    expect(images.count).toBe(kept.length)
    expect(Array.from(images.labels)).toEqual(kept.map((e) => e.l - 1))
    expect(images.size).toBe(16)
    expect(images.numClasses).toBe(120)
    // the compacted pixels are those of the kept images, planar
    kept.forEach((e, k) => expect(images.data[k * 768 + 256 + 17]).toBe(px(e.g, 1, 17)))
  })
  it('honours the classes option and the val_data file', () => {
    expect(readImagenet16(tmp, 1000).images.count).toBe(10)
    expect(readImagenet16(join(tmp, 'val_data')).images.count).toBe(2)
  })
  it('yields normalised NHWC batches with the ImageNet16 mean/std', () => {
    const src = openDataset({ kind: 'imagenet16', path: tmp })
    expect(src.imageSize).toBe(16)
    const b = src.sampleBatch(6, new Rng(2), { augment: false })
    const { images } = readImagenet16(tmp)
    const mean = [122.68, 116.66, 104.01], std = [63.22, 61.26, 65.09]
    for (let k = 0; k < 6; k++) {
      // identify the image by its label (labels of kept images are distinct)
      const i = Array.from(images.labels).indexOf(b.labels[k])
      for (const [y, x, c] of [[0, 0, 0], [3, 9, 2], [15, 15, 1]]) {
        const v = images.data[i * 768 + c * 256 + y * 16 + x]
        expect(b.x[k * 768 + (y * 16 + x) * 3 + c]).toBeCloseTo((v - mean[c]) / std[c], 5)
      }
    }
  })
  it('augments with flip + 2-px zero-padded crops: every image is one such transform of a source image', () => {
    const src = openDataset({ kind: 'imagenet16', path: tmp })
    const { images } = readImagenet16(tmp)
    const mean = 122.68, std = 63.22
    const b = src.sampleBatch(6, new Rng(3))
    const seen = new Set<string>()
    for (let k = 0; k < 6; k++) {
      const i = Array.from(images.labels).indexOf(b.labels[k])
      let match = ''
      for (const flip of [false, true]) for (let dy = 0; dy <= 4; dy++) for (let dx = 0; dx <= 4; dx++) {
        let ok = true
        for (let y = 0; y < 16 && ok; y++) for (let x = 0; x < 16 && ok; x++) {
          const sy = y + dy - 2, sxx = x + dx - 2
          const inside = sy >= 0 && sy < 16 && sxx >= 0 && sxx < 16
          const v = inside ? images.data[i * 768 + sy * 16 + (flip ? 15 - sxx : sxx)] : 0
          if (Math.abs(b.x[k * 768 + (y * 16 + x) * 3] - (v - mean) / std) > 1e-4) ok = false
        }
        if (ok && !match) match = `${flip}/${dy}/${dx}`
      }
      expect(match).not.toBe('')
      seen.add(match)
    }
    expect(seen.size).toBeGreaterThan(1)
  })
})
