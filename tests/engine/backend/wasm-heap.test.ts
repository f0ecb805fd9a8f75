/**
 * Wasm heap reservation (engine/backend/wasm-heap.ts): grows the heap once to
 * the requested size, leaves nothing allocated (a tensor made afterwards
 * does not grow the heap again and computes correctly), and is a reported
 * no-op where it cannot or need not act.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { reserveWasmHeap } from '../../../src/engine/backend/wasm-heap'

const heap = (): number => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length

describe('reserveWasmHeap', () => {
  it('grows the wasm heap in one step to the request; later allocations below it do not grow it', async () => {
    await tf.setBackend('wasm')
    const before = heap()
    const want = before + 96 * 2 ** 20
    const r = reserveWasmHeap(want)
    expect(r.skipped).toBeUndefined()
    expect(r.before).toBe(before)
    expect(r.after).toBeGreaterThanOrEqual(want)
    expect(heap()).toBe(r.after)
    // 64 MiB of tensors fit in the reserved (freed) space: no growth, correct values
    const t = tf.fill([16 * 2 ** 20], 0.5)
    expect(heap()).toBe(r.after)
    expect(tf.sum(t).dataSync()[0]).toBe(8 * 2 ** 20)
    t.dispose()
    expect(reserveWasmHeap(want).skipped).toBe('heap already that large')
    expect(reserveWasmHeap(2 ** 33).skipped).toMatch(/exceeds/)
  })

  it('is a no-op on a backend without a wasm heap', async () => {
    await tf.setBackend('cpu')
    expect(reserveWasmHeap(2 ** 30).skipped).toMatch(/backend cpu/)
  })
})
