/**
 * The webgpu device's late errors (issue #17), kept apart from `webgpu.ts`
 * (which loads Dawn through Node modules) so the engine's host reads
 * (`read.ts`) stay runtime-neutral: the renderer build imports them too.
 *
 * Guarantees: WebGPU reports a failed allocation asynchronously (no exception
 * at the call), so `watchDevice()` records the first uncaptured error and the
 * device's loss, and `takeGpuError()` throws it at the next host read, named
 * so that `oom.ts` classifies it (GPUOutOfMemoryError → OUT_OF_MEMORY; a lost
 * device is fatal to the process like a wasm abort). A buffer above the
 * device's maxBufferSize / maxStorageBufferBindingSize counts as out-of-memory
 * too (`BUFFER_LIMIT`). No-op on other backends.
 */
import * as tf from '@tensorflow/tfjs-core'

interface GpuDeviceLike {
  lost?: Promise<{ reason?: string; message?: string }>
  addEventListener?: (type: string, cb: (ev: { error?: { message?: string; constructor?: { name?: string } } }) => void) => void
  onuncapturederror?: unknown
}

/**
 * A buffer or binding larger than the device allows (Dawn: "Buffer size (N)
 * exceeds the max buffer size limit (M)"; a storage binding above
 * maxStorageBufferBindingSize). A validation error by WebGPU's classes, but a
 * tensor that does not fit the device — halving the batch halves it — so it
 * is reported as out-of-memory and the split-the-batch rule applies.
 */
const BUFFER_LIMIT = /exceeds the max(imum)? (buffer size|storage buffer binding size)|(larger than|exceeds) the max(imum)? .*binding size/i

let gpuError: { name: string; message: string } | undefined
let deviceLost: string | undefined
let watched: object | undefined

/**
 * Starts recording the active webgpu backend's uncaptured device errors and
 * device loss (idempotent per device). No-op on other backends.
 */
export function watchDevice(): void {
  if (tf.getBackend() !== 'webgpu') return
  const device = (tf.backend() as unknown as { device?: GpuDeviceLike }).device
  if (device === undefined || device === watched) return
  watched = device
  const onError = (ev: { error?: { message?: string; constructor?: { name?: string } } }): void => {
    if (gpuError !== undefined) return
    const kind = ev.error?.constructor?.name ?? 'GPUError'
    const msg = ev.error?.message ?? ''
    gpuError = { name: kind, message: msg }
  }
  if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onError)
  else device.onuncapturederror = onError
  void device.lost?.then((l) => {
    deviceLost = `${l.reason ?? 'unknown'}: ${l.message ?? ''}`.slice(0, 200)
  })
}

/**
 * Throws (once) the first device error recorded since the last call, or
 * whenever the device was lost. An out-of-memory error reads
 * "GPUOutOfMemoryError: out of memory on the webgpu device: …"; a lost device
 * "GPUDeviceLost: the webgpu device was lost (…)".
 */
export function takeGpuError(): void {
  if (deviceLost !== undefined) {
    const e = new Error(`the webgpu device was lost (${deviceLost})`)
    e.name = 'GPUDeviceLost'
    throw e
  }
  if (gpuError === undefined) return
  const g = gpuError
  gpuError = undefined
  const oom = g.name === 'GPUOutOfMemoryError' || /out of memory|failed to allocate/i.test(g.message) || BUFFER_LIMIT.test(g.message)
  const e = new Error(oom ? `out of memory on the webgpu device: ${g.message}` : `webgpu device error: ${g.message}`)
  e.name = oom ? 'GPUOutOfMemoryError' : g.name
  throw e
}

/** True after the webgpu device was lost in this process (the backend cannot continue). */
export function webgpuDeviceLost(): boolean {
  return deviceLost !== undefined
}

/** Test hook: record a device error as the device's uncaptured-error event would. */
export function recordGpuErrorForTest(name: string, message: string): void {
  gpuError = { name, message }
}
