/**
 * The automatic wasm heap reservation (backend/wasm-heap.ts
 * `reserveWasmHeapForPass`, made by nn/checkpoint-policy.ts `decideCheckpoint`):
 * the heap grows once to the allocated tensor bytes + 1.15 × the pass's
 * estimate; it only grows, can be switched off, and does
 * nothing on cpu.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { reserveWasmHeapForPass, RESERVE_OVER_ESTIMATE } from '../../../src/engine/backend/wasm-heap'
import { decideCheckpoint, ARENA_HEADROOM, WASM_HEAP_MAX } from '../../../src/engine/nn/checkpoint-policy'
import { activeWasmArena, lastWasmArena } from '../../../src/engine/backend/wasm-arena-hook'
import { forwardMultiBackwardCheckpointed } from '../../../src/engine/nn/run-checkpointed'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'
import type { BackwardSpec } from '../../../src/engine/nn/run-multi'
import { Rng } from '../../../src/engine/core/rng'
import { onBackend } from './helpers'
import { MEMORY_NETS, TEST_NETS, batchFor } from './checkpoint-nets'

const heap = (): number => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length

afterEach(() => {
  delete process.env.ZSNAS_WASM_RESERVE
  delete process.env.ZSNAS_WASM_ARENA
  activeWasmArena()?.release()
})

describe('automatic wasm heap reservation', () => {
  it('grows the heap once to allocated + 1.15 × the estimate; only grows; off switch', async () => {
    await onBackend('wasm', () => {
      const want = 200 * 2 ** 20
      const r = reserveWasmHeapForPass(want)
      expect(heap()).toBeGreaterThanOrEqual(tf.memory().numBytes + RESERVE_OVER_ESTIMATE * want)
      expect(r.after).toBe(heap())
      // a smaller pass afterwards: nothing to do
      const again = reserveWasmHeapForPass(want / 2)
      expect(again.skipped).toMatch(/already/)
      expect(heap()).toBe(r.after)
      process.env.ZSNAS_WASM_RESERVE = 'off'
      expect(reserveWasmHeapForPass(want * 2).skipped).toMatch(/off/)
      expect(heap()).toBe(r.after)
      delete process.env.ZSNAS_WASM_RESERVE
      expect(reserveWasmHeapForPass(Number.NaN).skipped).toMatch(/no estimate/)
    })
  })

  it('decideCheckpoint reserves for the chosen pass on wasm, and does nothing on cpu', async () => {
    const def = MEMORY_NETS[2][1]()
    const est = { batchSize: 8, backwards: 2, reluHooks: true, bn: 'train' as const }
    await onBackend('wasm', () => {
      process.env.ZSNAS_WASM_ARENA = 'off'
      const d = decideCheckpoint('on', def, est)
      expect(d.reservation).toBeDefined()
      expect(d.arena).toEqual({ skipped: 'ZSNAS_WASM_ARENA=off' })
      expect(activeWasmArena()).toBeUndefined()
      expect(heap()).toBeGreaterThanOrEqual(RESERVE_OVER_ESTIMATE * d.estimate.checkpointedBytes)
    })
    await onBackend('cpu', () => {
      const d = decideCheckpoint('on', def, est)
      expect(d.reservation?.skipped).toMatch(/no wasm heap/)
    })
  })

  it('a checkpointed wasm pass gets the big-tensor arena instead: one region up to the heap cap, reused by the next pass', async () => {
    const def = MEMORY_NETS[2][1]()
    const est = { batchSize: 8, backwards: 2, reluHooks: true, bn: 'train' as const }
    await onBackend('wasm', () => {
      activeWasmArena()?.release()
      const allocated = tf.memory().numBytes
      const d = decideCheckpoint('on', def, est)
      expect(d.reservation).toBeUndefined()
      const a = d.arena as { capacity: number }
      expect(a.capacity).toBe(Math.floor(WASM_HEAP_MAX - allocated - ARENA_HEADROOM))
      const first = activeWasmArena()
      expect(first?.stats().capacity).toBe(a.capacity)
      expect(heap()).toBeGreaterThanOrEqual(a.capacity)
      // the next checkpointed pass reuses the same region (a second one would not fit beside it); a plain pass with
      // the arena installed reserves nothing (the region is the reservation)
      expect(decideCheckpoint('on', def, { ...est, batchSize: 16 }).arena).toEqual(first!.stats())
      expect(activeWasmArena()).toBe(first)
      expect(decideCheckpoint('off', def, est).reservation).toBeUndefined()
      // without an arena: a plain pass gets the reservation
      activeWasmArena()!.release()
      const p = decideCheckpoint('off', def, est)
      expect(p.arena).toBeUndefined()
      expect(p.reservation).toBeDefined()
      expect(activeWasmArena()).toBeUndefined()
    })
    await onBackend('cpu', () => {
      expect(decideCheckpoint('on', def, est).arena).toEqual({ skipped: 'backend cpu has no wasm heap' })
    })
  })

  it('decideCheckpoint → checkpointed pass: the pass runs in the arena (kept after it), release drains it, same gradients as without it', async () => {
    const def = TEST_NETS[2][1]() // small mbv2
    const batch = batchFor(def, 4, 3)
    const est = { batchSize: 4, backwards: 2, reluHooks: true, bn: 'train' as const }
    await onBackend('wasm', async () => {
      const params = materializeParams(def, 'pytorch', new Rng(1))
      const run = async () => {
        const d = decideCheckpoint('on', def, est)
        const grads: Float32Array[] = []
        const backwards: BackwardSpec[] = [
          { loss: 'ce', hooks: { onReluBackward: (_c, g) => void grads.push(g.dataSync().slice() as Float32Array) } },
          { loss: 'sumLogits', inputGrad: true },
        ]
        const r = await forwardMultiBackwardCheckpointed(def, params, batch, { bn: 'train', backwards, plan: d.estimate.segments, separateSweeps: d.separateSweeps })
        // the arena outlives the pass (what the scoring allocates next, and later passes, reuse the region)
        if (process.env.ZSNAS_WASM_ARENA !== 'off') expect(activeWasmArena()).toBe(lastWasmArena())
        const ig = r.inputGrads[1]!.dataSync().slice()
        for (const t of r.inputGrads) t?.dispose()
        return { d, grads, ig }
      }
      try {
        process.env.ZSNAS_WASM_ARENA = 'off'
        const off = await run()
        expect(off.d.arena).toEqual({ skipped: 'ZSNAS_WASM_ARENA=off' })
        delete process.env.ZSNAS_WASM_ARENA
        const on = await run()
        activeWasmArena()!.release()
        const s = lastWasmArena()!.stats()
        expect(s.allocations).toBeGreaterThan(0)
        expect(lastWasmArena()!.drained).toBe(true) // every block freed: the region went back to the allocator
        expect(on.grads.length).toBe(off.grads.length)
        on.grads.forEach((g, i) => expect(g).toEqual(off.grads[i]))
        expect(on.ig).toEqual(off.ig)
      } finally {
        disposeParams(params)
      }
    })
  })
})
