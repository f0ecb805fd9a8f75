import type { DatasetSource, DatasetSpec } from '../core/data'
import { ZsnasError } from '../core/errors'
import { dirname, join } from 'node:path'
import { TABLE_MAX_BYTES } from '../benchmarks/tabular'
import { cifarFiles, cifarMaxFileBytes, openCifar } from './cifar'
import { ImageFolderSource } from './image-folder'
import { IMAGENET16_PICKLE_MAX_BYTES, imagenet16Files, openImagenet16 } from './imagenet16'
import { NoiseSource } from './noise'
import type { FileRead } from './read-ahead'
import { openU8, U8_MAX_BYTES } from './u8-file'

/**
 * Turns a serialisable `DatasetSpec` into an opened `DatasetSource`.
 * Contract: reads and validates the files once (typed `ZsnasError` naming
 * the file, what is wrong and what was expected); the returned source's
 * `sampleBatch(n, rng, { augment })` draws n distinct images using only the
 * rng (same rng state ⇒ bit-identical batch), applies the reference
 * train-time augmentation (random crop with zero padding — 4 px for CIFAR,
 * 2 px for ImageNet16 — and horizontal flip p = 0.5) unless
 * `augment: false`, and normalises with the dataset's mean/std into NHWC
 * float32.
 */
export function openDataset(spec: DatasetSpec): DatasetSource {
  if (spec === null || typeof spec !== 'object') {
    throw new ZsnasError('INVALID_OPTION', `dataset spec must be an object with a "kind", got ${String(spec)}`)
  }
  switch (spec.kind) {
    case 'noise':
      return new NoiseSource(spec.imageSize, spec.numClasses)
    case 'cifar10':
    case 'cifar100':
      requirePath(spec)
      return openCifar(spec.path, spec.kind)
    case 'imagenet16':
      requirePath(spec)
      return openImagenet16(spec.path, spec.classes ?? 120)
    case 'folder':
      requirePath(spec)
      return new ImageFolderSource(spec.path, spec.imageSize)
    case 'u8':
      requirePath(spec)
      return openU8(spec)
    default:
      throw new ZsnasError('INVALID_OPTION', `unknown dataset kind "${(spec as { kind: unknown }).kind}"; expected one of noise, cifar10, cifar100, imagenet16, folder, u8`)
  }
}

function requirePath(spec: DatasetSpec): void {
  const p = (spec as { path?: unknown }).path
  if (typeof p !== 'string' || p.length === 0) {
    throw new ZsnasError('INVALID_OPTION', `dataset "${spec.kind}" needs a "path" to a file or folder`, { kind: spec.kind })
  }
}

/**
 * The files `openDataset(spec)` reads whole, each with its reader's wording
 * and its format's size limit (for `withReadAhead`). Noise reads none; an
 * image folder's images are read one at a time when decoded (each at most
 * IMAGE_FILE_MAX_BYTES) and are not listed. A spec whose path cannot be
 * listed yields no files (openDataset then reports it).
 */
export function datasetReads(spec: DatasetSpec): FileRead[] {
  try {
    switch (spec.kind) {
      case 'cifar10':
      case 'cifar100': {
        const what = `${spec.kind === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} file`
        return cifarFiles(spec.path, spec.kind).map((path) => ({ path, what, maxBytes: cifarMaxFileBytes(spec.kind as 'cifar10' | 'cifar100') }))
      }
      case 'imagenet16':
        return imagenet16Files(spec.path).map((path) => ({ path, what: 'ImageNet16 pickle', maxBytes: IMAGENET16_PICKLE_MAX_BYTES }))
      case 'u8':
        return [
          { path: spec.labelsCsv ?? join(dirname(spec.path), 'labels.csv'), what: 'table file', maxBytes: TABLE_MAX_BYTES },
          { path: spec.path, what: 'u8 image file', maxBytes: U8_MAX_BYTES },
        ]
      default:
        return []
    }
  } catch {
    return []
  }
}
