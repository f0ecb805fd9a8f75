/**
 * GPU memory on the webgpu backend (SwiftShader adapter):
 * - the checkpoint planner's budget comes from the GPU — ZSNAS_GPU_MEMORY_MB
 *   (× GPU_BUDGET_FRACTION) when set, else the device's maxBufferSize /
 *   maxStorageBufferBindingSize as the adapter reports them — never from RAM;
 * - a forced small budget makes the planner checkpoint on webgpu, and the
 *   checkpointed pass gives the plain pass's scores;
 * - a GPU out-of-memory error goes through the split-the-batch rule of
 *   `computeProxies` (the score is the product of the half-batch scores, as
 *   the reference does), and a device error that is not OOM is not split.
 * Skipped with the reason when the `webgpu` package, the Vulkan loader or an ICD is absent.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { totalmem } from 'node:os'
import { webgpuSkipReason } from './available'
import { expectAgree, scoreOn, smallNetwork } from './fixtures'
import { backendBudgetBytes, decideCheckpoint } from '../../../src/engine/nn/checkpoint-policy'
import { GPU_BUDGET_FRACTION, gpuDeviceLimits, webgpuBudget } from '../../../src/engine/backend/webgpu-budget'
import { recordGpuErrorForTest, takeGpuError } from '../../../src/engine/backend/gpu-errors'
import { ZsnasError } from '../../../src/engine/core/errors'

const skip = webgpuSkipReason()
const CELL = '|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|'
const EST = { batchSize: 4, backwards: 2, reluHooks: true, bn: 'train' as const }

/** The adapter's own limits, asked of navigator.gpu independently of tfjs' device. */
async function adapterLimits(): Promise<{ maxBufferSize: number; maxStorageBufferBindingSize: number }> {
  const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(o?: object): Promise<{ limits: Record<string, number> }> } } }).navigator.gpu
  const a = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  return { maxBufferSize: Number(a.limits.maxBufferSize), maxStorageBufferBindingSize: Number(a.limits.maxStorageBufferBindingSize) }
}

function withEnv(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
}

describe.skipIf(skip !== undefined)(`GPU memory budget on webgpu (SwiftShader)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const { initBackend } = await import('../../../src/engine/backend/select')
    await initBackend({ force: 'webgpu', log: () => undefined })
  })
  afterEach(() => withEnv({ ZSNAS_GPU_MEMORY_MB: undefined, ZSNAS_MEMORY_BUDGET_MB: undefined }))

  it('without ZSNAS_GPU_MEMORY_MB the budget is the device buffer limit the adapter reports, not RAM', async () => {
    withEnv({ ZSNAS_GPU_MEMORY_MB: undefined, ZSNAS_MEMORY_BUDGET_MB: undefined })
    await tf.setBackend('webgpu')
    const a = await adapterLimits()
    const want = Math.max(a.maxBufferSize, a.maxStorageBufferBindingSize)
    expect(want).toBeGreaterThan(0)
    expect(gpuDeviceLimits()).toEqual(a) // tfjs requests the adapter's limits for its device
    expect(backendBudgetBytes('webgpu')).toBe(want)
    expect(backendBudgetBytes('webgpu')).not.toBe(totalmem() / 2)
    expect(webgpuBudget()?.source).toBe(a.maxBufferSize >= a.maxStorageBufferBindingSize ? 'maxBufferSize' : 'maxStorageBufferBindingSize')
  })

  it('ZSNAS_GPU_MEMORY_MB sets the device memory: the budget is its stated share; a bad value is INVALID_OPTION naming it', async () => {
    await tf.setBackend('webgpu')
    withEnv({ ZSNAS_GPU_MEMORY_MB: '81920' })
    expect(backendBudgetBytes('webgpu')).toBe(81920 * 2 ** 20 * 0.75)
    expect(GPU_BUDGET_FRACTION).toBe(0.75)
    withEnv({ ZSNAS_GPU_MEMORY_MB: 'lots' })
    let err: unknown
    try {
      backendBudgetBytes('webgpu')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ZsnasError)
    expect((err as ZsnasError).code).toBe('INVALID_OPTION')
    expect((err as ZsnasError).message).toMatch(/ZSNAS_GPU_MEMORY_MB='lots'.*positive number of MiB/)
    // the budget override still wins over the device memory
    withEnv({ ZSNAS_GPU_MEMORY_MB: '81920', ZSNAS_MEMORY_BUDGET_MB: '100' })
    expect(backendBudgetBytes('webgpu')).toBe(100 * 2 ** 20)
  })

  it('a forced small GPU memory makes the planner checkpoint on webgpu, with the same scores as the plain pass', async () => {
    const def = smallNetwork('nb201', CELL)
    await tf.setBackend('webgpu')
    withEnv({ ZSNAS_GPU_MEMORY_MB: '81920' })
    const roomy = decideCheckpoint('auto', def, EST)
    expect(roomy.checkpoint, roomy.reason).toBe(false)
    const plain = await scoreOn('webgpu', 'nb201', def, ['wrcor', 'jaccor'])

    // the plain pass's estimate is ≈ 75 kB here (fixtures' TEST_WIDTH network): 0.05 MiB of device memory
    // (0.0375 MiB ≈ 39 kB budget) is below it
    withEnv({ ZSNAS_GPU_MEMORY_MB: '0.05' })
    const tight = decideCheckpoint('auto', def, EST)
    expect(tight.estimate.plainBytes).toBeGreaterThan(tight.budget)
    expect(tight.checkpoint, tight.reason).toBe(true)
    const ck = await scoreOn('webgpu', 'nb201', def, ['wrcor', 'jaccor'])
    // checkpointing recomputes the same kernels on the same inputs: the same values
    for (const id of ['wrcor', 'jaccor']) expectAgree(id, ck.scores[id], plain.scores[id], { rel: 1e-6, abs: 0 }, ' (checkpointed vs plain)')
    expect(ck.responseChunks).toBe(1)
  }, 300_000)

  it('a GPU out-of-memory error splits the batch: the score is the product of the half-batch scores', async () => {
    const def = smallNetwork('nb201', CELL)
    await tf.setBackend('webgpu')
    const halves = [await scoreOn('webgpu', 'nb201', def, ['wrcor'], { slice: [0, 2] }), await scoreOn('webgpu', 'nb201', def, ['wrcor'], { slice: [2, 4] })]
    // what the device's uncaptured-error event records when an allocation is refused
    recordGpuErrorForTest('GPUOutOfMemoryError', 'Out of memory allocating buffer')
    const split = await scoreOn('webgpu', 'nb201', def, ['wrcor'])
    expect(split.responseChunks).toBe(2)
    expectAgree('wrcor', split.scores.wrcor, halves[0].scores.wrcor * halves[1].scores.wrcor, { rel: 1e-12, abs: 0 }, ' (split vs product of halves)')
  }, 300_000)

  it('a device error that is not out-of-memory is thrown as is, not split', async () => {
    const def = smallNetwork('nb201', CELL)
    await tf.setBackend('webgpu')
    recordGpuErrorForTest('GPUValidationError', 'Binding size is zero')
    await expect(scoreOn('webgpu', 'nb201', def, ['wrcor'])).rejects.toThrow(/webgpu device error: Binding size is zero/)
    expect(() => takeGpuError()).not.toThrow()
  }, 300_000)
})
