/**
 * The memory budget of a pass on the webgpu backend (issue #17): what the
 * checkpoint planner (`nn/checkpoint-policy.ts` → `backendBudgetBytes`) and
 * the out-of-memory advice (`oom.ts`) compare the pass's estimated peak
 * against. It comes from the GPU, never from the host's RAM.
 *
 * Rule (first that applies):
 * 1. `ZSNAS_GPU_MEMORY_MB` (the device's memory in MiB, for when the adapter
 *    does not tell — WebGPU exposes no memory size): `GPU_BUDGET_FRACTION` of
 *    it. The rest is left to tfjs-webgpu's buffer pool (freed buffers are kept
 *    for reuse, so the device holds more than the live tensors), the
 *    shaders' uniform/staging buffers and other processes on the device.
 * 2. Otherwise the device's own limit: the largest of `maxBufferSize` and
 *    `maxStorageBufferBindingSize` of the device tfjs opened (tfjs requests the
 *    adapter's limits). A device that lets one buffer be that large has at
 *    least that much memory, so this is a lower bound of the real memory: the
 *    planner may checkpoint where it did not need to (slower, same scores —
 *    checkpointing is bit-identical), never the other way round.
 * 3. No webgpu device active: `undefined` (the caller uses its own rule).
 *
 * Guarantees: a `ZSNAS_GPU_MEMORY_MB` that is not a positive number throws
 * `ZsnasError('INVALID_OPTION')` naming the variable and its value. Runtime-
 * neutral (no Node modules): reads the environment through `globalThis`.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../core/errors'
import { envVar } from '../core/env'

/** Share of the device memory (ZSNAS_GPU_MEMORY_MB) a pass's estimate may fill; not calibrated on a GPU yet. */
export const GPU_BUDGET_FRACTION = 0.75

/** The limits of the active webgpu device that bound a pass's memory (bytes). */
export interface GpuDeviceLimits {
  maxBufferSize: number
  maxStorageBufferBindingSize: number
}

interface DeviceLike {
  limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number }
}

/** The webgpu device's buffer limits, or undefined when no tfjs webgpu backend is initialised in this process. */
export function gpuDeviceLimits(): GpuDeviceLimits | undefined {
  // only an already initialised backend (findBackend would initialise one)
  const backend = (tf.engine().registry as Record<string, unknown>).webgpu as { device?: DeviceLike } | undefined
  const device = backend?.device
  const l = device?.limits
  if (l === undefined) return undefined
  return { maxBufferSize: Number(l.maxBufferSize ?? 0), maxStorageBufferBindingSize: Number(l.maxStorageBufferBindingSize ?? 0) }
}

/** The device memory named by ZSNAS_GPU_MEMORY_MB (bytes), or undefined when unset. Throws INVALID_OPTION on a bad value. */
export function gpuMemoryOverrideBytes(): number | undefined {
  const raw = envVar('ZSNAS_GPU_MEMORY_MB')
  if (raw === undefined || raw.trim() === '') return undefined
  const mb = Number(raw)
  if (!(Number.isFinite(mb) && mb > 0)) {
    throw new ZsnasError('INVALID_OPTION', `ZSNAS_GPU_MEMORY_MB='${raw}' is not a positive number of MiB (the webgpu device's memory, e.g. 81920 for an 80 GB GPU)`)
  }
  return mb * 2 ** 20
}

export interface GpuBudget {
  bytes: number
  /** where the number came from, for logs and OOM messages */
  source: 'ZSNAS_GPU_MEMORY_MB' | 'maxBufferSize' | 'maxStorageBufferBindingSize'
}

/** The webgpu pass budget by the module's rule; undefined when no webgpu device is active. */
export function webgpuBudget(): GpuBudget | undefined {
  const limits = gpuDeviceLimits()
  if (limits === undefined) return undefined
  const override = gpuMemoryOverrideBytes()
  if (override !== undefined) return { bytes: override * GPU_BUDGET_FRACTION, source: 'ZSNAS_GPU_MEMORY_MB' }
  return limits.maxBufferSize >= limits.maxStorageBufferBindingSize
    ? { bytes: limits.maxBufferSize, source: 'maxBufferSize' }
    : { bytes: limits.maxStorageBufferBindingSize, source: 'maxStorageBufferBindingSize' }
}
