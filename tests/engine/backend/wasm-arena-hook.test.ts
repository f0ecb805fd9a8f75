/**
 * The big-tensor arena on the real wasm backend (backend/wasm-arena-hook.ts):
 * a checkpointed MobileNetV2 pass whose tensors live in the arena gives
 * bit-identical gradients; tensors really are placed inside the region;
 * what the region cannot place falls back to the original allocator with
 * the same values; release restores the original malloc at once and the
 * original free once the last block in the region is gone.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { installWasmArena, activeWasmArena, type WasmArena } from '../../../src/engine/backend/wasm-arena-hook'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'
import { forwardMultiBackwardCheckpointed } from '../../../src/engine/nn/run-checkpointed'
import type { BackwardSpec } from '../../../src/engine/nn/run-multi'
import { Rng } from '../../../src/engine/core/rng'
import { onBackend } from '../nn/helpers'
import { MEMORY_NETS, batchFor } from '../nn/checkpoint-nets'

type Wasm = { _malloc(n: number): number; _free(p: number): void }
const wasmModule = (): Wasm => (tf.backend() as unknown as { wasm: Wasm }).wasm
const offsetOf = (t: tf.Tensor): number => (tf.backend() as unknown as { getMemoryOffset(id: object): number }).getMemoryOffset(t.dataId)

async function pass(arena: () => WasmArena | undefined) {
  const [, build, n] = MEMORY_NETS[2] // mbv2: every op kind of the space
  const def = build()
  const batch = batchFor(def, n, 5)
  const params = materializeParams(def, 'pytorch', new Rng(2))
  const grads: Float32Array[] = []
  const backwards: BackwardSpec[] = [
    { loss: 'ce', hooks: { onReluBackward: (_c, g) => void grads.push(g.dataSync().slice() as Float32Array) } },
    { loss: 'sumLogits', inputGrad: true },
  ]
  const a = arena()
  try {
    const res = await forwardMultiBackwardCheckpointed(def, params, batch, { bn: 'train', backwards, separateSweeps: true })
    const inputGrad = res.inputGrads[1]!
    a?.release()
    // the input gradient outlives the arena's release: still readable, the region not freed yet
    const drainedBefore = a?.drained
    const ig = inputGrad.dataSync().slice() as Float32Array
    for (const t of res.inputGrads) t?.dispose()
    return { grads, ig, drainedBefore, inRegion: a !== undefined }
  } finally {
    a?.release()
    disposeParams(params)
  }
}

describe('wasm big-tensor arena', () => {
  it('a checkpointed MobileNetV2 pass in the arena is bit-identical; release restores malloc/free once drained', async () => {
    await onBackend('wasm', async () => {
      const plain = await pass(() => undefined)
      const w = wasmModule()
      w._free(w._malloc(8)) // resolve Emscripten's lazy stubs, as the arena does
      const malloc0 = w._malloc
      const free0 = w._free
      let arena: WasmArena | undefined
      const inArena = await pass(() => {
        const a = installWasmArena(64 * 2 ** 20, { minBytes: 4096 })
        if ('skipped' in a) throw new Error(a.skipped)
        arena = a
        // a tensor ≥ 4 KiB lands inside the region, a small one outside
        const big = tf.zeros([2048])
        const small = tf.zeros([4])
        const o = offsetOf(big)
        expect(a.stats().allocations).toBe(1)
        expect(a.stats().liveBytes).toBe(8192)
        expect(offsetOf(small)).not.toBe(o)
        tf.dispose([big, small])
        expect(a.stats().liveBytes).toBe(0)
        expect(activeWasmArena()).toBe(a)
        return a
      })
      expect(inArena.grads.length).toBe(plain.grads.length)
      inArena.grads.forEach((g, i) => expect(g).toEqual(plain.grads[i]))
      expect(inArena.ig).toEqual(plain.ig)
      const s = arena!.stats()
      expect(s.allocations).toBeGreaterThan(100)
      expect(s.fallbacks).toBe(0)
      expect(s.highWater).toBeLessThanOrEqual(s.capacity)
      // the input gradient lived in the region past release: free was restored only after it was disposed
      expect(inArena.drainedBefore).toBe(false)
      expect(arena!.drained).toBe(true)
      expect(activeWasmArena()).toBeUndefined()
      expect(w._malloc).toBe(malloc0)
      expect(w._free).toBe(free0)
      console.log(`arena: ${s.allocations} allocations, high-water ${(s.highWater / 2 ** 20).toFixed(1)} MiB of ${s.capacity / 2 ** 20} MiB`)
    })
  }, 120_000)

  it('a region too small: big allocations fall back to the original allocator, same values', async () => {
    await onBackend('wasm', async () => {
      const plain = await pass(() => undefined)
      let arena: WasmArena | undefined
      const small = await pass(() => {
        const a = installWasmArena(256 * 2 ** 10, { minBytes: 4096 })
        if ('skipped' in a) throw new Error(a.skipped)
        return (arena = a)
      })
      small.grads.forEach((g, i) => expect(g).toEqual(plain.grads[i]))
      expect(small.ig).toEqual(plain.ig)
      expect(arena!.stats().fallbacks).toBeGreaterThan(0)
      expect(arena!.stats().allocations).toBeGreaterThan(0)
      expect(arena!.drained).toBe(true)
    })
  }, 120_000)

  it('is a reported no-op without a wasm heap, and refuses a nonsense capacity', async () => {
    await onBackend('cpu', () => {
      expect(installWasmArena(2 ** 20)).toEqual({ skipped: 'backend cpu has no wasm heap' })
    })
    await onBackend('wasm', () => {
      expect(installWasmArena(Number.NaN)).toEqual({ skipped: 'capacity NaN B is not a usable size' })
    })
  })
})
