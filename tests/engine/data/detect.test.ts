import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import { afterAll, describe, expect, it } from 'vitest'
import { detectDataset } from '../../../src/engine/data/detect'
import { sharedPath } from '../../helpers/shared-data'
import { pickleImagenet16 } from '../../fixtures/pickle-writer'

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-detect-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const decodeThumb = (url: string) => PNG.sync.read(Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64'))

describe('detectDataset', () => {
  it('CIFAR-10 file: format, count, classes, thumbnails decode to the planar pixels', () => {
    const file = sharedPath('cifar10', 'test_batch_10000_reconstructed.bin')
    const p = detectDataset(file)
    expect(p.format).toBe('cifar10')
    expect(p.imageCount).toBe(10_000)
    expect(p.numClasses).toBe(10)
    expect(p.thumbnails).toHaveLength(8)
    expect(p.thumbnails.map((t) => t.label)).toEqual([0, 1250, 2500, 3750, 5000, 6250, 7500, 8750].map((i) => readFileSync(file)[i * 3073]))
    const t0 = decodeThumb(p.thumbnails[0].dataUrl)
    expect([t0.width, t0.height]).toEqual([32, 32])
    const raw = readFileSync(file)
    // thumbnail 0 = record 0: pixel (y=5, x=7) RGB
    for (let c = 0; c < 3; c++) expect(t0.data[(5 * 32 + 7) * 4 + c]).toBe(raw[1 + c * 1024 + 5 * 32 + 7])
  })
  it('folders: CIFAR-10 / CIFAR-100 by file names, ImageNet16 pickles, image folders with class names', () => {
    expect(detectDataset(sharedPath('cifar10')).format).toBe('cifar10')
    expect(detectDataset(sharedPath('cifar100')).format).toBe('cifar100')
    expect(detectDataset(sharedPath('cifar100', 'test_first916_exact.bin')).format).toBe('cifar100')
    const in16 = join(tmp, 'in16')
    mkdirSync(in16)
    writeFileSync(join(in16, 'val_data'), pickleImagenet16({ data: new Uint8Array(3 * 768).fill(9), rows: 3, rowBytes: 768, labels: [1, 2, 3], protocol: 2 }))
    const p16 = detectDataset(in16)
    expect([p16.format, p16.imageCount, p16.imageSize, p16.thumbnails.length]).toEqual(['imagenet16', 3, 16, 3])
    const root = join(tmp, 'imgs')
    for (const c of ['dog', 'cat']) {
      mkdirSync(join(root, c), { recursive: true })
      const png = new PNG({ width: 100, height: 80 })
      png.data.fill(200)
      writeFileSync(join(root, c, '1.png'), PNG.sync.write(png))
    }
    const pf = detectDataset(root, { imageSize: 224 })
    expect(pf.format).toBe('folder')
    expect(pf.classNames).toEqual(['cat', 'dog'])
    const t = decodeThumb(pf.thumbnails[0].dataUrl)
    expect(Math.max(t.width, t.height)).toBe(64)
  })
  it('CIFAR python version: folder and single pickles by their official names', () => {
    const dir = join(tmp, 'cifar-10-batches-py')
    mkdirSync(dir)
    const pk = (labelsKey: string) => pickleImagenet16({ data: new Uint8Array(2 * 3072), rows: 2, rowBytes: 3072, labels: [1, 2], protocol: 2, labelsKey, mean: false })
    writeFileSync(join(dir, 'data_batch_1'), pk('labels'))
    const p = detectDataset(dir)
    expect([p.format, p.imageCount, p.imageSize]).toEqual(['cifar10', 2, 32])
    expect(detectDataset(join(dir, 'data_batch_1')).format).toBe('cifar10')
    const dir100 = join(tmp, 'cifar-100-python')
    mkdirSync(dir100)
    writeFileSync(join(dir100, 'train'), pk('fine_labels'))
    expect(detectDataset(dir100).format).toBe('cifar100')
    expect(detectDataset(join(dir100, 'train')).numClasses).toBe(100)
  })
  it('raw u8 file: image size from the file name', () => {
    const p = detectDataset(sharedPath('imagenet_sample', 'imagenet1k_sample_1000x32x32x3.u8'))
    expect([p.format, p.imageCount, p.imageSize]).toEqual(['u8', 1000, 32])
  })
  it('unrecognised or unreadable input is a typed error', () => {
    writeFileSync(join(tmp, 'junk.dat'), 'hello world')
    expect(() => detectDataset(join(tmp, 'junk.dat'))).toThrow(expect.objectContaining({ code: 'BAD_FORMAT', message: expect.stringContaining('junk.dat') }))
    expect(() => detectDataset(join(tmp, 'missing'))).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }))
    mkdirSync(join(tmp, 'void'))
    expect(() => detectDataset(join(tmp, 'void'))).toThrow(expect.objectContaining({ code: 'EMPTY_DATASET' }))
  })
})
