/**
 * Backend selection: the default order falls through the (unloadable here)
 * tfjs-node variants to wasm and records why they failed; the result is
 * idempotent and logged once; the active tfjs backend really is the chosen
 * one; ZSNAS_BACKEND / `force` select a backend or fail loudly.
 * Each case re-imports the module (vi.resetModules) for fresh selection state.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
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
  it('default: tfjs-node-gpu and tfjs-node fail (no native addon here), webgpu has no hardware adapter here, wasm is chosen, active and logged once', async () => {
    const m = await fresh()
    expect(m.getBackendInfo()).toBeUndefined()
    const logs: string[] = []
    const info = await m.initBackend({ log: (s) => logs.push(s) })
    expect(info.name).toBe('wasm')
    expect(info.adapter).toBeUndefined()
    expect(tf.getBackend()).toBe('wasm')
    expect(info.tried.map((t) => t.name)).toEqual(['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm'])
    expect(info.tried[0].error).toMatch(/tfjs_binding|native addon|Cannot find/i)
    expect(info.tried[1].error).toMatch(/tfjs_binding|native addon|Cannot find/i)
    // this machine (and CI) has no GPU: at most the SwiftShader ICD, which is refused unless webgpu is forced
    expect(info.tried[2].error).toMatch(/software|no Vulkan driver|no adapter|Cannot find/i)
    expect(info.tried[3].error).toBeUndefined()
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
    await expect(m.initBackend({ force: 'webgpu' })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
  })

  it('an invalid ZSNAS_BACKEND is an INVALID_OPTION naming the variable', async () => {
    process.env.ZSNAS_BACKEND = 'gpu'
    const m = await fresh()
    await expect(m.initBackend()).rejects.toThrow(/ZSNAS_BACKEND='gpu'.*tensorflow, webgpu, wasm, cpu/)
  })
})

/** Runs the fixture in a fresh Node process (tsx loader) and parses its JSON line. */
function inChild(opts: object, env: Record<string, string> = {}): Record<string, unknown> {
  const here = dirname(fileURLToPath(import.meta.url))
  const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(here, 'fixtures/init-child.ts'), JSON.stringify(opts)], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>
}

describe('initBackend in a fresh process (bundled-app situation)', () => {
  const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))

  it('wasm with an explicit wasmDir holding the .wasm files is chosen and active', () => {
    const r = inChild({ wasmDir: wasmDist })
    expect(r.active).toBe('wasm')
    expect((r.info as { name: string }).name).toBe('wasm')
  })

  it('wasm whose .wasm files are missing is recorded as failed and the cpu fallback is explicit, never silent', () => {
    const r = inChild({ wasmDir: '/nonexistent-zsnas-wasm-dir/' })
    const info = r.info as { name: string; tried: { name: string; error?: string }[] }
    expect(r.active).toBe('cpu')
    expect(info.name).toBe('cpu')
    const wasm = info.tried.find((t) => t.name === 'wasm')!
    expect(wasm.error).toMatch(/setBackend\('wasm'\)/)
  })

  it('forcing wasm with missing .wasm files fails with BACKEND_UNAVAILABLE', () => {
    const r = inChild({ wasmDir: '/nonexistent-zsnas-wasm-dir/' }, { ZSNAS_BACKEND: 'wasm' })
    expect(r.error).toMatchObject({ name: 'ZsnasError', code: 'BACKEND_UNAVAILABLE' })
  })
})
