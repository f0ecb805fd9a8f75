/**
 * tfjs backend selection.
 *
 * Order of preference: `@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`
 * (both register the backend named 'tensorflow'; they are optional
 * dependencies whose native addon is usually missing, so loading them throws
 * and is recorded), then `@tensorflow/tfjs-backend-webgpu` when a HARDWARE
 * WebGPU adapter exists (Dawn from the optional `webgpu` package in Node; see
 * webgpu.ts — a software adapter such as SwiftShader only when webgpu is
 * forced), then `@tensorflow/tfjs-backend-wasm` (1 thread, SIMD),
 * then `@tensorflow/tfjs-backend-cpu` (pure JS, ~15-40x slower; the numerical
 * reference).
 *
 * Guarantees:
 * - After `initBackend` resolves, `tf.getBackend() === info.name` (asserted:
 *   a backend whose `setBackend` silently fell back — e.g. wasm without its
 *   `.wasm` files in a bundle — is recorded as failed in `tried`, never
 *   reported as chosen).
 * - A forced backend (`opts.force`, else env `ZSNAS_BACKEND`) either becomes
 *   active or `initBackend` rejects with `ZsnasError('BACKEND_UNAVAILABLE')`.
 * - Idempotent: later calls return the same `BackendInfo` object; asking for a
 *   different forced backend after initialisation rejects with
 *   `ZsnasError('INVALID_OPTION')`.
 * - The chosen backend is logged once (stderr by default, or `opts.log`).
 *
 * Only `@tensorflow/tfjs-core` and backend packages are imported, never the
 * umbrella `@tensorflow/tfjs`.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../core/errors'
import { envVar } from '../core/env'
import { adapterLabel, loadWebgpu, watchDevice, type AdapterInfo } from './webgpu'

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu'
export type { AdapterInfo } from './webgpu'

export interface BackendInfo {
  /** the active tfjs backend name ('tensorflow' | 'webgpu' | 'wasm' | 'cpu') */
  name: string
  /** the WebGPU adapter (vendor, architecture, device, software or not); only when `name` is 'webgpu' */
  adapter?: AdapterInfo
  /** every candidate that was attempted, in order; `error` set when it failed */
  tried: { name: string; error?: string }[]
}

export interface InitBackendOptions {
  /** force one backend (overrides env ZSNAS_BACKEND) */
  force?: BackendName
  /** absolute folder (ending or not in '/') holding the three tfjs-backend-wasm `.wasm` files; only needed when bundled */
  wasmDir?: string
  /** where the one-line "chosen backend" message goes (default: stderr) */
  log?: (message: string) => void
}

const BACKENDS: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu']

let pending: Promise<BackendInfo> | null = null
let chosen: { info: BackendInfo; forced: BackendName | undefined } | null = null

/** The info of the initialised backend, or undefined before `initBackend` resolved. */
export function getBackendInfo(): BackendInfo | undefined {
  return chosen?.info
}

function parseForced(opts: InitBackendOptions | undefined): BackendName | undefined {
  if (opts?.force !== undefined) {
    if (!BACKENDS.includes(opts.force)) {
      throw new ZsnasError('INVALID_OPTION', `unknown backend '${String(opts.force)}'; expected one of ${BACKENDS.join(', ')}`)
    }
    return opts.force
  }
  const env = envVar('ZSNAS_BACKEND')
  if (env === undefined || env.trim() === '') return undefined
  const v = env.trim().toLowerCase()
  if (!BACKENDS.includes(v as BackendName)) {
    throw new ZsnasError(
      'INVALID_OPTION',
      `environment variable ZSNAS_BACKEND='${env}' is not a backend; expected one of ${BACKENDS.join(', ')}`,
    )
  }
  return v as BackendName
}

function message(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e)
  return s.split('\n')[0].slice(0, 300)
}

/** A few words for the one-line log (the full message stays in `BackendInfo.tried`). */
function shortReason(error: string): string {
  if (/native addon|tfjs_binding/i.test(error)) return 'native addon not installed'
  if (/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/i.test(error)) return 'package not installed'
  if (/only (a )?software/i.test(error)) return 'only a software GPU adapter; ZSNAS_BACKEND=webgpu uses it'
  if (/no Vulkan driver|found no adapter/i.test(error)) return 'no GPU adapter'
  return error.length > 80 ? `${error.slice(0, 77)}...` : error
}

/** stderr in Node; the console in a browser page (the GPU worker window has no `process`). */
function defaultLog(m: string): void {
  const stderr = (globalThis as { process?: { stderr?: { write(s: string): unknown } } }).process?.stderr
  if (stderr) stderr.write(`${m}\n`)
  else console.error(m)
}

/** Imports a module by a runtime name (kept opaque to bundlers, so optional packages stay optional). */
async function importByName(name: string): Promise<unknown> {
  return import(/* @vite-ignore */ name)
}

/**
 * Loading a tfjs-node variant registers its kernels even when the native addon
 * is missing; loading the second variant then prints one "already registered"
 * warning per kernel. Those warnings are noise, so they are dropped while the
 * import runs (all other warnings pass through).
 */
async function importQuietly(name: string): Promise<void> {
  const warn = console.warn
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && /is already registered/.test(args[0])) return
    warn(...args)
  }
  try {
    await importByName(name)
  } finally {
    console.warn = warn
  }
}

/**
 * Activates the registered tfjs backend `name` and checks it really is
 * active: `tf.setBackend` returns false (and keeps the previous backend) when
 * initialisation fails, e.g. wasm without its `.wasm` files in a bundle.
 * Throws a plain Error describing the failure.
 */
export async function activateBackend(name: string): Promise<void> {
  let ok: boolean
  try {
    ok = await tf.setBackend(name)
  } catch (e) {
    throw new Error(`setBackend('${name}') threw: ${message(e)}`)
  }
  const active = tf.getBackend()
  if (!ok || active !== name) {
    throw new Error(`setBackend('${name}') returned ${ok}; active backend is '${active}' (initialisation failed)`)
  }
}

/** `load` may resolve to the WebGPU adapter it found. */
type Candidate = { label: string; backend: BackendName; load: () => Promise<AdapterInfo | void> }

function candidates(wasmDir: string | undefined, forced: BackendName | undefined): Candidate[] {
  return [
    { label: 'tfjs-node-gpu', backend: 'tensorflow', load: () => importQuietly('@tensorflow/tfjs-node-gpu') },
    { label: 'tfjs-node', backend: 'tensorflow', load: () => importQuietly('@tensorflow/tfjs-node') },
    { label: 'webgpu', backend: 'webgpu', load: () => loadWebgpu({ allowSoftware: forced === 'webgpu' }) },
    {
      label: 'wasm',
      backend: 'wasm',
      load: async () => {
        // already registered (a bundled page imports it statically and sets its .wasm URLs itself): nothing to import
        if (wasmDir === undefined && tf.findBackendFactory('wasm') !== null) return
        const wasm = (await importByName('@tensorflow/tfjs-backend-wasm')) as {
          setWasmPaths?: (p: string) => void
        }
        if (wasmDir !== undefined) {
          if (typeof wasm.setWasmPaths !== 'function') throw new Error('tfjs-backend-wasm has no setWasmPaths')
          wasm.setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`)
        }
      },
    },
    { label: 'cpu', backend: 'cpu', load: async () => void (tf.findBackendFactory('cpu') !== null || (await importByName('@tensorflow/tfjs-backend-cpu'))) },
  ]
}

async function select(opts: InitBackendOptions | undefined, forced: BackendName | undefined): Promise<BackendInfo> {
  const tried: BackendInfo['tried'] = []
  for (const c of candidates(opts?.wasmDir, forced)) {
    if (forced !== undefined && c.backend !== forced) continue
    try {
      const adapter = await c.load()
      await activateBackend(c.backend)
      const info: BackendInfo = { name: c.backend, tried: [...tried, { name: c.label }] }
      if (adapter) {
        info.adapter = adapter
        watchDevice()
      }
      const failed = tried.map((t) => `${t.name} (${shortReason(t.error ?? '')})`).join(', ')
      const label = adapter ? ` (${adapterLabel(adapter)})` : c.label !== c.backend ? ` (${c.label})` : ''
      ;(opts?.log ?? defaultLog)(
        `[zsnas] tfjs backend: ${c.backend}${label}${failed ? `; not usable: ${failed}` : ''}`,
      )
      return info
    } catch (e) {
      tried.push({ name: c.label, error: message(e) })
    }
  }
  throw new ZsnasError(
    'BACKEND_UNAVAILABLE',
    forced !== undefined
      ? `the forced tfjs backend '${forced}' could not be initialised: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`
      : `no tfjs backend could be initialised: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`,
    { tried },
  )
}

/**
 * Chooses and activates the tfjs backend (see the module comment for the
 * order and guarantees). Resolves to the same object on every call.
 */
export async function initBackend(opts?: InitBackendOptions): Promise<BackendInfo> {
  const forced = parseForced(opts)
  if (chosen !== null) {
    if (forced !== undefined && forced !== chosen.info.name) {
      throw new ZsnasError(
        'INVALID_OPTION',
        `tfjs backend already initialised as '${chosen.info.name}'; cannot switch to '${forced}' in the same process`,
      )
    }
    return chosen.info
  }
  if (pending === null) {
    pending = select(opts, forced).then(
      (info) => {
        chosen = { info, forced }
        return info
      },
      (e: unknown) => {
        pending = null
        throw e
      },
    )
  }
  const info = await pending
  if (forced !== undefined && forced !== info.name) {
    throw new ZsnasError('INVALID_OPTION', `tfjs backend already initialised as '${info.name}'; cannot switch to '${forced}'`)
  }
  return info
}
