import { basename } from 'node:path'
import { closeSync, readSync } from 'node:fs'
import { PNG } from 'pngjs'
import type { DatasetSpec } from '../core/data'
import { ZsnasError } from '../core/errors'
import { listFolder, openRegular, statPath } from './files'
import { ImageFolderSource } from './image-folder'
import { resizeRgb, type RgbImage } from './image-decode'
import { openDataset } from './open'
import { U8DatasetSource } from './sampler'

/**
 * Preview of a user-picked file or folder, for the dataset picker.
 * `detectDataset` recognises the format by content/layout, opens it with the
 * same validation as `openDataset` (so every bad-input error surfaces here,
 * typed), and returns counts, classes and a few thumbnails.
 */
export interface DatasetThumbnail {
  /** 0-based label of the image */
  label: number
  width: number
  height: number
  /** `data:image/png;base64,…` (at most `maxThumb` px per side) */
  dataUrl: string
}

export interface DatasetPreview {
  format: DatasetSpec['kind']
  /** a spec that opens this dataset with `openDataset` */
  spec: DatasetSpec
  label: string
  imageCount: number
  imageSize: number
  numClasses: number
  /** class names when the format has them (image folders) */
  classNames?: string[]
  thumbnails: DatasetThumbnail[]
}

export interface DetectOptions {
  /** number of thumbnails (default 8) */
  thumbnails?: number
  /** thumbnail side limit in pixels (default 64) */
  maxThumb?: number
  /** image size for image folders / raw u8 files whose name does not say it (default 32 / from name) */
  imageSize?: number
}

/** Guesses the `DatasetSpec` of a path from its layout and first bytes. */
export function guessDatasetSpec(path: string, opts: DetectOptions = {}): DatasetSpec {
  const st = statPath(path, 'dataset path')
  const name = basename(path)
  if (st.isDirectory()) {
    const names = listFolder(path, 'dataset folder')
    if (names.some((n) => /^(data_batch_|test_batch)[^.]*(\.bin)?$/.test(n))) return { kind: 'cifar10', path }
    if (names.some((n) => /^train_data_batch_\d+$/.test(n) || n === 'val_data')) return { kind: 'imagenet16', path }
    if (names.some((n) => /^(train|test)[^.]*(\.bin)?$/.test(n))) return { kind: 'cifar100', path }
    return { kind: 'folder', path, imageSize: opts.imageSize ?? 32 }
  }
  if (st.size === 0) throw new ZsnasError('EMPTY_DATASET', `${name}: the file is empty`, { path })
  const head = readHead(path, 2)
  if (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) {
    // a pickle: the CIFAR python version by its official names, else ImageNet16
    if (/^(data_batch_\d+|test_batch)$/.test(name)) return { kind: 'cifar10', path }
    if (/^(train|test)$/.test(name)) return { kind: 'cifar100', path }
    return { kind: 'imagenet16', path }
  }
  const dims = /(\d+)x(\d+)x(\d+)x3\.u8$/i.exec(name)
  if (/\.u8$/i.test(name)) {
    const size = dims ? Number(dims[2]) : opts.imageSize
    if (!size) throw new ZsnasError('INVALID_OPTION', `${name}: raw uint8 file without the image size in its name (…_NxSxSx3.u8); give the image size`, { path })
    return { kind: 'u8', path, imageSize: size }
  }
  if (st.size % 3073 === 0 && !(st.size % 3074 === 0 && /100/.test(name))) return { kind: 'cifar10', path }
  if (st.size % 3074 === 0) return { kind: 'cifar100', path }
  throw new ZsnasError(
    'BAD_FORMAT',
    `${name}: unrecognised dataset file (${st.size} bytes); expected a CIFAR-10/100 binary batch (3073/3074-byte records), an ImageNet16 pickle, a raw .u8 file, or a folder`,
    { path, bytes: st.size },
  )
}

function readHead(path: string, n: number): Uint8Array {
  const fd = openRegular(path, 'dataset file', Number.MAX_SAFE_INTEGER).fd
  try {
    const b = new Uint8Array(n)
    readSync(fd, b, 0, n, 0)
    return b
  } finally {
    closeSync(fd)
  }
}

/** Encodes an RGB image as a PNG data URL (downscaled to at most `max` px per side). */
export function thumbnailDataUrl(img: RgbImage, max: number): { width: number; height: number; dataUrl: string } {
  const scale = Math.min(1, max / Math.max(img.width, img.height))
  const t = scale < 1 ? resizeRgb(img, Math.max(1, Math.round(img.width * scale)), Math.max(1, Math.round(img.height * scale))) : img
  const png = new PNG({ width: t.width, height: t.height })
  for (let p = 0; p < t.width * t.height; p++) {
    png.data[p * 4] = t.data[p * 3]
    png.data[p * 4 + 1] = t.data[p * 3 + 1]
    png.data[p * 4 + 2] = t.data[p * 3 + 2]
    png.data[p * 4 + 3] = 255
  }
  return { width: t.width, height: t.height, dataUrl: `data:image/png;base64,${PNG.sync.write(png).toString('base64')}` }
}

export function detectDataset(path: string, opts: DetectOptions = {}): DatasetPreview {
  const spec = guessDatasetSpec(path, opts)
  const src = openDataset(spec)
  const k = Math.min(opts.thumbnails ?? 8, src.count)
  const max = opts.maxThumb ?? 64
  const thumbnails: DatasetThumbnail[] = []
  for (let j = 0; j < k; j++) {
    const i = Math.floor((j * src.count) / k)
    let img: RgbImage, label: number
    if (src instanceof U8DatasetSource) {
      const rgba = src.rgba(i), s = src.imageSize
      const rgb = new Uint8Array(s * s * 3)
      for (let p = 0; p < s * s; p++) (rgb[p * 3] = rgba[p * 4], rgb[p * 3 + 1] = rgba[p * 4 + 1], rgb[p * 3 + 2] = rgba[p * 4 + 2])
      img = { width: s, height: s, data: rgb }
      label = src.images.labels[i]
    } else if (src instanceof ImageFolderSource) {
      img = src.image(i)
      label = src.index.labels[i]
    } else {
      break
    }
    thumbnails.push({ label, ...thumbnailDataUrl(img, max) })
  }
  return {
    format: spec.kind,
    spec,
    label: src.label,
    imageCount: src.count,
    imageSize: src.imageSize,
    numClasses: src.numClasses,
    classNames: src instanceof ImageFolderSource ? src.index.classes.slice() : undefined,
    thumbnails,
  }
}
