/**
 * Backend selection: the default order falls through the (unloadable here)
 * tfjs-node variants to wasm and records why they failed; the result is
 * idempotent and logged once; the active tfjs backend really is the chosen
 * one; ZSNAS_BACKEND / `force` select a backend or fail loudly.
 * Each case re-imports the module (vi.resetModules) for fresh selection state.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import type { ZsnasError } from '../../../src/engine/core/errors'

type SelectModule = typeof import('../../../src/engine/backend/select')
async function fresh(): Promise<SelectModule> {
  vi.resetModules()
  return import('../../../src/engine/backend/select')
}

afterEach(() => {
  delete process.env.ZSNAS_BACKEND
})

describe('initBackend', () => {
  it('default: tfjs-node-gpu and tfjs-node fail (no native addon here), wasm is chosen, active and logged once', async () => {
    const m = await fresh()
    expect(m.getBackendInfo()).toBeUndefined()
    const logs: string[] = []
    const info = await m.initBackend({ log: (s) => logs.push(s) })
    expect(info.name).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    expect(info.tried.map((t) => t.name)).toEqual(['tfjs-node-gpu', 'tfjs-node', 'wasm'])
    expect(info.tried[0].error).toMatch(/tfjs_binding|native addon|Cannot find/i)
    expect(info.tried[1].error).toMatch(/tfjs_binding|native addon|Cannot find/i)
    expect(info.tried[2].error).toBeUndefined()
    // idempotent: same object, no second log line
    expect(await m.initBackend({ log: (s) => logs.push(s) })).toBe(info)
    expect(await m.initBackend({ force: 'wasm' })).toBe(info)
    expect(m.getBackendInfo()).toBe(info)
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatch(/tfjs backend: wasm/)
    // switching after initialisation is refused loudly
    await expect(m.initBackend({ force: 'cpu' })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
  })

  it('concurrent first calls share one selection', async () => {
    const m = await fresh()
    const logs: string[] = []
    const [a, b] = await Promise.all([m.initBackend({ log: (s) => logs.push(s) }), m.initBackend({ log: (s) => logs.push(s) })])
    expect(a).toBe(b)
    expect(logs).toHaveLength(1)
  })

  it('ZSNAS_BACKEND=cpu forces the cpu backend; an explicit force wins over the environment', async () => {
    process.env.ZSNAS_BACKEND = 'cpu'
    let m = await fresh()
    const info = await m.initBackend({ log: () => undefined })
    expect(info).toEqual({ name: 'cpu', tried: [{ name: 'cpu' }] })
    expect(tf.getBackend()).toBe('cpu')
    m = await fresh()
    expect((await m.initBackend({ force: 'wasm', log: () => undefined })).name).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
  })

  it("forcing 'tensorflow' fails with BACKEND_UNAVAILABLE listing both tfjs-node variants", async () => {
    const m = await fresh()
    const err = await m.initBackend({ force: 'tensorflow', log: () => undefined }).catch((e: unknown) => e)
    expect((err as Error).name).toBe('ZsnasError')
    expect((err as ZsnasError).code).toBe('BACKEND_UNAVAILABLE')
    expect((err as ZsnasError).message).toMatch(/tfjs-node-gpu.*tfjs-node/)
    expect(m.getBackendInfo()).toBeUndefined()
  })

  it('a backend whose initialisation fails (setBackend silently keeps the old one) is reported, not accepted', async () => {
    const m = await fresh()
    await m.initBackend({ log: () => undefined })
    tf.registerBackend('zsnas-broken-test', () => {
      throw new Error('cannot find tfjs-backend-wasm-simd.wasm')
    })
    // tfjs's setBackend returns false here and even reports the broken name as active afterwards
    await expect(m.activateBackend('zsnas-broken-test')).rejects.toThrow(/setBackend\('zsnas-broken-test'\) returned false/)
    tf.removeBackend('zsnas-broken-test')
    await m.activateBackend('wasm')
    expect(tf.getBackend()).toBe('wasm')
    await expect(m.initBackend({ force: 'webgpu' as 'cpu' })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
  })

  it('an invalid ZSNAS_BACKEND is an INVALID_OPTION naming the variable', async () => {
    process.env.ZSNAS_BACKEND = 'gpu'
    const m = await fresh()
    await expect(m.initBackend()).rejects.toThrow(/ZSNAS_BACKEND='gpu'/)
  })
})
