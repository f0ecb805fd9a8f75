/**
 * Splitting an op's BACKWARD over the batch axis (issue #18): the gradient
 * bodies of conv (ops/conv.ts, dx) and training-mode BN (ops/batch-norm.ts,
 * dx) hold several maps of their input's size at once; on MobileNetV2 at
 * 224–320 px and batch 64 one map is 150–600 MB and those temporaries are
 * what overflows the 4 GiB wasm heap. Computed per chunk of samples, the
 * temporaries cost one chunk each; the chunk results are concatenated.
 *
 * Contract: `batchChunks(bytes, n)` is the number of chunks for a map of
 * `bytes` bytes and batch `n`: 1 (no split) while the map is at most
 * `opChunkBytes()`, else ⌈bytes / opChunkBytes()⌉ capped at n. Callers split
 * only where every sample's result depends on that sample alone (or on
 * per-channel statistics computed beforehand), so the values are the same
 * kernels on the same values — bit-identical to the unsplit op
 * (tests/engine/nn/batch-chunks.test.ts).
 *
 * The threshold: `ZSNAS_OP_CHUNK_MB` (megabytes) if set, else 64 MiB (the
 * response pass's Gram block, proxies/responses.ts). `withOpChunkBytes`
 * overrides it for the duration of a call (tests, benches).
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import { envVar } from '../../core/env'
import { allocateF32, exclusive, heapWritable, sliceAxis, writeSamples } from '../../backend/wasm-inplace'

export const DEFAULT_OP_CHUNK_BYTES = 64 * 2 ** 20

let override: number | undefined

/** The map size above which a backward is split over the batch (see the module comment). */
export function opChunkBytes(): number {
  if (override !== undefined) return override
  const env = envVar('ZSNAS_OP_CHUNK_MB')
  if (env === undefined || env === '') return DEFAULT_OP_CHUNK_BYTES
  const mb = Number(env)
  if (!(mb > 0)) throw new ZsnasError('INVALID_OPTION', `ZSNAS_OP_CHUNK_MB='${env}' is not a positive number of megabytes`)
  return mb * 2 ** 20
}

/** Runs `f` with the split threshold set to `bytes` (restored afterwards, also on error). */
export function withOpChunkBytes<T>(bytes: number, f: () => T): T {
  if (!(bytes > 0)) throw new ZsnasError('INVALID_OPTION', `op chunk bytes must be > 0, got ${bytes}`)
  const before = override
  override = bytes
  try {
    return f()
  } finally {
    override = before
  }
}

/** `withOpChunkBytes` for an asynchronous `f` (restored when its promise settles). */
export async function withOpChunkBytesAsync<T>(bytes: number, f: () => Promise<T>): Promise<T> {
  if (!(bytes > 0)) throw new ZsnasError('INVALID_OPTION', `op chunk bytes must be > 0, got ${bytes}`)
  const before = override
  override = bytes
  try {
    return await f()
  } finally {
    override = before
  }
}

/** Number of batch chunks for a map of `bytes` bytes with batch `n` (1 = no split). */
export function batchChunks(bytes: number, n: number): number {
  const limit = opChunkBytes()
  return bytes <= limit ? 1 : Math.min(n, Math.ceil(bytes / limit))
}

/** [start, size) ranges of `n` samples in `k` nearly equal chunks. */
export function chunkRanges(n: number, k: number): [number, number][] {
  const per = Math.ceil(n / k)
  const out: [number, number][] = []
  for (let s = 0; s < n; s += per) out.push([s, Math.min(per, n - s)])
  return out
}

/** Samples [start, start+size) of a rank-4 tensor (a copy; on wasm heap to heap, backend/wasm-inplace.ts `sliceAxis`). */
export function sampleSlice(t: tf.Tensor4D, start: number, size: number): tf.Tensor4D {
  return sliceAxis(t, 0, start, size)
}

/**
 * Runs `f` on each chunk of samples and assembles the results along the
 * batch axis; each chunk's temporaries are freed before the next chunk
 * starts. `f` receives [start, size) and returns a new tensor.
 *
 * On the wasm backend (backend/wasm-inplace.ts) the result is allocated once
 * and each chunk is copied into its place (no concatenation: one map less at
 * the peak); with `into` — a float32 tensor of the result's shape that the
 * caller owns exclusively and hands over (`exclusive`) — the chunks are
 * written into `into`'s own buffer, so `f` may read samples of `into` at or
 * after `start` (chunk i's slice is taken before chunk i is written); the
 * returned tensor then shares `into`'s buffer (dispose both). Same values in
 * every form: the same kernels on the same inputs.
 */
export function mapBatchChunks(n: number, k: number, f: (start: number, size: number) => tf.Tensor4D, into?: tf.Tensor): tf.Tensor4D {
  if (!heapWritable()) {
    const parts: tf.Tensor4D[] = []
    try {
      for (const [s, z] of chunkRanges(n, k)) parts.push(tf.tidy(() => f(s, z)))
      return tf.concat(parts, 0)
    } finally {
      for (const p of parts) p.dispose()
    }
  }
  if (into !== undefined && !exclusive(into)) throw new ZsnasError('BAD_VALUE', `mapBatchChunks: the target [${into.shape}] is shared by another tensor`)
  // a reshape shares the buffer (a clone would copy it on wasm); the caller's `into` is freed by its owner
  let out: tf.Tensor | undefined = into === undefined ? undefined : tf.reshape(into, into.shape)
  try {
    for (const [s, z] of chunkRanges(n, k)) {
      const part = tf.tidy(() => f(s, z))
      try {
        if (out === undefined) out = allocateF32([n, ...part.shape.slice(1)])
        writeSamples(out, part, s, into !== undefined)
      } finally {
        part.dispose()
      }
    }
    return out as tf.Tensor4D
  } catch (e) {
    out?.dispose()
    throw e
  }
}
