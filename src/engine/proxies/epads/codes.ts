/**
 * Packed binary activation codes for ePADS (method notes `wrcor-method.md` §7).
 *
 * A ReLU input of 2B samples, flattened to [rows, d], becomes one bit per
 * element, c = [x > 0] (`torch.gt(x, 0)`: 0, −0 and NaN give 0, +∞ gives 1),
 * packed row by row into 32-bit words: element j of row r is bit (j mod 32)
 * of word r·W + ⌊j/32⌋, W = ⌈d/32⌉ words per row; the unused high bits of a
 * row's last word are 0 in every row, so they never count. Hamming distances
 * between rows are XOR + popcount over W words (32 codes per operation).
 *
 * Reading the activations (`readFloat32`): on the wasm backend the tensor's
 * float32 data is read IN PLACE through a view of the wasm heap (no copy of
 * the map; the 1-byte `tf.greater` map + `dataSync` copy it replaces cost
 * ~5.5 ns/element on a 120 M-element NB201 pass, the in-place packing
 * ~1.3 ns). The view is only valid until the next backend allocation (heap
 * growth detaches it), so it is consumed synchronously by `packCodes` and
 * never stored. Other backends (or an unexpected wasm layout) use the
 * tensor's `dataSync()` copy — same values, so the same codes.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'

/** Codes of `rows` rows of d elements, packed as described in the module comment. */
export interface PackedCodes {
  words: Uint32Array
  rows: number
  /** elements per row */
  d: number
  /** ⌈d/32⌉ */
  wordsPerRow: number
}

/** The minimal surface of tfjs-backend-wasm's `BackendWasm` used for the in-place read. */
interface WasmBackendLike {
  getMemoryOffset?: (dataId: object) => number
  wasm?: { HEAPU8?: Uint8Array }
}

/**
 * The float32 values of `t` (row-major): an in-place view of the wasm heap
 * when `inPlace` and the backend is wasm, else a `dataSync()` copy (backends with
 * synchronous reads only: on webgpu ePADS uses `epadsRowsTf`). The
 * caller must finish reading before any tfjs call that may allocate.
 */
export function readFloat32(t: tf.Tensor, inPlace = true): Float32Array {
  if (t.dtype !== 'float32') throw new ZsnasError('BAD_VALUE', `ePADS reads float32 activations, got dtype ${t.dtype}`)
  if (inPlace && tf.getBackend() === 'wasm') {
    const be = tf.backend() as unknown as WasmBackendLike
    const heap = be.wasm?.HEAPU8
    if (typeof be.getMemoryOffset === 'function' && heap instanceof Uint8Array) {
      const off = be.getMemoryOffset((t as unknown as { dataId: object }).dataId)
      const bytes = 4 * t.size
      if (Number.isInteger(off) && off % 4 === 0 && off >= 0 && off + bytes <= heap.byteLength) {
        return new Float32Array(heap.buffer, heap.byteOffset + off, t.size)
      }
    }
  }
  // synchronous backends only (the hook reads during the pass); webgpu takes the device path of epads/run.ts
  return t.dataSync() as Float32Array
}

/** Packs [v > 0] of `rows` rows of `d` values (v.length ≥ rows·d, row-major). */
export function packCodes(v: Float32Array, rows: number, d: number): PackedCodes {
  if (!(Number.isInteger(rows) && rows >= 0 && Number.isInteger(d) && d >= 0) || v.length < rows * d) {
    throw new ZsnasError('BAD_SHAPE', `ePADS codes: ${v.length} values cannot hold ${rows} rows of ${d}`)
  }
  const wpr = (d + 31) >>> 5
  const full = d >>> 5
  const words = new Uint32Array(rows * wpr)
  for (let r = 0; r < rows; r++) {
    let s = r * d
    let o = r * wpr
    for (let w = 0; w < full; w++, s += 32) {
      let bits = 0
      // 4 comparisons per step: `+(x > 0)` is 1 for x > 0, 0 for 0, −0, negatives and NaN
      for (let j = 0; j < 32; j += 4) {
        bits |= (+(v[s + j] > 0) | (+(v[s + j + 1] > 0) << 1) | (+(v[s + j + 2] > 0) << 2) | (+(v[s + j + 3] > 0) << 3)) << j
      }
      words[o++] = bits
    }
    const rest = d - (full << 5)
    if (rest > 0) {
      let bits = 0
      for (let j = 0; j < rest; j++) bits |= +(v[s + j] > 0) << j
      words[o] = bits
    }
  }
  return { words, rows, d, wordsPerRow: wpr }
}

/** Number of set bits of a 32-bit word (SWAR). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555)
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24
}

/** Hamming distance Σ_j |c_a[j] − c_b[j]| between rows a and b. */
export function rowHamming(c: PackedCodes, a: number, b: number): number {
  const w = c.words
  const n = c.wordsPerRow
  const oa = a * n
  const ob = b * n
  let s = 0
  for (let k = 0; k < n; k++) s += popcount32(w[oa + k] ^ w[ob + k])
  return s
}
