/**
 * What SwiftShader (through tfjs-backend-webgpu 4.22 on Dawn) cannot run, and
 * how a too-large tensor fails — asserted, so these tests fail the day the
 * failure mode changes (then the engine's workaround or this note can go):
 *
 * - Pad of a rank-6 tensor: tfjs' generated WGSL holds rank-6 coordinates in
 *   its own struct `vec6` and indexes it like a vector, which WGSL rejects
 *   ("cannot index type 'vec6'"); the pipeline is invalid, so the device
 *   reports a validation error and the result is never written. Not
 *   SwiftShader-specific (it is the shader text), but seen here. The engine's
 *   stride-2 conv input gradient and pool gradients avoid rank-6 tensors
 *   (nn/ops/spread.ts), which ops.test.ts and proxies.test.ts prove.
 * - A buffer above the device's maxBufferSize (1 GiB on SwiftShader): Dawn
 *   refuses it with a validation error ("Buffer size (N) exceeds the max
 *   buffer size limit (M)") without allocating; the engine reports it as a
 *   GPU out-of-memory error (backend/gpu-errors.ts), so `computeProxies`
 *   splits the batch, and the device stays usable.
 * Skipped with the reason when the `webgpu` package, the Vulkan loader or an ICD is absent.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { webgpuSkipReason } from './available'
import { readData } from '../../../src/engine/backend/read'
import { watchDevice } from '../../../src/engine/backend/gpu-errors'
import { isOutOfMemoryError } from '../../../src/engine/backend/oom'
import { isOutOfMemory } from '../../../src/engine/proxies'
import { gpuDeviceLimits } from '../../../src/engine/backend/webgpu-budget'

const skip = webgpuSkipReason()

async function caught(f: () => Promise<unknown>): Promise<Error> {
  try {
    await f()
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a failure, got a result')
}

/** The device still computes 1+1 (summed over 8 elements) after the failure. */
async function deviceUsable(): Promise<void> {
  expect(Array.from(await readData(tf.sum(tf.add(tf.fill([8], 1), 1))))).toEqual([16])
}

describe.skipIf(skip !== undefined)(`kernels SwiftShader/tfjs-webgpu cannot run${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const { initBackend } = await import('../../../src/engine/backend/select')
    await initBackend({ force: 'webgpu', log: () => undefined })
    await tf.setBackend('webgpu')
    watchDevice()
  })

  it("Pad of a rank-6 tensor: the WGSL is rejected (cannot index type 'vec6')", async () => {
    const e = await caught(() => readData(tf.tidy(() => tf.sum(tf.pad(tf.ones([1, 1, 1, 2, 2, 2]), [[0, 0], [0, 0], [0, 0], [1, 1], [0, 0], [0, 0]])))))
    expect(e.message).toMatch(/webgpu device error: .*cannot index type 'vec6'/s)
    expect(isOutOfMemoryError(e)).toBe(false)
    // rank 4 pads fine: the same values through the engine's rank ≤ 4 route
    expect(Array.from(await readData(tf.sum(tf.pad(tf.ones([2, 2, 2, 1]), [[0, 0], [1, 1], [0, 0], [0, 0]]))))).toEqual([8])
    await deviceUsable()
  })

  it('a tensor above maxBufferSize is refused as a GPU out-of-memory error (split-the-batch applies); the device stays usable', async () => {
    const limits = gpuDeviceLimits()
    expect(limits?.maxBufferSize).toBeGreaterThan(0)
    const n = Math.floor((limits?.maxBufferSize ?? 0) / 4) + 64
    const e = await caught(() => readData(tf.tidy(() => tf.sum(tf.fill([n], 1)))))
    expect(e.name).toBe('GPUOutOfMemoryError')
    expect(e.message).toMatch(/^out of memory on the webgpu device: Buffer size \(\d+\) exceeds the max buffer size limit \(\d+\)/)
    expect(isOutOfMemoryError(e)).toBe(true)
    expect(isOutOfMemory(e)).toBe(true) // the rule computeProxies splits on
    await deviceUsable()
  })
})
