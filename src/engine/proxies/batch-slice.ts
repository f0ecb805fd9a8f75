import type { Batch } from '../core/data'

/** Samples [start, end) of a batch, sharing the underlying buffers (no copy). */
export function sliceBatch(b: Batch, start: number, end: number): Batch {
  const per = b.shape[1] * b.shape[2] * b.shape[3]
  return {
    x: b.x.subarray(start * per, end * per),
    shape: [end - start, b.shape[1], b.shape[2], b.shape[3]],
    labels: b.labels.subarray(start, end),
    numClasses: b.numClasses,
  }
}
