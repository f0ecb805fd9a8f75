/**
 * Which scoring workers the desktop app uses — the decision and the pool composition, runtime-neutral (the
 * Electron side, src/main/gpu-workers.ts, only makes the windows and processes and runs the page probe).
 *
 * At start the main process asks one hidden window for Chromium's WebGPU adapter (`probeWebgpuInPage`, run in
 * the page). `chooseScoringWorkers` then decides:
 *  - a hardware adapter → GPU-window workers (tfjs' webgpu backend on Electron's own WebGPU), pool size 1 by
 *    default (one device; more windows would only queue on it);
 *  - no adapter, a software one (SwiftShader, lavapipe, WARP, fallback) or a probe that failed → utility
 *    processes (wasm), with the reason and the fix for webgpu;
 *  - `preference` 'wasm' (or ZSNAS_BACKEND=wasm) keeps utility processes even on a GPU; 'webgpu' takes the GPU
 *    windows even on a software adapter (slow; for tests).
 * Guarantees: never throws (a probe that rejects or hangs past `timeoutMs` is a reason, not an error); the
 * returned host is one of the two given, unchanged (same `WorkerHost` interface, so `WorkerPool` is unchanged).
 */
import type { BackendsInfo, GpuAdapter } from '../shared/schemas'
import type { WorkerHost } from './worker-host'
import { adapterLabel, isSoftwareAdapter } from '../engine/backend/webgpu'

/** What the page probe answers (plain data: it crosses executeJavaScript / page.evaluate). */
export interface PageGpuProbe {
  /** `navigator.gpu` exists (WebGPU enabled, secure context) */
  hasWebgpu: boolean
  adapter: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean } | null
  error?: string
}

/**
 * Runs IN THE PAGE (Electron's hidden window, headless Chromium in tests): asks for a high-performance adapter
 * and returns its identity. Self-contained on purpose (no imports, no helpers): its source is sent as text.
 */
export async function probeWebgpuInPage(): Promise<PageGpuProbe> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(o?: object): Promise<unknown> } } }).navigator?.gpu
  if (!gpu) return { hasWebgpu: false, adapter: null }
  try {
    const a = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as {
      info?: Record<string, unknown>
      isFallbackAdapter?: boolean
    } | null
    if (!a) return { hasWebgpu: true, adapter: null }
    const i = a.info ?? {}
    const s = (v: unknown) => (typeof v === 'string' ? v : '')
    return {
      hasWebgpu: true,
      adapter: {
        vendor: s(i.vendor),
        architecture: s(i.architecture),
        device: s(i.device),
        description: s(i.description),
        isFallbackAdapter: i.isFallbackAdapter === true || a.isFallbackAdapter === true,
      },
    }
  } catch (e) {
    return { hasWebgpu: true, adapter: null, error: e instanceof Error ? e.message : String(e) }
  }
}

/** `probeWebgpuInPage` as an expression for `webContents.executeJavaScript` (evaluates to its promise). */
export function pageProbeScript(): string {
  return `(${probeWebgpuInPage.toString()})()`
}

/** The contract's adapter from a page probe's (software: the engine's rule — a CPU rasteriser's name, or the fallback flag). */
export function toGpuAdapter(a: NonNullable<PageGpuProbe['adapter']>): GpuAdapter {
  return { vendor: a.vendor, architecture: a.architecture, device: a.device, description: a.description, isSoftware: isSoftwareAdapter(a) }
}

/** The engine's one-line label: "nvidia ampere (…)" / "google swiftshader (SwiftShader driver 5.0.0, software)". */
export function gpuAdapterLabel(a: GpuAdapter): string {
  return adapterLabel({ ...a, isFallbackAdapter: false })
}

export type WorkerPreference = 'auto' | 'webgpu' | 'wasm'

export interface ScoringChoice {
  host: WorkerHost
  backend: 'webgpu' | 'wasm'
  workers: 'gpu-window' | 'utility-process'
  /** default pool size for runs that set none (GPU windows: 1), undefined = the app's default (cores − 1) */
  defaultWorkers?: number
  adapter?: GpuAdapter
  /** the rows of `compute.backends` (webgpu and wasm; tensorflow and cpu as the app sees them) */
  info: BackendsInfo
}

export interface ChooseOptions {
  probe: () => Promise<PageGpuProbe>
  gpuHost: WorkerHost
  cpuHost: WorkerHost
  preference?: WorkerPreference
  /** a probe slower than this counts as "no adapter" (default 20 s) */
  timeoutMs?: number
  now?: () => Date
}

const WEBGPU_FLAGS_HINT = 'update the GPU driver (Vulkan on Linux, Metal on macOS, D3D12 on Windows); check chrome://gpu in a Chromium of the same version'

/** Decides GPU windows vs utility processes (see the module comment). Never throws. */
export async function chooseScoringWorkers(o: ChooseOptions): Promise<ScoringChoice> {
  const preference = o.preference ?? 'auto'
  let probe: PageGpuProbe
  try {
    probe = await withTimeout(o.probe(), o.timeoutMs ?? 20_000)
  } catch (e) {
    probe = { hasWebgpu: false, adapter: null, error: e instanceof Error ? e.message : String(e) }
  }
  const adapter = probe.adapter ? toGpuAdapter(probe.adapter) : undefined
  let webgpuWhyNot: { reason: string; hint?: string } | undefined
  if (preference === 'wasm') webgpuWhyNot = { reason: 'the Compute setting (or ZSNAS_BACKEND=wasm) keeps scoring on the CPU', hint: 'choose "auto" in ⚙ Compute' }
  else if (probe.error !== undefined && !adapter) webgpuWhyNot = { reason: `the WebGPU probe failed: ${probe.error}`, hint: WEBGPU_FLAGS_HINT }
  else if (!probe.hasWebgpu) webgpuWhyNot = { reason: "Electron's Chromium exposes no WebGPU here (navigator.gpu missing)", hint: WEBGPU_FLAGS_HINT }
  else if (!adapter) webgpuWhyNot = { reason: 'no GPU adapter (no Vulkan/Metal/D3D12 driver found)', hint: WEBGPU_FLAGS_HINT }
  else if (adapter.isSoftware && preference !== 'webgpu')
    webgpuWhyNot = { reason: `only a software GPU adapter (${gpuAdapterLabel(adapter)}), refused by the automatic order`, hint: 'ZSNAS_BACKEND=webgpu uses it (slow: a CPU rasteriser)' }
  const useGpu = webgpuWhyNot === undefined && adapter !== undefined
  const rows: BackendsInfo['backends'] = [
    {
      backend: 'tensorflow',
      available: false,
      inUse: false,
      reason: 'the native TensorFlow addon is not loaded in the desktop app (Electron ABI)',
      hint: 'npm run setup:native, then score with the zsnas CLI or browser mode (npm run serve)',
    },
    useGpu
      ? { backend: 'webgpu', available: true, inUse: true, adapter }
      : { backend: 'webgpu', available: adapter !== undefined, inUse: false, ...webgpuWhyNot, ...(adapter ? { adapter } : {}) },
    useGpu
      ? { backend: 'wasm', available: true, inUse: false, reason: 'a GPU adapter scores instead (WebGPU windows)', hint: 'choose "wasm" in ⚙ Compute to score on the CPU' }
      : { backend: 'wasm', available: true, inUse: true },
    { backend: 'cpu', available: true, inUse: false, reason: 'fallback only: 15–40× slower than wasm', hint: 'ZSNAS_BACKEND=cpu' },
  ]
  const info: BackendsInfo = {
    inUse: { backend: useGpu ? 'webgpu' : 'wasm', ...(useGpu && adapter ? { adapter } : {}), workers: useGpu ? 'gpu-window' : 'utility-process' },
    backends: rows,
    probedAt: (o.now?.() ?? new Date()).toISOString(),
  }
  return useGpu
    ? { host: o.gpuHost, backend: 'webgpu', workers: 'gpu-window', defaultWorkers: 1, adapter, info }
    : { host: o.cpuHost, backend: 'wasm', workers: 'utility-process', ...(adapter ? { adapter } : {}), info }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms)
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    )
  })
}

/** ZSNAS_BACKEND as the app's worker preference: wasm/cpu keep the CPU processes, webgpu forces GPU windows. */
export function workerPreference(forced: string | undefined): WorkerPreference {
  const f = forced?.trim().toLowerCase()
  if (f === 'wasm' || f === 'cpu') return 'wasm'
  if (f === 'webgpu') return 'webgpu'
  return 'auto'
}

/**
 * The app's scoring workers as ONE `WorkerHost` whose kind can be changed (⚙ Compute, `compute.setBackend`).
 * The page is probed once; a new preference re-decides from that answer. Workers spawned from then on are of
 * the new kind; `onSwitch` listeners run after a change that changes the kind (the backend drops its warm idle
 * workers of the old kind there), so runs started or resumed afterwards score on the new kind.
 */
export interface ScoringWorkers extends WorkerHost {
  /** the current decision (host, backend, adapter, default pool size) */
  choice(): ScoringChoice
  /** `compute.backends`, with the preference */
  info(): BackendsInfo
  setPreference(p: WorkerPreference): Promise<BackendsInfo>
  onSwitch(cb: () => void): void
}

export async function createScoringWorkers(o: ChooseOptions): Promise<ScoringWorkers> {
  let probed: Promise<PageGpuProbe> | null = null
  const probe = () => (probed ??= o.probe())
  let preference: WorkerPreference = o.preference ?? 'auto'
  let current = await chooseScoringWorkers({ ...o, probe, preference })
  const switchCbs: Array<() => void> = []
  return {
    spawn: () => current.host.spawn(),
    choice: () => current,
    info: () => ({ ...current.info, preference }),
    async setPreference(p) {
      const before = current.host
      preference = p
      current = await chooseScoringWorkers({ ...o, probe, preference: p })
      if (current.host !== before) for (const cb of switchCbs) cb()
      return { ...current.info, preference }
    },
    onSwitch: (cb) => void switchCbs.push(cb),
  }
}
