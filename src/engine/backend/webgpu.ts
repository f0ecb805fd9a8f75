/**
 * The WebGPU candidate of backend selection (issue #17).
 *
 * In Node the WebGPU implementation is Dawn from the optional `webgpu` npm
 * package (prebuilt `dawn.node`); its globals (`GPUBufferUsage`, …) and
 * `navigator.gpu` are installed on `globalThis` BEFORE
 * `@tensorflow/tfjs-backend-webgpu` is imported (the backend reads them at
 * import and at registration). Where a `navigator.gpu` already exists (a
 * browser window, Electron's renderer), that one is used and Dawn is not loaded.
 *
 * Guarantees:
 * - `loadWebgpu({ allowSoftware: false })` (the unforced order) rejects unless
 *   the adapter is a hardware one: a software rasteriser (SwiftShader,
 *   lavapipe/llvmpipe, WARP, or any adapter reporting `isFallbackAdapter`) is
 *   refused with the reason, and on Linux when every Vulkan driver manifest
 *   found names a software driver Dawn is not even loaded (no native warnings
 *   on CPU-only machines).
 * - `loadWebgpu({ allowSoftware: true })` (ZSNAS_BACKEND=webgpu) accepts any adapter.
 * - On success the tfjs 'webgpu' backend is registered (not yet activated:
 *   select.ts activates and asserts it) and the adapter's identity is returned.
 * - `watchDevice()` records the device's uncaptured errors and its loss:
 *   WebGPU reports a failed allocation asynchronously (no exception at the
 *   call), so `takeGpuError()` turns the first recorded one into a thrown
 *   Error that `oom.ts` classifies ("GPUOutOfMemoryError: … out of memory";
 *   a lost device is fatal to the process like a wasm abort). The engine's
 *   host reads (`backend/read.ts`) call it after every read.
 */
import * as tf from '@tensorflow/tfjs-core'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
export { takeGpuError, watchDevice, webgpuDeviceLost, recordGpuErrorForTest } from './gpu-errors'

/** What the engine reports about the WebGPU adapter it runs on. */
export interface AdapterInfo {
  /** e.g. 'nvidia', 'amd', 'intel', 'apple', 'google' (SwiftShader) */
  vendor: string
  /** e.g. 'ampere', 'rdna-3', 'swiftshader' */
  architecture: string
  /** device string as the driver names it (may be empty) */
  device: string
  /** driver description, e.g. 'SwiftShader driver 5.0.0' */
  description: string
  /** true for a CPU rasteriser (SwiftShader, lavapipe, WARP) or a fallback adapter */
  isSoftware: boolean
  /** the adapter's own `isFallbackAdapter` flag */
  isFallbackAdapter: boolean
}

/** Minimal structural views of the WebGPU objects used here (no DOM lib in the engine program). */
interface GpuAdapterLike {
  info?: Record<string, unknown>
  isFallbackAdapter?: boolean
  requestAdapterInfo?: () => Promise<Record<string, unknown>>
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null>
}

const SOFTWARE = /swiftshader|lavapipe|llvmpipe|\blvp\b|softpipe|microsoft basic render|\bwarp\b/i

/** True when the adapter is a software rasteriser (or says it is a fallback adapter). */
export function isSoftwareAdapter(info: Omit<AdapterInfo, 'isSoftware'>): boolean {
  return info.isFallbackAdapter || SOFTWARE.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`)
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

async function describeAdapter(adapter: GpuAdapterLike): Promise<AdapterInfo> {
  let raw: Record<string, unknown> = adapter.info ?? {}
  if (adapter.info === undefined && typeof adapter.requestAdapterInfo === 'function') raw = await adapter.requestAdapterInfo()
  const base = {
    vendor: str(raw.vendor),
    architecture: str(raw.architecture),
    device: str(raw.device),
    description: str(raw.description),
    isFallbackAdapter: raw.isFallbackAdapter === true || adapter.isFallbackAdapter === true,
  }
  return { ...base, isSoftware: isSoftwareAdapter(base) }
}

/** One line naming the adapter, for logs: "google swiftshader (SwiftShader driver 5.0.0, software)". */
export function adapterLabel(a: AdapterInfo): string {
  const name = [a.vendor, a.architecture].filter((s) => s !== '').join(' ') || 'unknown adapter'
  const extra = [a.description || a.device, a.isSoftware ? 'software' : ''].filter((s) => s !== '').join(', ')
  return extra ? `${name} (${extra})` : name
}

/**
 * Linux only: the Vulkan driver manifests the loader would use
 * (VK_DRIVER_FILES / VK_ICD_FILENAMES, else the standard icd.d folders) and
 * the driver library each names. Empty when none is found.
 */
export function vulkanDrivers(env: NodeJS.ProcessEnv = process.env): { manifest: string; library: string }[] {
  const listed = env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES
  let files: string[]
  if (listed !== undefined && listed.trim() !== '') {
    files = listed.split(':').filter((f) => f !== '')
  } else {
    const dirs = ['/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d']
    for (const d of (env.XDG_DATA_DIRS ?? '').split(':')) if (d !== '') dirs.push(join(d, 'vulkan/icd.d'))
    files = []
    for (const d of dirs) {
      try {
        for (const f of readdirSync(d)) if (f.endsWith('.json')) files.push(join(d, f))
      } catch {
        // folder absent
      }
    }
  }
  const out: { manifest: string; library: string }[] = []
  for (const f of files) {
    try {
      const j = JSON.parse(readFileSync(f, 'utf8')) as { ICD?: { library_path?: string } }
      out.push({ manifest: f, library: j.ICD?.library_path ?? '' })
    } catch {
      if (existsSync(f)) out.push({ manifest: f, library: '' })
    }
  }
  return out
}

/** Imports a module by a runtime name (opaque to bundlers, so the optional `webgpu` package stays optional). */
async function importByName(name: string): Promise<unknown> {
  return import(/* @vite-ignore */ name)
}

type DawnModule = { create: (opts: string[]) => GpuLike; globals: Record<string, unknown> }

let gpu: GpuLike | null = null

/** Node's `process.platform`; undefined in a browser page. */
function nodePlatform(): string | undefined {
  return (globalThis as { process?: { platform?: string } }).process?.platform
}

/** `navigator.gpu` of a browser-like host, if there is one. */
function hostGpu(): GpuLike | null {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator
  return nav?.gpu ?? null
}

/**
 * Loads Dawn (once) and installs its globals and `navigator.gpu`. Throws a
 * plain Error when the `webgpu` package (an optional dependency) is missing.
 */
async function installDawn(): Promise<GpuLike> {
  if (gpu !== null) return gpu
  const existing = hostGpu()
  if (existing !== null) return (gpu = existing)
  if (nodePlatform() === undefined) throw new Error('this page has no navigator.gpu (WebGPU is not enabled here)')
  const dawn = (await importByName('webgpu')) as DawnModule
  const g = dawn.create([])
  for (const [k, v] of Object.entries(dawn.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v
  }
  const nav = (globalThis as { navigator?: object }).navigator
  if (nav === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: g }, configurable: true, writable: true })
  } else {
    Object.defineProperty(nav, 'gpu', { value: g, configurable: true, writable: true })
  }
  return (gpu = g)
}

export interface LoadWebgpuOptions {
  /** accept a software adapter (only when webgpu is forced) */
  allowSoftware: boolean
  /** the platform (tests); default process.platform */
  platform?: NodeJS.Platform
}

/**
 * Finds the adapter, refuses a software one unless allowed, and registers the
 * tfjs webgpu backend. Resolves to the adapter's identity; rejects with a
 * plain Error whose message says why webgpu is not usable.
 */
export async function loadWebgpu(opts: LoadWebgpuOptions): Promise<AdapterInfo> {
  // a browser page (Electron's GPU worker window) has its own navigator.gpu and no `process`: no driver scan there
  if (hostGpu() === null && (opts.platform ?? nodePlatform()) === 'linux') {
    const drivers = vulkanDrivers()
    if (drivers.length === 0) throw new Error('no Vulkan driver found (no ICD manifest in VK_ICD_FILENAMES or vulkan/icd.d)')
    if (!opts.allowSoftware && drivers.every((d) => SOFTWARE.test(d.library) || SOFTWARE.test(d.manifest))) {
      throw new Error(`only software Vulkan drivers (${drivers.map((d) => d.manifest).join(', ')}); set ZSNAS_BACKEND=webgpu to use one`)
    }
  }
  const g = await installDawn()
  const adapter = await g.requestAdapter({ powerPreference: 'high-performance' })
  if (adapter === null) throw new Error('navigator.gpu.requestAdapter() found no adapter (no usable Vulkan/Metal/D3D12 driver)')
  const info = await describeAdapter(adapter)
  if (info.isSoftware && !opts.allowSoftware) {
    throw new Error(`only a software adapter (${adapterLabel(info)}); set ZSNAS_BACKEND=webgpu to use it`)
  }
  // a bundled page imports the backend statically (a bare specifier cannot be imported there)
  if (tf.findBackendFactory('webgpu') === null) await importByName('@tensorflow/tfjs-backend-webgpu')
  return info
}
