import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { openDataset } from '../../../src/engine/data/open'
import { sharedPath } from '../../helpers/shared-data'

const csvRows = () => readFileSync(sharedPath('imagenet_sample', 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','))

describe('raw uint8 NHWC ImageNet samples (shared real files)', () => {
  it('32×32: 1000 images, labels = class_idx, ImageNet normalisation pixel by pixel', () => {
    const file = sharedPath('imagenet_sample', 'imagenet1k_sample_1000x32x32x3.u8')
    const src = openDataset({ kind: 'u8', path: file, imageSize: 32 })
    expect(src.count).toBe(1000)
    expect(src.numClasses).toBe(1000)
    const raw = readFileSync(file)
    const b = src.sampleBatch(8, new Rng(4), { augment: false })
    const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225]
    for (let k = 0; k < 8; k++) {
      const i = b.labels[k] // one image per class and row i has class_idx i
      for (const p of [0, 1, 1000, 3071]) expect(b.x[k * 3072 + p]).toBeCloseTo((raw[i * 3072 + p] / 255 - mean[p % 3]) / std[p % 3], 5)
    }
    expect(csvRows().every((r, i) => Number(r[0]) === i)).toBe(true)
  })
  it('16×16 in the ImageNet16-120 setting: class_idx < 120 kept, 120 classes, ImageNet16 mean/std', () => {
    const file = sharedPath('imagenet_sample', 'imagenet1k_sample_1000x16x16x3.u8')
    const src = openDataset({ kind: 'u8', path: file, imageSize: 16 })
    expect(src.count).toBe(120)
    expect(src.numClasses).toBe(120)
    const raw = readFileSync(file)
    const b = src.sampleBatch(64, new Rng(1), { augment: false })
    expect(new Set(b.labels).size).toBe(64)
    const i = b.labels[0]
    expect(b.x[5]).toBeCloseTo((raw[i * 768 + 5] - 104.01) / 65.09, 4)
    // normalised batch mean is near (sample mean − ImageNet16 mean)/std: 0.4873 vs 0.4811 → ≈ +0.02 (loose)
    let s = 0
    for (let p = 0; p < b.x.length; p += 3) s += b.x[p]
    expect(Math.abs(s / (b.x.length / 3))).toBeLessThan(0.2)
  })
  it('224×224: the 100-image subset takes the rows flagged in_224_subset (class_idx 10·j)', () => {
    const src = openDataset({ kind: 'u8', path: sharedPath('imagenet_sample', 'imagenet1k_sample_100x224x224x3.u8'), imageSize: 224 })
    expect(src.count).toBe(100)
    const b = src.sampleBatch(5, new Rng(8))
    expect(b.shape).toEqual([5, 224, 224, 3])
    for (const l of b.labels) expect(l % 10).toBe(0)
  })
  it('a wrong image size is a BAD_SHAPE error naming the file', () => {
    expect(() => openDataset({ kind: 'u8', path: sharedPath('imagenet_sample', 'imagenet1k_sample_1000x16x16x3.u8'), imageSize: 30 })).toThrow(
      expect.objectContaining({ code: 'BAD_SHAPE', message: expect.stringContaining('imagenet1k_sample_1000x16x16x3.u8') }),
    )
  })
})
