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
 * (backend/wasm-arena-hook.ts: ONE region per process, as large as the heap
 * cap allows less the allocated tensors and `ARENA_HEADROOM` for what the C++
 * side allocates; every allocation ≥ 64 KiB placed there by coalescing best
 * fit — the emscripten allocator's heap grew to ≈ 2.3 × the live tensors,
 * docs/memory.md). Only touched pages cost memory, so the region's size is
 * free. It stays installed: later passes and what the scoring allocates next
 * (JacCor's correlation, SynFlow's pass) reuse its free space; an installed
 * arena replaces the reservation.
 * `ZSNAS_WASM_ARENA=off` keeps the plain reservation.
 */
import * as tf from '@tensorflow/tfjs-core'
import { totalmem } from 'node:os'
import type { NetworkDef } from '../core/network'
import { ZsnasError } from '../core/errors'
import { estimatePassBytes, type EstimateOptions, type PassEstimate } from './memory-estimate'
import { reserveWasmHeapForPass, type HeapReservation } from '../backend/wasm-heap'
import { activeWasmArena, installWasmArena, type ArenaStats } from '../backend/wasm-arena-hook'
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

/** Heap left outside the arena for the C++ side's own buffers (XNNPACK) and small tensors. */
export const ARENA_HEADROOM = 512 * 2 ** 20

/**
 * The big-tensor arena for a checkpointed wasm pass: ONE region per process, as large as the heap cap allows
 * (less the allocated tensors and `ARENA_HEADROOM`), installed by the first checkpointed pass and reused by every
 * later one. A region's pages cost memory only once touched (its high-water mark), so its size is free; a region
 * sized to one pass (1.2 × then 2 × the estimate) sent what it could not place to emscripten's allocator, and a
 * second region could not be placed while a tensor of the first one pinned it (the second 224 px scoring in a
 * process ran out of memory, docs/memory.md).
 */
function arenaForPass(): ArenaStats | { skipped: string } {
  if (tf.getBackend() !== 'wasm') return { skipped: `backend ${tf.getBackend()} has no wasm heap` }
  if (envVar('ZSNAS_WASM_ARENA') === 'off') return { skipped: 'ZSNAS_WASM_ARENA=off' }
  const cur = activeWasmArena()
  if (cur !== undefined) return cur.stats()
  const a = installWasmArena(Math.floor(WASM_HEAP_MAX - tf.memory().numBytes - ARENA_HEADROOM))
  return 'skipped' in a ? a : a.stats()
}

const mb = (b: number): string => `${Math.round(b / 2 ** 20)} MB`

/** Decides whether a pass checkpoints (see the module comment). */
export function decideCheckpoint(requested: CheckpointMode | undefined, def: NetworkDef, est: EstimateOptions): CheckpointDecision {
  const mode = checkCheckpointMode(requested)
  // checkpoint=on: a plan that really splits the network (where it has a cut), even if one segment estimates lower
  est = { ...est, split: est.split ?? mode === 'on' }
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
  const arena = checkpoint ? arenaForPass() : undefined
  // an installed arena is the reservation (its region holds every big tensor): nothing to fault in
  const reservation = activeWasmArena() === undefined ? reserveWasmHeapForPass(checkpoint ? estimate.checkpointedBytes : estimate.plainBytes) : undefined
  return { checkpoint, separateSweeps, estimate, budget, reason: reason + (separateSweeps ? ', one sweep per backward' : ''), reservation, arena }
}
