/**
 * Wasm heap reservation (issue #18 item 2): the wasm backend's heap starts
 * at 16 MB and grows on demand (Emscripten: +20 % per step, capped at
 * request + 96 MB) up to the 4 GiB cap; memory it took is never returned.
 * `reserveWasmHeap(bytes)` grows it once to at least `bytes` and touches
 * every new page, so that a scoring started afterwards pays neither the
 * growth steps nor the first-touch page faults — a worker can do this while
 * idle, before its first job.
 *
 * Guarantees: no tensor is created and nothing stays allocated (one
 * malloc/free pair); a no-op (reason given) on other backends, when the heap
 * is already that large, or when `bytes` exceeds the cap; never throws for a
 * failed reservation (malloc returning 0 is reported, the backend stays usable).
 */
import * as tf from '@tensorflow/tfjs-core'
import { envVar } from '../core/env'

interface WasmModule {
  HEAPU8: Uint8Array
  _malloc(n: number): number
  _free(p: number): void
}

/** Emscripten's getHeapMax() of the tfjs wasm build. */
const HEAP_CAP = 4294901760

export interface HeapReservation {
  /** heap bytes before and after */
  before: number
  after: number
  /** why nothing was done, if nothing was */
  skipped?: string
}

/** Grows the wasm heap to ≥ `bytes` and touches the new pages (see the module comment). */
export function reserveWasmHeap(bytes: number): HeapReservation {
  const wasm = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as { wasm?: WasmModule }).wasm : undefined
  if (wasm === undefined) return { before: 0, after: 0, skipped: `backend ${tf.getBackend()} has no wasm heap` }
  const before = wasm.HEAPU8.length
  if (!(bytes > before)) return { before, after: before, skipped: 'heap already that large' }
  if (bytes > HEAP_CAP) return { before, after: before, skipped: `${bytes} B exceeds the ${HEAP_CAP} B cap` }
  // one block reaching `bytes` (the allocator's top chunk grows the heap in one step); the block starts after
  // what is in use, so if the heap still falls short, free it and take a block larger by the shortfall
  let size = bytes - before + (1 << 20)
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = size < HEAP_CAP ? wasm._malloc(size) >>> 0 : 0 // >>> 0: pointers above 2 GiB come back negative
    if (p === 0) return { before, after: wasm.HEAPU8.length, skipped: `malloc(${size}) failed` }
    const heap = wasm.HEAPU8 // re-created by the growth
    const short = bytes - heap.length
    if (short <= 0) {
      try {
        for (let i = p; i < p + size; i += 4096) heap[i] = 0 // fault every page in
      } finally {
        wasm._free(p)
      }
      break
    }
    wasm._free(p)
    size += short + (1 << 20)
  }
  return { before, after: wasm.HEAPU8.length }
}

/**
 * `reserveWasmHeap(ZSNAS_WASM_RESERVE_MB MiB)` when that variable is set
 * (once per process; later calls return undefined). Scoring workers call it
 * before their first job (src/worker/engine-scorer.ts).
 */
let reservedOnce = false
export function reserveWasmHeapFromEnv(): HeapReservation | undefined {
  if (reservedOnce) return undefined
  reservedOnce = true
  const env = envVar('ZSNAS_WASM_RESERVE_MB')
  if (env === undefined || env === '') return undefined
  const mb = Number(env)
  if (!(mb > 0)) return { before: 0, after: 0, skipped: `ZSNAS_WASM_RESERVE_MB='${env}' is not a positive number of megabytes` }
  return reserveWasmHeap(mb * 2 ** 20)
}

/** Heap allowance over the estimated tensor peak: allocator fragmentation and XNNPACK's own buffers (calibrated, docs/memory.md). */
export const RESERVE_OVER_ESTIMATE = 1.15
/** What the automatic reservation leaves below the heap cap. */
const RESERVE_HEADROOM = 64 * 2 ** 20

/**
 * The automatic reservation (issue #18): before a pass whose estimated
 * tensor peak is `peakBytes` (nn/memory-estimate.ts), grow the heap once to
 * what the pass will need — the tensor bytes already allocated (parameters,
 * cached kernels) + `RESERVE_OVER_ESTIMATE` × the estimate — bounded by the
 * cap less 64 MiB, so that the first scoring in a process pays no growth
 * steps mid-pass. Only grows (a no-op when the heap is already that large,
 * and on other backends); `ZSNAS_WASM_RESERVE=off` disables it. Never throws.
 */
export function reserveWasmHeapForPass(peakBytes: number): HeapReservation {
  const env = envVar('ZSNAS_WASM_RESERVE')
  if (env === 'off') return { before: 0, after: 0, skipped: 'ZSNAS_WASM_RESERVE=off' }
  if (!(peakBytes > 0) || !Number.isFinite(peakBytes)) return { before: 0, after: 0, skipped: `no estimate (${peakBytes})` }
  const target = Math.min(tf.memory().numBytes + RESERVE_OVER_ESTIMATE * peakBytes, HEAP_CAP - RESERVE_HEADROOM)
  return reserveWasmHeap(Math.floor(target))
}
