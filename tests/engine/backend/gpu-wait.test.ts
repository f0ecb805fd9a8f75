import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { GPU_POLL_MS, gpuPumpThrottled, waitForGpu } from '../../../src/engine/backend/gpu-wait'
import { readAll } from '../../../src/engine/backend/read'

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('waitForGpu (Dawn event pump throttling)', () => {
  it('replaces setImmediate by a GPU_POLL_MS timer only while a wait is pending, and passes the value through', async () => {
    const before = globalThis.setImmediate
    const d = deferred<number>()
    const p = waitForGpu(() => d.promise)
    expect(gpuPumpThrottled()).toBe(true)
    expect(globalThis.setImmediate).not.toBe(before)
    // a callback scheduled through the throttled setImmediate still runs, with its arguments, on a timer
    const got = await new Promise<string>((res) => setImmediate((a: unknown) => res(String(a)), 'arg'))
    expect(got).toBe('arg')
    expect(GPU_POLL_MS).toBeGreaterThanOrEqual(1)
    d.resolve(42)
    await expect(p).resolves.toBe(42)
    expect(gpuPumpThrottled()).toBe(false)
    expect(globalThis.setImmediate).toBe(before)
  })

  it('restores setImmediate when the read rejects, and rethrows the same error', async () => {
    const before = globalThis.setImmediate
    const err = new Error('GPUOutOfMemoryError')
    await expect(waitForGpu(() => Promise.reject(err))).rejects.toBe(err)
    expect(globalThis.setImmediate).toBe(before)
    expect(gpuPumpThrottled()).toBe(false)
  })

  it('stays throttled until the LAST of overlapping waits settles', async () => {
    const before = globalThis.setImmediate
    const a = deferred<string>()
    const b = deferred<string>()
    const pa = waitForGpu(() => a.promise)
    const pb = waitForGpu(() => b.promise)
    a.resolve('a')
    await expect(pa).resolves.toBe('a')
    expect(gpuPumpThrottled()).toBe(true)
    expect(globalThis.setImmediate).not.toBe(before)
    b.reject(new Error('b'))
    await expect(pb).rejects.toThrow('b')
    expect(globalThis.setImmediate).toBe(before)
  })

  it('is not used by reads on a synchronous backend (cpu): setImmediate untouched during the read', async () => {
    await tf.setBackend('cpu')
    const before = globalThis.setImmediate
    let during: unknown
    const t = tf.tensor1d([1, 2, 3])
    const orig = t.data.bind(t)
    ;(t as unknown as { data: () => Promise<unknown> }).data = () => ((during = globalThis.setImmediate), orig())
    const [v] = await readAll([t])
    expect(Array.from(v)).toEqual([1, 2, 3])
    expect(during).toBe(before)
    t.dispose()
  })
})
