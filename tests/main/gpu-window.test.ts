/**
 * The GPU windows' security settings and page (src/main/gpu-window.ts) — pure parts, no Electron binary — and
 * the Node shells' `compute.backends` built from a probe report (src/backend/compute-backends.ts).
 */
import { describe, expect, it } from 'vitest'
import { GPU_PARTITION, GPU_WINDOW_PAGE_HTML, enableWebgpuSwitches, gpuProbeWindowOptions, gpuWorkerPageUrl, gpuWorkerWindowOptions } from '../../src/main/gpu-window'
import { windowOptions } from '../../src/main/window-options'
import { backendsInfoFromReport } from '../../src/backend/compute-backends'
import { statusFromAnswer, type BackendReport } from '../../src/backend/backend-status'
import { BackendsInfoSchema } from '../../src/shared/schemas'

describe('GPU window options', () => {
  it('the probe window: sandboxed, context isolation, no Node anywhere, private partition, hidden', () => {
    const o = gpuProbeWindowOptions()
    expect(o.show).toBe(false)
    expect(o.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webviewTag: false, webSecurity: true, partition: GPU_PARTITION })
    expect(o.webPreferences?.preload).toBeUndefined()
  })
  it('a worker window: sandboxed like every window, context isolation, no Node anywhere, the CommonJS bridge preload', () => {
    const o = gpuWorkerWindowOptions('/app/out/preload/gpu-worker.cjs')
    expect(o.show).toBe(false)
    expect(o.webPreferences).toEqual({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      preload: '/app/out/preload/gpu-worker.cjs',
      partition: GPU_PARTITION,
      backgroundThrottling: false,
    })
    // the same hardening as the app window (one shared set), only partition/throttling/preload added
    const { preload: _p, ...appPrefs } = windowOptions('/x.cjs').webPreferences!
    const { preload: _q, partition: _r, backgroundThrottling: _s, ...gpuPrefs } = o.webPreferences!
    expect(gpuPrefs).toEqual(appPrefs)
  })
  it('the worker page is the app’s own, served by the app protocol (or the dev server), told to score on webgpu', () => {
    expect(gpuWorkerPageUrl('app://zsnas/index.html')).toBe('app://zsnas/gpu-worker.html?backend=webgpu')
    expect(gpuWorkerPageUrl('http://localhost:5173')).toBe('http://localhost:5173/gpu-worker.html?backend=webgpu')
  })
  it("the probe page runs no script and can load nothing (CSP default-src 'none')", () => {
    expect(GPU_WINDOW_PAGE_HTML).toContain(`content="default-src 'none'"`)
    expect(GPU_WINDOW_PAGE_HTML).not.toMatch(/<script/i)
  })
  it('WebGPU switches: Vulkan only on Linux', () => {
    const calls: string[][] = []
    const app = { commandLine: { appendSwitch: (...a: string[]) => void calls.push(a) } } as never
    enableWebgpuSwitches(app, 'linux')
    enableWebgpuSwitches(app, 'darwin')
    expect(calls).toEqual([['enable-unsafe-webgpu'], ['enable-features', 'Vulkan'], ['enable-unsafe-webgpu']])
  })
})

describe('backendsInfoFromReport (browser mode / Node)', () => {
  // answers as the probe children print them on this machine (no native addon; SwiftShader the only adapter)
  const report: BackendReport = {
    selected: 'wasm',
    forcedByEnv: null,
    backends: [
      statusFromAnswer('tensorflow', { backend: 'tensorflow', ok: false, tried: [{ name: 'tfjs-node-gpu', error: "Cannot find package '@tensorflow/tfjs-node-gpu' imported from x" }, { name: 'tfjs-node', error: "Cannot find package '@tensorflow/tfjs-node' imported from x" }] }, 1),
      statusFromAnswer('webgpu', { backend: 'webgpu', ok: true, tried: [{ name: 'webgpu' }], info: { adapter: { vendor: 'google', architecture: 'swiftshader', device: 'd', description: 'SwiftShader driver 5.0.0', isSoftware: true, isFallbackAdapter: true } } }, 1),
      statusFromAnswer('wasm', { backend: 'wasm', ok: true, tried: [{ name: 'wasm' }] }, 1),
      statusFromAnswer('cpu', { backend: 'cpu', ok: true, tried: [{ name: 'cpu' }] }, 1),
    ],
  }
  it('in use, the adapter, and for every other backend why not and the fix', () => {
    const info = backendsInfoFromReport(report, new Date('2026-12-06T03:00:00Z'))
    expect(() => BackendsInfoSchema.parse(info)).not.toThrow()
    expect(info.inUse).toEqual({ backend: 'wasm', workers: 'process' })
    expect(info.backends).toEqual([
      {
        backend: 'tensorflow', available: false, inUse: false,
        reason: 'tfjs-node-gpu: package @tensorflow/tfjs-node-gpu not installed (optional dependency); tfjs-node: package @tensorflow/tfjs-node not installed (optional dependency)',
        hint: 'npm install',
      },
      {
        backend: 'webgpu', available: true, inUse: false, reason: 'available, but the automatic order picks wasm', hint: 'ZSNAS_BACKEND=webgpu',
        adapter: { vendor: 'google', architecture: 'swiftshader', device: 'd', description: 'SwiftShader driver 5.0.0', isSoftware: true },
      },
      { backend: 'wasm', available: true, inUse: true },
      { backend: 'cpu', available: true, inUse: false, reason: 'available, but the automatic order picks wasm', hint: 'ZSNAS_BACKEND=cpu' },
    ])
    expect(info.probedAt).toBe('2026-12-06T03:00:00.000Z')
  })
})
