/**
 * Out-of-memory classification: a wasm heap abort becomes OUT_OF_MEMORY
 * naming the batch, the resolution and the largest batch that fits (from
 * the memory estimate), marks the instance dead, and later work is refused
 * with the same code; ordinary errors pass through unchanged.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { asOutOfMemory, assertBackendAlive, backendDead, isOutOfMemoryError, largestFittingBatch, resetBackendDeath } from '../../../src/engine/backend/oom'
import { ZsnasError } from '../../../src/engine/core/errors'
import { estimatePassBytes } from '../../../src/engine/nn/memory-estimate'
import { backend } from '../proxies/tiny-nets'
import { MEMORY_NETS } from '../nn/checkpoint-nets'

beforeAll(async () => {
  await backend('wasm')
})

afterEach(() => {
  resetBackendDeath()
  delete process.env.ZSNAS_MEMORY_BUDGET_MB
})

describe('out-of-memory classification', () => {
  it('recognises wasm aborts and allocation failures, nothing else', () => {
    expect(isOutOfMemoryError(new Error('RuntimeError: Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true)
    expect(isOutOfMemoryError(new RangeError('Array buffer allocation failed'))).toBe(true)
    expect(isOutOfMemoryError(new Error('divide by zero'))).toBe(false)
    const other = new ZsnasError('BAD_SHAPE', 'x')
    expect(asOutOfMemory(other, { batchSize: 4 })).toBe(other)
  })

  it('a wasm abort: OUT_OF_MEMORY with batch, resolution, estimate and the largest fitting batch; the instance is then refused', () => {
    const def = MEMORY_NETS[2][1]()
    // budget between the checkpointed estimates of batch 16 and 32 → 16 fits
    const e16 = estimatePassBytes(def, { batchSize: 16, backwards: 2, reluHooks: true, bn: 'train' }).checkpointedBytes
    const e32 = estimatePassBytes(def, { batchSize: 32, backwards: 2, reluHooks: true, bn: 'train' }).checkpointedBytes
    expect(e32).toBeGreaterThan(e16)
    process.env.ZSNAS_MEMORY_BUDGET_MB = String((e16 + e32) / 2 / 2 ** 20)
    expect(largestFittingBatch(def, 64)).toBe(16)
    const abort = new Error('Aborted()')
    abort.name = 'RuntimeError'
    const err = asOutOfMemory(abort, { batchSize: 64, resolution: 96, def }) as ZsnasError
    expect(err).toBeInstanceOf(ZsnasError)
    expect(err.code).toBe('OUT_OF_MEMORY')
    expect(err.message).toMatch(/batch 64 at 96 px/)
    expect(err.message).toMatch(/batch 16 fits with checkpointing/)
    expect(err.details).toMatchObject({ batchSize: 64, resolution: 96, instanceDead: true, largestFittingBatch: 16 })
    expect(backendDead()).toBe(true)
    expect(() => assertBackendAlive()).toThrow(ZsnasError)
    resetBackendDeath()
    expect(() => assertBackendAlive()).not.toThrow()
  })

  it('nothing fits: the message says to lower the resolution', () => {
    const def = MEMORY_NETS[2][1]()
    process.env.ZSNAS_MEMORY_BUDGET_MB = '0.001'
    const err = asOutOfMemory(new RangeError('Array buffer allocation failed'), { batchSize: 8, def }) as ZsnasError
    expect(err.code).toBe('OUT_OF_MEMORY')
    expect(err.message).toMatch(/lower the resolution/)
  })
})
