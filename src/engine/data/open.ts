import type { DatasetSource, DatasetSpec } from '../core/data'
import { ZsnasError } from '../core/errors'
import { openCifar } from './cifar'
import { ImageFolderSource } from './image-folder'
import { openImagenet16 } from './imagenet16'
import { NoiseSource } from './noise'
import { openU8 } from './u8-file'

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
