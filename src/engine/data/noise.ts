import type { Rng } from '../core/rng'
import type { Batch, DatasetSource } from '../core/data'
import { ZsnasError } from '../core/errors'
import { checkBatchSize } from './sampler'

/**
 * Gaussian-noise input (the paper's noise variant, needs no files): every
 * pixel value is an independent N(0, 1) draw (already "normalised"), labels
 * are uniform over [0, numClasses). `augment` is ignored (noise is
 * augmentation-invariant in distribution). rng order: first the n labels,
 * then the pixel values in NHWC order, so the same rng state gives a
 * bit-identical batch.
 */
export class NoiseSource implements DatasetSource {
  readonly kind = 'noise'
  readonly label: string
  readonly count = Infinity
  readonly numClasses: number
  readonly imageSize: number
  readonly channels = 3

  constructor(imageSize: number, numClasses: number) {
    if (!Number.isInteger(imageSize) || imageSize < 1 || imageSize > 4096) {
      throw new ZsnasError('INVALID_OPTION', `noise imageSize must be an integer in [1, 4096], got ${imageSize}`, { imageSize })
    }
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new ZsnasError('INVALID_OPTION', `noise numClasses must be a positive integer, got ${numClasses}`, { numClasses })
    }
    this.imageSize = imageSize
    this.numClasses = numClasses
    this.label = `Gaussian noise N(0,1), ${imageSize}×${imageSize}, ${numClasses} classes`
  }

  sampleBatch(n: number, rng: Rng): Batch {
    checkBatchSize(n, this.count, this.label)
    const s = this.imageSize
    const labels = new Int32Array(n)
    for (let i = 0; i < n; i++) labels[i] = rng.int(this.numClasses)
    const x = new Float32Array(n * s * s * 3)
    for (let i = 0; i < x.length; i++) x[i] = rng.normal()
    return { x, shape: [n, s, s, 3], labels, numClasses: this.numClasses }
  }
}
