/**
 * The desktop app's choice of scoring workers (src/backend/scoring-workers.ts): GPU windows on a hardware
 * WebGPU adapter, utility processes (wasm) otherwise, with the reason and the fix for each backend not in use.
 * Probes are recorded page answers (the real one from headless Chromium is in gpu-probe-chromium.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { chooseScoringWorkers, createScoringWorkers, gpuAdapterLabel, pageProbeScript, probeWebgpuInPage, toGpuAdapter, workerPreference, type PageGpuProbe } from '../../src/backend/scoring-workers'
import { BackendsInfoSchema, type BackendsInfo } from '../../src/shared/schemas'
import type { WorkerHost } from '../../src/backend/worker-host'

const gpuHost: WorkerHost = { spawn: () => { throw new Error('gpu') } }
const cpuHost: WorkerHost = { spawn: () => { throw new Error('cpu') } }
const NVIDIA = { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100 80GB HBM3', description: 'NVIDIA: 550.54', isFallbackAdapter: false }
const SWIFTSHADER = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: false }
const at = () => new Date('2026-12-06T03:00:00Z')
const choose = (probe: () => Promise<PageGpuProbe>, preference?: 'auto' | 'wasm' | 'webgpu', timeoutMs?: number) =>
  chooseScoringWorkers({ probe, gpuHost, cpuHost, preference, now: at, ...(timeoutMs ? { timeoutMs } : {}) })
const row = (info: BackendsInfo, b: string) => info.backends.find((r) => r.backend === b)

describe('chooseScoringWorkers', () => {
  it('a hardware adapter → GPU windows, one per device by default; wasm says why it is not used', async () => {
    const c = await choose(async () => ({ hasWebgpu: true, adapter: NVIDIA }))
    expect(c.host).toBe(gpuHost)
    expect(c).toMatchObject({ backend: 'webgpu', workers: 'gpu-window', defaultWorkers: 1 })
    expect(c.info.inUse).toEqual({ backend: 'webgpu', workers: 'gpu-window', adapter: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100 80GB HBM3', description: 'NVIDIA: 550.54', isSoftware: false } })
    expect(row(c.info, 'webgpu')).toMatchObject({ available: true, inUse: true })
    expect(row(c.info, 'wasm')).toMatchObject({ available: true, inUse: false, reason: expect.stringContaining('GPU adapter scores instead') })
    expect(c.info.probedAt).toBe('2026-12-06T03:00:00.000Z')
    expect(() => BackendsInfoSchema.parse(c.info)).not.toThrow()
  })

  it('a software adapter (SwiftShader) → utility processes (wasm), webgpu row names the adapter and the fix', async () => {
    const c = await choose(async () => ({ hasWebgpu: true, adapter: SWIFTSHADER }))
    expect(c.host).toBe(cpuHost)
    expect(c).toMatchObject({ backend: 'wasm', workers: 'utility-process' })
    expect(c.defaultWorkers).toBeUndefined()
    expect(c.info.inUse).toEqual({ backend: 'wasm', workers: 'utility-process' })
    expect(row(c.info, 'webgpu')).toEqual({
      backend: 'webgpu', available: true, inUse: false,
      reason: 'only a software GPU adapter (google swiftshader (SwiftShader driver 5.0.0, software)), refused by the automatic order',
      hint: 'ZSNAS_BACKEND=webgpu uses it (slow: a CPU rasteriser)',
      adapter: { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isSoftware: true },
    })
    expect(row(c.info, 'wasm')).toEqual({ backend: 'wasm', available: true, inUse: true })
    expect(row(c.info, 'tensorflow')).toMatchObject({ available: false, hint: expect.stringContaining('npm run setup:native') })
  })

  it('a fallback adapter is software even with a hardware-sounding name', async () => {
    const c = await choose(async () => ({ hasWebgpu: true, adapter: { ...NVIDIA, isFallbackAdapter: true } }))
    expect(c.backend).toBe('wasm')
  })

  it('no navigator.gpu, no adapter, a rejecting probe and a hanging probe → wasm with the reason', async () => {
    const none = await choose(async () => ({ hasWebgpu: false, adapter: null }))
    expect(row(none.info, 'webgpu')?.reason).toMatch(/exposes no WebGPU/)
    const noAdapter = await choose(async () => ({ hasWebgpu: true, adapter: null }))
    expect(row(noAdapter.info, 'webgpu')).toMatchObject({ available: false, reason: 'no GPU adapter (no Vulkan/Metal/D3D12 driver found)' })
    const rejects = await choose(async () => { throw new Error('render process gone') })
    expect(row(rejects.info, 'webgpu')?.reason).toBe('the WebGPU probe failed: render process gone')
    const hangs = await choose(() => new Promise(() => {}), 'auto', 50)
    expect(hangs.host).toBe(cpuHost)
    expect(row(hangs.info, 'webgpu')?.reason).toBe('the WebGPU probe failed: no answer within 0 s')
  })

  it("preference 'wasm' keeps the CPU on a GPU; 'webgpu' takes a software adapter", async () => {
    const keep = await choose(async () => ({ hasWebgpu: true, adapter: NVIDIA }), 'wasm')
    expect(keep.host).toBe(cpuHost)
    expect(row(keep.info, 'webgpu')).toMatchObject({ available: true, inUse: false, reason: expect.stringContaining('keeps scoring on the CPU') })
    const forced = await choose(async () => ({ hasWebgpu: true, adapter: SWIFTSHADER }), 'webgpu')
    expect(forced.host).toBe(gpuHost)
    expect(forced.info.inUse.adapter?.isSoftware).toBe(true)
  })

  it('workerPreference reads ZSNAS_BACKEND', () => {
    expect([undefined, '', 'wasm', 'CPU', 'webgpu', 'tensorflow'].map(workerPreference)).toEqual(['auto', 'auto', 'wasm', 'wasm', 'webgpu', 'auto'])
  })

  it('adapter label and classification are the engine rule (hand-checked strings)', () => {
    expect(gpuAdapterLabel(toGpuAdapter(SWIFTSHADER))).toBe('google swiftshader (SwiftShader driver 5.0.0, software)')
    expect(gpuAdapterLabel(toGpuAdapter(NVIDIA))).toBe('nvidia hopper (NVIDIA: 550.54)')
    expect(toGpuAdapter({ ...NVIDIA, vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' }).isSoftware).toBe(true)
  })

  it('the page probe is self-contained: its source evaluates without the module (no navigator here → no WebGPU)', async () => {
    // eslint-disable-next-line no-new-func
    const r = await (new Function(`return ${pageProbeScript()}`)() as Promise<PageGpuProbe>)
    expect(r).toEqual({ hasWebgpu: false, adapter: null })
    expect(await probeWebgpuInPage()).toEqual(r)
  })

  it('createScoringWorkers: one probe; ⚙ Compute preference switches the kind for new workers and drops idle ones once', async () => {
    const spawned: string[] = []
    const host = (kind: string): WorkerHost => ({ spawn: () => (spawned.push(kind), { pid: 1, post() {}, onMessage() {}, onExit() {}, kill() {} }) })
    let probes = 0
    const w = await createScoringWorkers({ probe: async () => (probes++, { hasWebgpu: true, adapter: NVIDIA }), gpuHost: host('gpu'), cpuHost: host('cpu'), now: at })
    w.spawn()
    expect(w.info()).toMatchObject({ preference: 'auto', inUse: { backend: 'webgpu', workers: 'gpu-window' } })
    let switches = 0
    w.onSwitch(() => switches++)
    const toWasm = await w.setPreference('wasm')
    expect(toWasm).toMatchObject({ preference: 'wasm', inUse: { backend: 'wasm', workers: 'utility-process' } })
    w.spawn()
    await w.setPreference('wasm') // same kind: nothing to drop
    await w.setPreference('auto')
    w.spawn()
    expect(spawned).toEqual(['gpu', 'cpu', 'gpu'])
    expect(switches).toBe(2)
    expect(probes).toBe(1)
    expect(w.choice().backend).toBe('webgpu')
    expect(() => BackendsInfoSchema.parse(w.info())).not.toThrow()
  })
})
