/**
 * Host reads of engine tensors (issue #17).
 *
 * WebGPU in Node has no synchronous read path (tfjs' `readSync` needs
 * `OffscreenCanvas`), and a GPU wants few round trips, so the engine reads
 * tensors in two ways only:
 *
 * - `readData` / `readScalar` / `readAll`: `await t.data()` (all of a pass's
 *   tensors at once with `readAll`), then `takeGpuError()` — a device error
 *   recorded while the work ran (an allocation WebGPU refused) surfaces here as
 *   a thrown "GPUOutOfMemoryError", which `oom.ts` classifies.
 * - `HostReads` for values needed by synchronous code inside a pass (hooks
 *   that fold each ReLU response into an N×N matrix): `defer(tensors, fn)`
 *   runs `fn(values)` AT ONCE on backends that can read synchronously
 *   (wasm, cpu, tensorflow — same values as `await t.data()`; the tensors can
 *   be freed right away, which keeps the checkpointed pass's memory bound),
 *   and on webgpu keeps the tensors and runs every `fn` in call order at
 *   `await flush()` after the pass, from ONE batched read. Either way each
 *   `fn` sees the same values in the same order, so results do not depend on
 *   when the read happened. `defer` takes ownership of the tensors (disposed
 *   after `fn`); `dispose()` frees what an aborted pass left.
 *
 * Values are the backend's own arrays (copy before mutating or keeping
 * beyond the tensor's life — as with `dataSync`).
 */
import * as tf from '@tensorflow/tfjs-core'
import { takeGpuError } from './gpu-errors'
import { waitForGpu } from './gpu-wait'
import { ZsnasError } from '../core/errors'

export type HostArray = Float32Array | Int32Array | Uint8Array

/** True when the active backend can read a tensor synchronously (every backend but webgpu). */
export function canReadSync(): boolean {
  return tf.getBackend() !== 'webgpu'
}

/**
 * The first value of `t`, read synchronously. Only for code whose control
 * flow needs a value in the middle of a pass on a backend where
 * `canReadSync()` (SynFlow's rescaling); throws INTERNAL on webgpu, where such
 * code replays the pass instead (proxies/synflow-score.ts).
 */
export function readScalarSync(t: tf.Tensor): number {
  if (!canReadSync()) throw new ZsnasError('INTERNAL', `synchronous read on the ${tf.getBackend()} backend (it has none)`)
  return t.dataSync()[0]
}

/** A read on webgpu waits with Dawn's event pump throttled (gpu-wait.ts); other backends read as they are. */
function onDevice<T>(read: () => Promise<T>): Promise<T> {
  return tf.getBackend() === 'webgpu' ? waitForGpu(read) : read()
}

/** `await t.data()`, then any device error recorded meanwhile is thrown. */
export async function readData<A extends HostArray = Float32Array>(t: tf.Tensor): Promise<A> {
  const v = (await onDevice(() => t.data())) as A
  takeGpuError()
  return v
}

/** The first value of `t` (a scalar's value). */
export async function readScalar(t: tf.Tensor): Promise<number> {
  return (await readData(t))[0]
}

/** All tensors' values, read together (one wait for the device). */
export async function readAll<A extends HostArray = Float32Array>(ts: readonly tf.Tensor[]): Promise<A[]> {
  const vs = (await onDevice(() => Promise.all(ts.map((t) => t.data())))) as A[]
  takeGpuError()
  return vs
}

/** Reads `ts`, disposes them, returns their values. */
export async function readAndDispose<A extends HostArray = Float32Array>(ts: readonly tf.Tensor[]): Promise<A[]> {
  try {
    return await readAll<A>(ts)
  } finally {
    for (const t of ts) t.dispose()
  }
}

/** Deferred host work of one pass (see the module comment). */
export class HostReads {
  private readonly sync = canReadSync()
  private queue: { ts: tf.Tensor[]; fn: (values: HostArray[]) => void }[] = []

  /** Runs `fn` with the tensors' values now (synchronous backends) or at `flush()` (webgpu); owns and disposes `ts`. */
  defer(ts: tf.Tensor[], fn: (values: HostArray[]) => void): void {
    if (this.sync) {
      try {
        fn(ts.map((t) => t.dataSync() as HostArray))
      } finally {
        for (const t of ts) t.dispose()
      }
      return
    }
    for (const t of ts) tf.keep(t)
    this.queue.push({ ts, fn })
  }

  /** Reads every deferred tensor at once and runs the deferred work in call order. */
  async flush(): Promise<void> {
    const q = this.queue
    this.queue = []
    if (q.length === 0) return
    try {
      const values = await readAll<HostArray>(q.flatMap((e) => e.ts))
      let i = 0
      for (const e of q) {
        const vs = values.slice(i, i + e.ts.length)
        i += e.ts.length
        e.fn(vs)
      }
    } finally {
      for (const e of q) for (const t of e.ts) t.dispose()
    }
  }

  /** Frees the tensors of work that will not run (an aborted pass). */
  dispose(): void {
    for (const e of this.queue) for (const t of e.ts) t.dispose()
    this.queue = []
  }
}
