/**
 * Out-of-memory classification (issue #18 item 2).
 *
 * The wasm backend's heap is capped at 4 GiB per instance; when an
 * allocation fails, Emscripten calls `abort()`, which throws
 * `RuntimeError: Aborted()` (sometimes "memory access out of bounds" or
 * "Cannot enlarge memory" first). After that the instance is dead: later
 * kernels fail with unrelated errors ("divide by zero", …), so the process
 * must be replaced (the worker pool does that). Other backends raise
 * RangeError "Array buffer allocation failed" / "out of memory" and stay usable.
 * On webgpu a failed GPU allocation is reported asynchronously by the device;
 * the engine's reads (backend/read.ts → webgpu.ts `takeGpuError`) rethrow it as
 * "GPUOutOfMemoryError: out of memory on the webgpu device", classified here
 * like any allocation failure (the device stays usable, so the split-the-batch
 * rule applies); a lost device ("GPUDeviceLost") is fatal like a wasm abort.
 *
 * `asOutOfMemory` turns such an error into `ZsnasError('OUT_OF_MEMORY')`
 * whose message names the batch, the resolution, what the pass was estimated
 * to need, and the largest batch that would fit (checkpointed), and whose
 * `details` carry the same as data (`instanceDead` says the process must be
 * replaced). After a wasm abort `assertBackendAlive` refuses further work
 * with the same code instead of letting a dead instance produce garbage.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../core/errors'
import type { NetworkDef } from '../core/network'
import { estimatePassBytes } from '../nn/memory-estimate'
import { backendBudgetBytes } from '../nn/checkpoint-policy'

const WASM_ABORT = /RuntimeError: Aborted|Aborted\(\)|memory access out of bounds|Cannot enlarge memory/i
const JS_OOM = /Array buffer allocation failed|out of memory|\bOOM\b|Cannot allocate|Invalid typed array length/i
/** WebGPU: an allocation the device refused, or a device lost (often after exhausting GPU memory) */
const GPU_OOM = /GPUOutOfMemoryError|GPUDeviceLost|device was lost|Failed to allocate|exceeds the max(imum)? (buffer|storage buffer binding) size/i

let deadSince: string | undefined

/** True for errors that mean the backend ran out of memory (a wasm abort included). */
export function isOutOfMemoryError(e: unknown): boolean {
  if (e instanceof ZsnasError) return e.code === 'OUT_OF_MEMORY'
  const m = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  return WASM_ABORT.test(m) || JS_OOM.test(m) || GPU_OOM.test(m)
}

/** True when the error killed the backend instance (a wasm abort, a lost webgpu device). */
export function isInstanceFatal(e: unknown, backendName: string = tf.getBackend()): boolean {
  const m = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  if (backendName === 'webgpu') return /GPUDeviceLost|device was lost/i.test(m)
  return backendName === 'wasm' && WASM_ABORT.test(m)
}

/** True after a wasm abort in this process. */
export function backendDead(): boolean {
  return deadSince !== undefined
}

/** Throws OUT_OF_MEMORY when an earlier wasm abort left this process's backend unusable. */
export function assertBackendAlive(): void {
  if (deadSince !== undefined) {
    throw new ZsnasError('OUT_OF_MEMORY', `the ${tf.getBackend()} backend of this process died earlier (${deadSince}); it is unusable — start a new process (a worker is replaced automatically)`, { instanceDead: true })
  }
}

export interface OomContext {
  batchSize: number
  /** the network's input resolution (px) and the architecture's own, if it resizes */
  resolution?: number
  def?: NetworkDef
  /** number of backwards of the response pass (default 2: WRCor + JacCor) */
  backwards?: number
}

/** The checkpointed pass's estimated peak, with one sweep per backward where that is lower (as the policy picks). */
function checkpointedEstimate(def: NetworkDef, batchSize: number, backwards: number): number {
  const o = { batchSize, backwards, reluHooks: true, bn: 'train' as const }
  return Math.min(estimatePassBytes(def, o).checkpointedBytes, estimatePassBytes(def, { ...o, separateSweeps: true }).checkpointedBytes)
}

/** Largest batch ≤ `upTo` whose checkpointed pass is estimated to fit the budget (0 if none). */
export function largestFittingBatch(def: NetworkDef, upTo: number, backwards = 2): number {
  const budget = backendBudgetBytes()
  let best = 0
  for (let b = 2; b <= upTo; b *= 2) {
    if (checkpointedEstimate(def, b, backwards) <= budget) best = b
  }
  return best
}

/**
 * Returns `e` unchanged unless it is an out-of-memory error; then a
 * ZsnasError('OUT_OF_MEMORY') naming the batch, resolution and what fits.
 * Marks the process's backend dead after a wasm abort.
 */
export function asOutOfMemory(e: unknown, ctx: OomContext): unknown {
  if (!isOutOfMemoryError(e) || (e instanceof ZsnasError && e.code === 'OUT_OF_MEMORY')) return e
  const backend = tf.getBackend()
  const fatal = isInstanceFatal(e, backend)
  const raw = e instanceof Error ? e.message : String(e)
  if (fatal) deadSince = raw.slice(0, 80)
  const where = `batch ${ctx.batchSize}${ctx.resolution !== undefined ? ` at ${ctx.resolution} px` : ''}`
  const details: Record<string, unknown> = { batchSize: ctx.batchSize, resolution: ctx.resolution, backend, instanceDead: fatal, cause: raw.slice(0, 200) }
  let advice = ''
  if (ctx.def !== undefined) {
    const est = estimatePassBytes(ctx.def, { batchSize: ctx.batchSize, backwards: ctx.backwards ?? 2, reluHooks: true, bn: 'train' })
    const fits = largestFittingBatch(ctx.def, ctx.batchSize, ctx.backwards ?? 2)
    const gb = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GB`
    details.estimatedPlainBytes = est.plainBytes
    const ck = checkpointedEstimate(ctx.def, ctx.batchSize, ctx.backwards ?? 2)
    details.estimatedCheckpointedBytes = ck
    details.budgetBytes = backendBudgetBytes()
    details.largestFittingBatch = fits
    advice = `; the pass needs ≈ ${gb(est.plainBytes)} plain, ≈ ${gb(ck)} checkpointed, budget ${gb(backendBudgetBytes())}` +
      (fits > 0 ? `; batch ${fits} fits with checkpointing (checkpoint=on)` : '; no batch ≥ 2 is estimated to fit: lower the resolution')
  }
  return new ZsnasError(
    'OUT_OF_MEMORY',
    `out of memory on the ${backend} backend scoring ${where}${advice}${fatal ? `; the ${backend} instance is dead and the process must be replaced` : ''}`,
    details,
  )
}

/** Test hook: forget an earlier abort (a fresh process in tests). */
export function resetBackendDeath(): void {
  deadSince = undefined
}
