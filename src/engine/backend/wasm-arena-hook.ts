/**
 * The big-tensor arena on the wasm backend (issue #18): the tfjs wasm
 * backend allocates every tensor from JS through `wasm._malloc(bytes)` and
 * frees it through `wasm._free(ptr)`. Emscripten's allocator (dlmalloc)
 * never returns memory, and the holes freed 30–600 MB maps leave between
 * XNNPACK's own buffers and small tensors are not reused by differently
 * sized ones: the heap's high-water mark reached ≈ 2.3 × the live tensors
 * (docs/memory.md). `installWasmArena` takes ONE region from the original
 * `_malloc` and places every allocation ≥ `minBytes` inside it with
 * backend/wasm-arena.ts (coalescing best fit); smaller ones and everything
 * the C++ side allocates itself still go to the original allocator, outside
 * the region.
 *
 * Guarantees: a tensor's bytes are the same wherever it lives (placement
 * only; scores are bit-identical, tests/engine/backend/wasm-arena-hook.test.ts);
 * an allocation the region cannot place falls back to the original
 * `_malloc` (counted in `stats().fallbacks`), never fails because of the
 * arena; `release()` restores the original `_malloc` at once and the
 * original `_free` as soon as the last block in the region is freed, then
 * frees the region (tensors that outlive the pass stay valid); one arena at
 * a time (installing while one is active releases it first). A no-op
 * (reason given) on other backends or when the region cannot be allocated.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ArenaAllocator, ARENA_ALIGN, type ArenaPolicy } from './wasm-arena'

interface WasmModule {
  HEAPU8: Uint8Array
  _malloc(n: number): number
  _free(p: number): void
}

/** Allocations at least this large go to the arena (smaller ones: the original allocator); a 320 px MBv2 trace replayed with best fit from 64 KiB up stayed within 1.02 × its live peak (docs/memory.md). */
export const ARENA_MIN_BYTES = 64 * 2 ** 10

export interface ArenaStats {
  capacity: number
  /** bytes of the region ever used (the allocator's high-water mark) */
  highWater: number
  liveBytes: number
  /** the largest `liveBytes` so far (the region's live peak; highWater − peakLive = placement loss) */
  peakLive: number
  allocations: number
  /** big allocations the region could not place (went to the original allocator) */
  fallbacks: number
}

export interface WasmArena {
  stats(): ArenaStats
  /** see the module comment; idempotent */
  release(): void
  /** true once the region itself was freed */
  readonly drained: boolean
}

let active: WasmArena | undefined
let last: WasmArena | undefined

/** The arena installed now (undefined when none is). */
export function activeWasmArena(): WasmArena | undefined {
  return active
}

/** The arena installed last, released or not (its stats: what a pass used; for benches and logs). */
export function lastWasmArena(): WasmArena | undefined {
  return last
}

export interface InstallOptions {
  minBytes?: number
  policy?: ArenaPolicy
}

/** Installs an arena of `capacity` bytes (see the module comment); returns it, or why it was not installed. */
export function installWasmArena(capacity: number, opts: InstallOptions = {}): WasmArena | { skipped: string } {
  const wasm = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as { wasm?: WasmModule }).wasm : undefined
  if (wasm === undefined) return { skipped: `backend ${tf.getBackend()} has no wasm heap` }
  active?.release()
  if (!(capacity >= ARENA_ALIGN) || !Number.isFinite(capacity)) return { skipped: `capacity ${capacity} B is not a usable size` }
  // Emscripten's first call replaces the module's lazy stubs with the wasm exports: resolve them before wrapping
  wasm._free(wasm._malloc(8))
  const malloc0 = wasm._malloc
  const free0 = wasm._free
  const region = malloc0(capacity + ARENA_ALIGN) >>> 0 // >>> 0: pointers above 2 GiB come back negative
  if (region === 0) return { skipped: `malloc(${capacity + ARENA_ALIGN}) failed` }
  const base = Math.ceil(region / ARENA_ALIGN) * ARENA_ALIGN
  const arena = new ArenaAllocator(capacity, opts.policy ?? 'best-fit')
  const minBytes = opts.minBytes ?? ARENA_MIN_BYTES
  let allocations = 0
  let fallbacks = 0
  let peakLive = 0
  let released = false
  let drained = false
  const drain = (): void => {
    drained = true
    if (wasm._free === free) wasm._free = free0
    free0(region)
  }
  const malloc = (n: number): number => {
    if (n >= minBytes) {
      const off = arena.alloc(n)
      if (off >= 0) {
        allocations++
        peakLive = Math.max(peakLive, arena.liveBytes)
        return base + off
      }
      fallbacks++
    }
    return malloc0(n)
  }
  const free = (p: number): void => {
    const u = p >>> 0
    if (!drained && u >= base && u < base + capacity) {
      arena.free(u - base)
      if (released && arena.liveCount === 0) drain()
    } else free0(p)
  }
  const handle: WasmArena = {
    stats: () => ({ capacity, highWater: arena.highWater, liveBytes: arena.liveBytes, peakLive, allocations, fallbacks }),
    release: () => {
      if (released) return
      released = true
      if (wasm._malloc === malloc) wasm._malloc = malloc0
      if (active === handle) active = undefined
      if (arena.liveCount === 0) drain()
    },
    get drained() {
      return drained
    },
  }
  wasm._malloc = malloc
  wasm._free = free
  active = handle
  last = handle
  return handle
}
