/**
 * Datasets opened from their files' BYTES instead of paths — the entry of a runtime without a file system (the
 * Electron GPU worker page: main reads the files the job names, `datasetReads` in open.ts, and sends their
 * bytes). Same decoders, same validation, same `DatasetSource` as `openDataset` (open.ts): for the same files,
 * `openDatasetFromBytes(spec, files).sampleBatch(n, rng)` equals `openDataset(spec).sampleBatch(n, rng)` bit for bit.
 *
 * Kinds: noise (no files), cifar10 / cifar100 (binary or python version, one file or a folder's files in
 * `datasetReads` order), imagenet16 (pickles, `datasetReads` order). Raw u8 files and image folders are refused
 * with a typed INVALID_OPTION naming the kind (their readers still take paths only).
 *
 * Runtime-neutral: imports no Node module on this path (the decoders' files import node:fs for their path
 * entries only, never called from here).
 */
import type { DatasetSource, DatasetSpec } from '../core/data'
import { ZsnasError } from '../core/errors'
import { cifarMaxFileBytes, cifarSource, decodeCifar } from './cifar'
import { decodeImagenet16, imagenet16Source } from './imagenet16'
import { NoiseSource } from './noise'

/** One file of a dataset: the name it had where it was read (for messages and labels) and its bytes. */
export interface DatasetFileBytes {
  name: string
  bytes: Uint8Array
}

/** The dataset kinds `openDatasetFromBytes` decodes. */
export const BYTES_DATASET_KINDS: readonly DatasetSpec['kind'][] = ['noise', 'cifar10', 'cifar100', 'imagenet16']

/**
 * Opens `spec` from `files` (the files `datasetReads(spec)` lists, in that order). Typed errors: the decoders'
 * (BAD_FORMAT, BAD_LABEL, EMPTY_DATASET, FILE_UNREADABLE over a size limit), INVALID_OPTION for a kind
 * without a bytes decoder or a file-based kind given no files.
 */
export function openDatasetFromBytes(spec: DatasetSpec, files: readonly DatasetFileBytes[]): DatasetSource {
  switch (spec.kind) {
    case 'noise':
      return new NoiseSource(spec.imageSize, spec.numClasses)
    case 'cifar10':
    case 'cifar100': {
      if (files.length === 0) {
        throw new ZsnasError('INVALID_OPTION', `dataset "${spec.kind}" at ${spec.path}: no file bytes were given; expected the bytes of the files it names (${cifarMaxFileBytes(spec.kind)} bytes at most each)`, { kind: spec.kind })
      }
      const names = files.map((f) => f.name)
      const images = decodeCifar(files.map((f) => f.bytes), names, spec.kind)
      return cifarSource(images, names, spec.path, spec.kind)
    }
    case 'imagenet16': {
      if (files.length === 0) {
        throw new ZsnasError('INVALID_OPTION', `dataset "imagenet16" at ${spec.path}: no file bytes were given; expected the bytes of its pickles`, { kind: spec.kind })
      }
      const names = files.map((f) => f.name)
      const classes = spec.classes ?? 120
      return imagenet16Source(decodeImagenet16(files.map((f) => f.bytes), names, spec.path, classes), names, classes)
    }
    default:
      throw new ZsnasError(
        'INVALID_OPTION',
        `dataset kind "${spec.kind}" cannot be opened from bytes (GPU worker windows); expected one of ${BYTES_DATASET_KINDS.join(', ')} — score it on the CPU workers (⚙ Compute → wasm)`,
        { kind: spec.kind },
      )
  }
}
