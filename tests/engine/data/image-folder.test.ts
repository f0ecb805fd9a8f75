import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { afterAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { openDataset } from '../../../src/engine/data/open'
import { resizeRgb } from '../../../src/engine/data/image-decode'
import type { ImageFolderSource } from '../../../src/engine/data/image-folder'
import { sampleDistinct } from '../../../src/engine/data/sampler'

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-folder-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function png(path: string, w: number, h: number, f: (x: number, y: number) => [number, number, number]) {
  const p = new PNG({ width: w, height: h })
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const [r, g, b] = f(x, y), o = (y * w + x) * 4
    p.data[o] = r; p.data[o + 1] = g; p.data[o + 2] = b; p.data[o + 3] = 255
  }
  writeFileSync(path, PNG.sync.write(p))
}
function jpg(path: string, w: number, h: number, rgb: [number, number, number]) {
  const data = Buffer.alloc(w * h * 4)
  for (let i = 0; i < w * h; i++) (data[i * 4] = rgb[0], data[i * 4 + 1] = rgb[1], data[i * 4 + 2] = rgb[2], data[i * 4 + 3] = 255)
  writeFileSync(path, jpeg.encode({ width: w, height: h, data }, 100).data)
}

const root = join(tmp, 'ds')
for (const c of ['zebra', 'apple', 'mango']) mkdirSync(join(root, c), { recursive: true })
png(join(root, 'apple', 'a1.png'), 40, 30, () => [200, 100, 50])
png(join(root, 'apple', 'a2.PNG'), 30, 40, () => [200, 100, 50])
jpg(join(root, 'mango', 'm1.jpg'), 48, 48, [128, 128, 128])
// left half black, right half white: tells crops and flips apart
png(join(root, 'zebra', 'z1.png'), 64, 64, (x) => (x < 32 ? [0, 0, 0] : [255, 255, 255]))
writeFileSync(join(root, 'zebra', 'notes.txt'), 'ignored')

describe('image folder (generated PNG/JPEG fixtures)', () => {
  it('classes are the sorted subfolders; labels follow them', () => {
    const src = openDataset({ kind: 'folder', path: root, imageSize: 16 })
    expect(src.count).toBe(4)
    expect(src.numClasses).toBe(3)
    const b = src.sampleBatch(4, new Rng(1), { augment: false })
    expect(Array.from(b.labels).sort()).toEqual([0, 0, 1, 2])
    const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225]
    for (let k = 0; k < 4; k++) {
      const first = [b.x[k * 768], b.x[k * 768 + 1], b.x[k * 768 + 2]]
      if (b.labels[k] === 0) first.forEach((v, c) => expect(v).toBeCloseTo(([200, 100, 50][c] / 255 - mean[c]) / std[c], 5))
      if (b.labels[k] === 1) first.forEach((v, c) => expect(Math.abs(v - (128 / 255 - mean[c]) / std[c])).toBeLessThan(0.05)) // JPEG q100
    }
  })
  it('centre crop keeps the black/white split in the middle; augmentation flips/crops it', () => {
    const src = openDataset({ kind: 'folder', path: root, imageSize: 16 })
    const find = (aug: boolean, seed: number) => {
      const b = src.sampleBatch(4, new Rng(seed), { augment: aug })
      const k = Array.from(b.labels).indexOf(2)
      // row 8 of the R channel: 0 = black, 1 = white
      return Array.from({ length: 16 }, (_, x) => (b.x[k * 768 + (8 * 16 + x) * 3] > 0 ? 1 : 0)).join('')
    }
    // resized to 19×19 (ceil(16/0.875)), centre crop offset 1: black columns 0..8, white 9..15 (edge pixel blended)
    const centre = find(false, 1)
    expect(centre.startsWith('00000000')).toBe(true)
    expect(centre.endsWith('1111111')).toBe(true)
    const seen = new Set<string>()
    for (let s = 0; s < 30; s++) seen.add(find(true, s))
    expect([...seen].some((r) => r.startsWith('1'))).toBe(true) // flipped
    expect(seen.size).toBeGreaterThan(2)
  })
  it('random crop + flip read exactly the documented pixels of the resized image (rng replay), ImageNet LUT; out buffer honoured', () => {
    const src = openDataset({ kind: 'folder', path: root, imageSize: 16 }) as ImageFolderSource
    const S = 16, per = S * S * 3
    const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225]
    for (let seed = 0; seed < 12; seed++) {
      const out = new Float32Array(4 * per)
      const b = src.sampleBatch(4, new Rng(seed), { out })
      expect(b.x).toBe(out)
      const mirror = new Rng(seed)
      const idx = sampleDistinct(4, 4, mirror)
      for (let k = 0; k < 4; k++) {
        const img = src.image(idx[k])
        // documented order per image: crop row, crop column, flip
        const oy = mirror.int(img.height - S + 1), ox = mirror.int(img.width - S + 1), flip = mirror.next() < 0.5
        for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) for (let c = 0; c < 3; c++) {
          const v = img.data[((oy + y) * img.width + ox + (flip ? S - 1 - x : x)) * 3 + c]
          expect(b.x[k * per + (y * S + x) * 3 + c]).toBe(Math.fround((v / 255 - mean[c]) / std[c]))
        }
      }
    }
    expect(() => src.sampleBatch(4, new Rng(1), { out: new Float32Array(per) })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
  })
  it('antialiased resize: a 2×-downsampled checkerboard becomes flat grey', () => {
    const data = new Uint8Array(8 * 8 * 3)
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) data.fill((x + y) % 2 ? 255 : 0, (y * 8 + x) * 3, (y * 8 + x) * 3 + 3)
    const r = resizeRgb({ width: 8, height: 8, data }, 4, 4)
    // interior pixels average the 2×2 block and its neighbours' tails: exactly half grey
    expect(r.data[(1 * 4 + 1) * 3]).toBeGreaterThanOrEqual(127)
    expect(r.data[(1 * 4 + 1) * 3]).toBeLessThanOrEqual(128)
  })
})
