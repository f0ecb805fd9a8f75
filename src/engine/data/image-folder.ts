import { join } from 'node:path'
import type { Rng } from '../core/rng'
import type { Batch, DatasetSource, SampleOptions } from '../core/data'
import { ZsnasError } from '../core/errors'
import { listFolder, shortName, statPath } from './files'
import { decodeImageFile, resizeShorterSide, type RgbImage } from './image-decode'
import { IMAGENET_NORM, normalizationLut } from './normalization'
import { batchOutput, checkBatchSize, sampleDistinct, writeRow } from './sampler'

/**
 * An image folder in the torchvision ImageFolder layout: `root/<class>/*.png|jpg|jpeg`
 * (case-insensitive extensions). Classes = sorted subfolder names (code-point
 * order, like Python's `sorted`), label = position in that list; images in
 * each class in sorted order.
 *
 * Preprocessing to the requested `imageSize` S (ImageNet recipe of the
 * reference, §6): resize the shorter side to ceil(S / 0.875) (antialiased
 * linear filter; the reference uses bicubic), then a random S×S crop and a
 * horizontal flip with p = 0.5 when augmenting, or the centre S×S crop when
 * not; ImageNet mean/std normalisation. The reference's photometric steps
 * (ColorJitter, Lighting, AutoAugment, RandomErasing) are not implemented.
 *
 * Small folders (≤ `PRELOAD_MAX_IMAGES` images) are decoded and resized
 * completely when opened, so batches are then pure memory copies and every
 * corrupt image is reported at open. Larger folders (e.g. ImageNet-1k train)
 * are decoded lazily when sampled (an LRU cache keeps resized images, up to
 * `cacheBytes`); a corrupt image then throws BAD_FORMAT naming its file at
 * sampling time, and opening only checks the layout and the first image.
 * rng order per batch: the n indices, then per image crop row, crop column
 * (`int`) and flip (`next() < 0.5`).
 */
export const IMAGE_EXT = /\.(png|jpe?g)$/i

/**
 * Largest image file of a folder read (64 MiB): an ImageNet JPEG is ≈ 110 kB
 * on average, the largest few MB. Bigger files are refused before reading.
 */
export const IMAGE_FILE_MAX_BYTES = 64 * 2 ** 20

/** Folders with at most this many images are fully decoded at open. */
export const PRELOAD_MAX_IMAGES = 2000

export interface FolderIndex {
  classes: string[]
  files: string[]
  labels: Int32Array
}

/** Lists the classes and image files of an image folder (no decoding). */
export function indexImageFolder(root: string): FolderIndex {
  const st = statPath(root, 'image folder')
  if (!st.isDirectory()) throw new ZsnasError('FILE_UNREADABLE', `${root} is a file; expected a folder with one subfolder per class`, { path: root })
  const classes = listFolder(root, 'image folder').filter((n) => !n.startsWith('.') && statPath(join(root, n)).isDirectory())
  const files: string[] = []
  const labels: number[] = []
  classes.forEach((c, k) => {
    for (const f of listFolder(join(root, c), 'class folder')) {
      if (IMAGE_EXT.test(f) && !f.startsWith('.')) {
        files.push(join(root, c, f))
        labels.push(k)
      }
    }
  })
  if (classes.length === 0 || files.length === 0) {
    throw new ZsnasError('EMPTY_DATASET', `image folder ${root} holds ${classes.length === 0 ? 'no class subfolders' : 'no .png/.jpg images in its class subfolders'}; expected root/<class>/<image>.png|jpg`, { path: root })
  }
  return { classes, files, labels: Int32Array.from(labels) }
}

export class ImageFolderSource implements DatasetSource {
  readonly kind = 'folder'
  readonly label: string
  readonly count: number
  readonly numClasses: number
  readonly imageSize: number
  readonly index: FolderIndex
  private readonly lut = normalizationLut(IMAGENET_NORM)
  private readonly resizeTo: number
  private readonly cache = new Map<number, RgbImage>()
  private cacheUsed = 0

  private readonly cacheBytes: number

  /** `opts.preloadMax` (default PRELOAD_MAX_IMAGES) and `opts.cacheBytes` (default 256 MiB) tune decoding. */
  constructor(root: string, imageSize: number, opts: { preloadMax?: number; cacheBytes?: number } = {}) {
    this.cacheBytes = opts.cacheBytes ?? 256 * 1024 * 1024
    if (!Number.isInteger(imageSize) || imageSize < 1 || imageSize > 4096) {
      throw new ZsnasError('INVALID_OPTION', `image folder imageSize must be an integer in [1, 4096], got ${imageSize}`, { imageSize })
    }
    this.index = indexImageFolder(root)
    this.count = this.index.files.length
    this.numClasses = this.index.classes.length
    this.imageSize = imageSize
    this.resizeTo = Math.ceil(imageSize / 0.875)
    this.label = `image folder ${shortName(root)} (${this.count} images, ${this.numClasses} classes, ${imageSize}×${imageSize})`
    const preload = this.count <= (opts.preloadMax ?? PRELOAD_MAX_IMAGES)
    for (let i = 0; i < (preload ? this.count : 1); i++) this.image(i)
  }

  /** The resized (shorter side ceil(S/0.875)) RGB image i, decoded on first use. */
  image(i: number): RgbImage {
    const hit = this.cache.get(i)
    if (hit) {
      this.cache.delete(i)
      this.cache.set(i, hit)
      return hit
    }
    const img = resizeShorterSide(decodeImageFile(this.index.files[i], IMAGE_FILE_MAX_BYTES), this.resizeTo)
    this.cache.set(i, img)
    this.cacheUsed += img.data.length
    for (const [k, v] of this.cache) {
      if (this.cacheUsed <= this.cacheBytes || k === i) break
      this.cache.delete(k)
      this.cacheUsed -= v.data.length
    }
    return img
  }

  sampleBatch(n: number, rng: Rng, opts: SampleOptions = {}): Batch {
    checkBatchSize(n, this.count, this.label)
    const augment = opts.augment ?? true
    const S = this.imageSize, per = S * S * 3
    const x = batchOutput(n, per, opts.out)
    const idx = sampleDistinct(this.count, n, rng)
    const labels = new Int32Array(n)
    for (let k = 0; k < n; k++) {
      const img = this.image(idx[k])
      let oy = (img.height - S) >> 1, ox = (img.width - S) >> 1, flip = false
      if (augment) {
        oy = rng.int(img.height - S + 1)
        ox = rng.int(img.width - S + 1)
        flip = rng.next() < 0.5
      }
      // row y of the crop starts at source pixel (oy + y, ox) — or (oy + y, ox + S − 1) walking left when flipped
      const col0 = flip ? ox + S - 1 : ox
      const step = flip ? -3 : 3
      let o = k * per
      for (let y = 0; y < S; y++) o = writeRow(x, o, img.data, ((oy + y) * img.width + col0) * 3, step, 1, S, this.lut)
      labels[k] = this.index.labels[idx[k]]
    }
    return { x, shape: [n, S, S, 3], labels, numClasses: this.numClasses }
  }
}
