/**
 * Writing results into wasm heap buffers directly (issue #18): tfjs tensors
 * are immutable, so an op whose result replaces its input (a ReLU's masked
 * gradient, BN's dx) or that assembles its result from batch chunks
 * (`tf.concat`) holds input, chunks and result at once. On the wasm backend
 * every tensor is a range of ONE heap that JS can read and write
 * synchronously, so the engine can
 *   - allocate a result once and copy each chunk into its place
 *     (`allocateF32` + `writeSamples`: no concatenation), and
 *   - overwrite a buffer nothing else reads any more (`exclusive`: one
 *     tensor owns it and its owner hands it over), chunk by chunk.
 * The values are those of the same kernels on the same inputs — only where
 * they are stored changes — so results are bit-identical to the
 * allocate-and-concatenate form (tests/engine/backend/wasm-inplace.test.ts,
 * tests/engine/nn/batch-chunks.test.ts).
 *
 * Everything here is a no-op question on other backends: `heapWritable()`
 * is false and callers keep the immutable form.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../core/errors'

interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array }
  refCount(dataId: object): number
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined }
}

/** The active backend when it is wasm (its heap is synchronously addressable), else undefined. */
function wasmBackend(): WasmBackendLike | undefined {
  if (tf.getBackend() !== 'wasm') return undefined
  const b = tf.backend() as unknown as Partial<WasmBackendLike>
  return b.wasm !== undefined && typeof b.makeOutput === 'function' && b.dataIdMap !== undefined ? (b as WasmBackendLike) : undefined
}

/** Chunks written since the process started: into a buffer handed over (`overwritten`) or a fresh one (`assembled`); for tests and benches. */
export const inPlaceStats = { overwritten: 0, assembled: 0 }

/** True when results can be written into heap buffers (the wasm backend). */
export function heapWritable(): boolean {
  return wasmBackend() !== undefined
}

/** Heap bytes per element of the dtypes the wasm backend stores (bool: 1). */
const BYTES: Partial<Record<tf.DataType, number>> = { float32: 4, int32: 4, bool: 1 }

/** A byte view of a wasm tensor's data (valid until the heap grows). */
function viewBytes(b: WasmBackendLike, t: tf.Tensor | tf.TensorInfo, size: number): Uint8Array {
  const d = b.dataIdMap.get(t.dataId)
  const per = BYTES[t.dtype]
  if (d === undefined || per === undefined) throw new Error(`wasm-inplace: [${t.shape}] ${t.dtype} has no heap data`)
  return new Uint8Array(b.wasm.HEAPU8.buffer, d.memoryOffset >>> 0, size * per)
}

/**
 * `tf.slice(t, begin, size)` (size −1 = to the end), copied heap to heap on
 * wasm. tfjs' wasm Slice kernel first reads the WHOLE input into a new host
 * array (`readSync`), so slicing a 500 MB map into k chunks churned k × 500 MB
 * of host memory and copies; this copies only the slice, run by contiguous
 * run. Same values, shape and dtype as `tf.slice` (pure data movement; tests/
 * engine/backend/wasm-inplace.test.ts); other backends: `tf.slice`.
 */
export function heapSlice<T extends tf.Tensor>(t: T, begin: readonly number[], size: readonly number[]): T {
  const b = wasmBackend()
  const per = BYTES[t.dtype]
  const r = t.rank
  const sz = size.map((v, a) => (v === -1 ? t.shape[a] - begin[a] : v))
  if (b === undefined || per === undefined || t.isDisposed || r === 0 || begin.length !== r || size.length !== r) return tf.slice(t, begin as number[], size as number[]) as T
  for (let a = 0; a < r; a++) {
    if (!(Number.isInteger(begin[a]) && Number.isInteger(sz[a]) && begin[a] >= 0 && sz[a] >= 0 && begin[a] + sz[a] <= t.shape[a])) {
      throw new Error(`wasm-inplace: slice [${begin}] + [${size}] is outside [${t.shape}]`)
    }
  }
  // k: the outermost axis from which on every axis is whole, so each run is contiguous
  let k = r - 1
  while (k > 0 && begin[k] === 0 && sz[k] === t.shape[k]) k--
  const strides = new Array<number>(r).fill(per)
  for (let a = r - 2; a >= 0; a--) strides[a] = strides[a + 1] * t.shape[a + 1]
  const run = sz[k] * strides[k]
  const info = b.makeOutput(sz, t.dtype)
  const n = sz.reduce((x, y) => x * y, 1)
  if (n === 0) return tf.engine().makeTensorFromTensorInfo(info) as T
  const src = viewBytes(b, t, t.size)
  const dst = viewBytes(b, info, n)
  // every index of axes 0 … k−1 inside the slice, in order
  const idx = begin.slice(0, k)
  let o = 0
  for (;;) {
    let off = begin[k] * strides[k]
    for (let a = 0; a < k; a++) off += idx[a] * strides[a]
    dst.set(src.subarray(off, off + run), o)
    o += run
    let a = k - 1
    for (; a >= 0; a--) {
      if (++idx[a] < begin[a] + sz[a]) break
      idx[a] = begin[a]
    }
    if (a < 0) break
  }
  return tf.engine().makeTensorFromTensorInfo(info) as T
}

/** `heapSlice` along ONE axis: [begin, begin + size) of `axis`, every other axis whole. */
export function sliceAxis<T extends tf.Tensor>(t: T, axis: number, begin: number, size: number): T {
  return heapSlice(t, t.shape.map((_, a) => (a === axis ? begin : 0)), t.shape.map((v, a) => (a === axis ? size : v)))
}

/**
 * True when `t` is the only tensor on its buffer (no clone, reshape or saved
 * copy shares it): overwriting it then changes no other tensor's value.
 * Always false off wasm.
 */
export function exclusive(t: tf.Tensor): boolean {
  const b = wasmBackend()
  return b !== undefined && !t.isDisposed && t.dtype === 'float32' && b.refCount(t.dataId) === 1
}

/** A new float32 tensor of `shape` whose contents are undefined until written (wasm only). */
export function allocateF32(shape: number[]): tf.Tensor {
  const b = wasmBackend()
  if (b === undefined) throw new Error('wasm-inplace: allocateF32 needs the wasm backend')
  const info = b.makeOutput(shape, 'float32')
  return tf.engine().makeTensorFromTensorInfo(info)
}

/**
 * Copies `part` (samples [start, start + part.shape[0]) of `into`, same
 * trailing shape) into `into`'s buffer. `into` must be exclusive or freshly
 * allocated by the caller (`handedOver`: it was the caller's input, for
 * `inPlaceStats`); `part` is not consumed.
 */
export function writeSamples(into: tf.Tensor, part: tf.Tensor, start: number, handedOver = false): void {
  const b = wasmBackend()
  if (b === undefined) throw new Error('wasm-inplace: writeSamples needs the wasm backend')
  if (into.dtype !== 'float32' || part.dtype !== 'float32') throw new Error(`wasm-inplace: writeSamples needs float32 tensors, got ${part.dtype} into ${into.dtype}`)
  if (part.shape.slice(1).join() !== into.shape.slice(1).join() || start < 0 || start + part.shape[0] > into.shape[0]) {
    throw new ZsnasError('BAD_SHAPE', `wasm-inplace: samples [${start}, +${part.shape[0]}) of [${part.shape}] do not fit [${into.shape}]`)
  }
  viewBytes(b, into, into.size).set(viewBytes(b, part, part.size), start * (into.size / into.shape[0]) * 4)
  if (handedOver) inPlaceStats.overwritten++
  else inPlaceStats.assembled++
}

/**
 * Operands the op running now reads for the LAST time (set by the segment
 * runner, nn/segments.ts, around one op call): the op may write its result
 * over such an operand's buffer when it is also `exclusive`. Empty outside
 * that call.
 */
let dying: ReadonlySet<tf.Tensor> = new Set()

/** Runs `f` (one op) with `operands` marked as read for the last time. */
export function withDyingOperands<T>(operands: ReadonlySet<tf.Tensor>, f: () => T): T {
  const before = dying
  dying = operands
  try {
    return f()
  } finally {
    dying = before
  }
}

/** True when `t` is an operand the running op reads for the last time and no other tensor shares its buffer (wasm). */
export function consumable(t: tf.Tensor): boolean {
  return dying.has(t) && exclusive(t)
}
