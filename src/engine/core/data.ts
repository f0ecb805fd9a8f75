import type { Rng } from './rng'

/**
 * A normalised NHWC float batch with integer labels.
 * `x.length === shape[0]*shape[1]*shape[2]*shape[3]`, labels in [0, numClasses).
 */
export interface Batch {
  x: Float32Array
  shape: [number, number, number, number]
  labels: Int32Array
  numClasses: number
}

export interface SampleOptions {
  /** train-time augmentation of the reference: random crop with zero padding + horizontal flip (default true) */
  augment?: boolean
  /**
   * Optional caller-owned output buffer of exactly n·S·S·3 floats (additive, for callers that draw many
   * batches): when given, the batch is written into it and returned as `x`, which saves the first-touch
   * page faults of a freshly allocated array (≈ 15–20 ms for 64×224×224×3 on a 2-core dev machine).
   * The values are the same as without it. The sources of `src/engine/data` honour it.
   */
  out?: Float32Array
}

/**
 * An opened dataset. Contract: `sampleBatch` draws `n` distinct random images
 * using only `rng` (same rng state => bit-identical batch), applies the
 * reference augmentation when asked, and normalises with the dataset's
 * per-channel mean/std. Sources are read-only and safe to reuse.
 */
export interface DatasetSource {
  /** stable id, e.g. 'cifar10', 'cifar100', 'imagenet16-120', 'noise', 'folder' */
  kind: string
  label: string
  /** number of images available (Infinity for generated noise) */
  count: number
  numClasses: number
  /** spatial size of the images it yields (square) */
  imageSize: number
  sampleBatch(n: number, rng: Rng, opts?: SampleOptions): Batch
}

/**
 * Ground truth for proxy evaluation and search reports. Keys are the search
 * space's canonical `hash(arch)`; metrics are accuracy columns in percent.
 */
export interface GroundTruth {
  space: string
  /** available metrics, e.g. ['cifar10', 'cifar100', 'imagenet16-120'] */
  metrics: string[]
  size: number
  get(archHash: string, metric: string): number | undefined
  /** all keys in the table's own order (NB201: benchmark index order) */
  keys(): string[]
}

/**
 * Serializable description of a dataset choice (crosses IPC and goes into run
 * manifests). `openDataset(spec)` in `src/engine/data/open.ts` turns it into a
 * `DatasetSource`. Paths are files/folders the user picked, in official formats.
 */
export type DatasetSpec =
  | { kind: 'noise'; imageSize: number; numClasses: number; channels?: 3 }
  | { kind: 'cifar10'; path: string } // a data_batch_*.bin / test_batch.bin file or the folder holding them
  | { kind: 'cifar100'; path: string } // train.bin / test.bin or folder
  | { kind: 'imagenet16'; path: string; classes?: number } // ImageNet16 pickle file(s) or folder; classes default 120
  | { kind: 'folder'; path: string; imageSize: number } // root/<class>/*.png|jpg
  | { kind: 'u8'; path: string; imageSize: number; labelsCsv?: string; normalization?: 'imagenet' | 'imagenet16' } // raw NHWC uint8 file (shared sample format)
