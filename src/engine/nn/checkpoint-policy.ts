/**
 * When to checkpoint a pass (nn/run-checkpointed.ts): the option
 * `checkpoint` = 'auto' (default) | 'on' | 'off'.
 *
 * 'auto' checkpoints exactly when the plain pass's estimated peak
 * (nn/memory-estimate.ts) exceeds the backend's budget minus the tensor
 * bytes already allocated (parameters, cached kernels) and the network can
 * be split (it has valid cut points, nn/segments.ts). 'on' always
 * checkpoints (with the estimate's plan); 'off' never does. Checkpointing never changes a
 * score (bit-identical), only memory and time.
 *
 * Budgets: wasm — the heap is capped at 4 GiB per instance (4294901760 B)
 * and the allocator does not return memory, so fragmentation and XNNPACK's
 * own buffers eat into it; the usable share is `WASM_BUDGET_FRACTION` of the
 * cap, calibrated on the Table 11 MobileNetV2 at 224 px (SJW): the plain pass
 * fits at batch 16 (estimate 2.02 GiB) and aborts at 32 (4.05 GiB); the
 * checkpointed pass fits at batch 32 (1.36 GiB, peak RSS 2.73 GB) and aborts
 * at 64 (2.07 GiB with one sweep per backward) — large maps fragment the
 * heap, so the estimate must stay under ≈ 1.9 GB. webgpu — the GPU's memory, not RAM
 * (backend/webgpu-budget.ts: ZSNAS_GPU_MEMORY_MB × 0.75, else the device's maxBufferSize /
 * maxStorageBufferBindingSize). Other backends (cpu, tensorflow) use half the machine's
 * memory. `ZSNAS_MEMORY_BUDGET_MB` overrides the budget; `ZSNAS_CHECKPOINT`
 * (auto|on|off) sets the mode where a request leaves it unset.
 * `decideCheckpoint` also reserves the wasm heap the chosen pass is
 * estimated to need (backend/wasm-heap.ts `reserveWasmHeapForPass`; once,
 * only grows), so a process's first scoring pays no heap growth mid-pass.
 * For a checkpointed pass on wasm it installs the big-tensor arena instead
 * (backend/wasm-arena-hook.ts: one region of `ARENA_OVER_ESTIMATE` × the
 * estimate, bounded by the heap cap less the allocated tensors and
 * `ARENA_HEADROOM` for what the C++ side allocates; every allocation ≥ 64 KiB
 * placed there by coalescing best fit — the emscripten allocator's heap grew
 * to ≈ 2.3 × the live tensors, docs/memory.md). The arena stays installed
 * after the pass — what the scoring allocates next (JacCor's correlation,
 * SynFlow's pass) reuses the region's free space instead of growing the heap
 * past it while a tensor made in the pass still pins the region — and is
 * released by the next decision (installing releases the previous arena).
 * `ZSNAS_WASM_ARENA=off` keeps the plain reservation.
 */
import * as tf from '@tensorflow/tfjs-core'
import { totalmem } from 'node:os'
import type { NetworkDef } from '../core/network'
import { ZsnasError } from '../core/errors'
import { estimatePassBytes, type EstimateOptions, type PassEstimate } from './memory-estimate'
import { reserveWasmHeapForPass, type HeapReservation } from '../backend/wasm-heap'
import { installWasmArena, type ArenaStats } from '../backend/wasm-arena-hook'
import { envVar } from '../core/env'
import { webgpuBudget } from '../backend/webgpu-budget'

export type CheckpointMode = 'auto' | 'on' | 'off'
export const CHECKPOINT_MODES: readonly CheckpointMode[] = ['auto', 'on', 'off']

/** The wasm heap cap of one instance (Emscripten's getHeapMax). */
export const WASM_HEAP_MAX = 4294901760
/** Share of the wasm heap the estimate may fill (see the module comment). */
export const WASM_BUDGET_FRACTION = 0.45

/** Throws INVALID_OPTION unless `m` is a checkpoint mode; undefined means `ZSNAS_CHECKPOINT` if set, else 'auto'. */
export function checkCheckpointMode(m: unknown, where = 'checkpoint'): CheckpointMode {
  if (m === undefined) {
    const env = envVar('ZSNAS_CHECKPOINT')
    return env === undefined || env === '' ? 'auto' : checkCheckpointMode(env, 'ZSNAS_CHECKPOINT')
  }
  if (!CHECKPOINT_MODES.includes(m as CheckpointMode)) {
    throw new ZsnasError('INVALID_OPTION', `${where}='${String(m)}' is unknown; expected one of ${CHECKPOINT_MODES.join(', ')}`)
  }
  return m as CheckpointMode
}

/** Bytes of tensor memory a pass may use on the active backend (before subtracting what is allocated). */
export function backendBudgetBytes(backendName: string = tf.getBackend()): number {
  const env = envVar('ZSNAS_MEMORY_BUDGET_MB')
  if (env !== undefined && env !== '') {
    const mb = Number(env)
    if (!(mb > 0)) throw new ZsnasError('INVALID_OPTION', `ZSNAS_MEMORY_BUDGET_MB='${env}' is not a positive number of megabytes`)
    return mb * 2 ** 20
  }
  if (backendName === 'webgpu') {
    // GPU memory, not RAM: ZSNAS_GPU_MEMORY_MB or the device's buffer limits (backend/webgpu-budget.ts)
    const gpu = webgpuBudget()
    if (gpu !== undefined) return gpu.bytes
  }
  // a browser page (GPU worker window) has no node:os: half of 4 GiB there
  return backendName === 'wasm' ? WASM_HEAP_MAX * WASM_BUDGET_FRACTION : (typeof totalmem === 'function' ? totalmem() : 4 * 2 ** 30) / 2
}

export interface CheckpointDecision {
  checkpoint: boolean
  /** checkpointed with one sweep per backward (chosen when the joint plan exceeds the budget and this lowers it) */
  separateSweeps: boolean
  estimate: PassEstimate
  /** bytes available to the pass */
  budget: number
  /** one line for logs: what was decided and why */
  reason: string
  /** the wasm heap reservation made for this pass (backend/wasm-heap.ts `reserveWasmHeapForPass`) */
  reservation?: HeapReservation
  /** the big-tensor arena installed for this checkpointed wasm pass (its stats at installation), or why not */
  arena?: ArenaStats | { skipped: string }
}

/**
 * Arena capacity over the estimated checkpointed peak: best fit's high-water mark measured 1.28–1.45 × the live
 * peak on real MobileNetV2 passes (docs/memory.md) and the estimate is within 25 % — 2 × covers both. A region's
 * pages cost memory only once touched (its high-water mark), so a generous region is free; a small one sends
 * what it cannot place to emscripten's allocator, which grows the heap past it.
 */
export const ARENA_OVER_ESTIMATE = 2
/** Heap left outside the arena for the C++ side's own buffers (XNNPACK) and small tensors. */
export const ARENA_HEADROOM = 512 * 2 ** 20

/** Installs the big-tensor arena for a checkpointed pass whose estimated heap peak is `peakBytes` (see the module comment). */
function arenaForPass(peakBytes: number): ArenaStats | { skipped: string } {
  if (tf.getBackend() !== 'wasm') return { skipped: `backend ${tf.getBackend()} has no wasm heap` }
  if (envVar('ZSNAS_WASM_ARENA') === 'off') return { skipped: 'ZSNAS_WASM_ARENA=off' }
  const capacity = Math.floor(Math.min(ARENA_OVER_ESTIMATE * peakBytes, WASM_HEAP_MAX - tf.memory().numBytes - ARENA_HEADROOM))
  const a = installWasmArena(capacity)
  return 'skipped' in a ? a : a.stats()
}

const mb = (b: number): string => `${Math.round(b / 2 ** 20)} MB`

/** Decides whether a pass checkpoints (see the module comment). */
export function decideCheckpoint(requested: CheckpointMode | undefined, def: NetworkDef, est: EstimateOptions): CheckpointDecision {
  const mode = checkCheckpointMode(requested)
  let estimate = estimatePassBytes(def, est)
  const budget = backendBudgetBytes() - tf.memory().numBytes
  const splittable = estimate.segments.length > 1
  const checkpoint = mode === 'on' || (mode === 'auto' && splittable && estimate.plainBytes > budget)
  let separateSweeps = false
  if (checkpoint && est.backwards > 1 && estimate.checkpointedBytes > budget) {
    const sep = estimatePassBytes(def, { ...est, separateSweeps: true })
    if (sep.checkpointedBytes < estimate.checkpointedBytes) {
      separateSweeps = true
      estimate = { ...sep, plainBytes: estimate.plainBytes }
    }
  }
  const reason =
    mode !== 'auto'
      ? `checkpoint=${mode}`
      : `plain pass ≈ ${mb(estimate.plainBytes)} ${estimate.plainBytes > budget ? '>' : '≤'} budget ${mb(budget)}` +
        (checkpoint ? ` → checkpointed ≈ ${mb(estimate.checkpointedBytes)}` : splittable ? '' : ' (network cannot be split)')
  // a checkpointed wasm pass: the big-tensor arena; else (or when it cannot be installed) the heap this pass will
  // need, reserved once before it runs (wasm only; only grows)
  const arena = checkpoint ? arenaForPass(estimate.checkpointedBytes) : undefined
  const reservation = arena === undefined || 'skipped' in arena ? reserveWasmHeapForPass(checkpoint ? estimate.checkpointedBytes : estimate.plainBytes) : undefined
  return { checkpoint, separateSweeps, estimate, budget, reason: reason + (separateSweeps ? ', one sweep per backward' : ''), reservation, arena }
}
