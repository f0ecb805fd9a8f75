/**
 * Values kept OUTSIDE the backend's tensor memory (issue #18): the
 * checkpointed pass (nn/run-checkpointed.ts) keeps segment-boundary values
 * and carried gradients for a long time — allocated between short-lived
 * maps, they pin the wasm heap's layout and its high-water mark (the heap
 * never shrinks, and holes around a long-lived block are reused only by
 * blocks that fit). With a `HostStore` they live in host `Float32Array`s
 * between their uses and are uploaded again when a segment needs them.
 *
 * Guarantees: `get` returns a tensor with the same dtype, shape and bits as
 * the one `put` took (a float32 copy out and back is exact); `put` takes
 * ownership of the tensor it is given (it is disposed, or kept as is where
 * the store is not offloading: a backend without synchronous reads, e.g.
 * webgpu, or a non-float32 value). Each `get` makes a NEW tensor that the
 * caller owns. `bytes` is what the store holds on the host now.
 */
import * as tf from '@tensorflow/tfjs-core'
import { canReadSync } from '../backend/read'
import { ZsnasError } from '../core/errors'

type Entry = { host: Float32Array; shape: number[] } | { device: tf.Tensor }

/** Whether the checkpointed pass keeps boundary values on the host when not told (nn/run-checkpointed.ts, nn/memory-estimate.ts): on wasm, where reads are synchronous and the heap never shrinks. */
export function offloadsByDefault(): boolean {
  return tf.getBackend() === 'wasm' && canReadSync()
}

export class HostStore {
  private readonly entries = new Map<number, Entry>()
  private hostBytes = 0
  /** offload = false: a plain map of device tensors (same interface) */
  constructor(readonly offload: boolean = canReadSync()) {}

  /** Stores `t` under `id` (replacing and freeing what was there); takes ownership of `t`. */
  put(id: number, t: tf.Tensor): void {
    this.delete(id)
    if (this.offload && t.dtype === 'float32') {
      const data = t.dataSync() as Float32Array
      // a backend may hand out its own storage (cpu); then the array is ours once the tensor is gone
      const host = data.buffer.byteLength === data.byteLength ? data : data.slice()
      this.entries.set(id, { host, shape: t.shape.slice() })
      this.hostBytes += host.byteLength
      t.dispose()
    } else this.entries.set(id, { device: t })
  }

  has(id: number): boolean {
    return this.entries.has(id)
  }

  /** A new tensor holding the value stored under `id` (the caller disposes it). */
  get(id: number): tf.Tensor {
    const e = this.entries.get(id)
    if (e === undefined) throw new ZsnasError('BAD_VALUE', `host store: no value stored under ${id}`)
    return 'device' in e ? tf.clone(e.device) : tf.tensor(e.host, e.shape, 'float32')
  }

  /** `get` then `delete`: the last use of a value. */
  take(id: number): tf.Tensor {
    const t = this.get(id)
    this.delete(id)
    return t
  }

  delete(id: number): void {
    const e = this.entries.get(id)
    if (e === undefined) return
    if ('device' in e) e.device.dispose()
    else this.hostBytes -= e.host.byteLength
    this.entries.delete(id)
  }

  ids(): number[] {
    return [...this.entries.keys()]
  }

  get bytes(): number {
    return this.hostBytes
  }

  clear(): void {
    for (const id of this.ids()) this.delete(id)
  }
}
