/**
 * Which tfjs backends load on this machine, and why the others do not.
 *
 * `probeBackends` starts ONE child process per backend (a tfjs process can initialise only one backend, and a
 * native addon that crashes must not take the caller with it); each child forces its backend through the engine's
 * own `initBackend` (src/engine/backend/select.ts), runs one small computation read back asynchronously, and
 * answers with one JSON line. One more child runs the automatic selection, so the report says which backend
 * scoring would use. The reasons are translated by `explainBackendError` into a few words plus the command
 * that fixes them (`npm run setup:native`, the CUDA/cuDNN versions tfjs-node-gpu needs, …).
 *
 * Guarantees: never throws for an unavailable backend (it is a row with `available: false` and a reason);
 * a child that hangs is killed after `timeoutMs` and reported as such; the result order is PROBE_ORDER.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { tsxImportArgs } from './worker-host'

/** The engine's selection order (tensorflow → webgpu → wasm → cpu). */
export const PROBE_ORDER = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const

/** One candidate the engine tried inside a backend (tensorflow has two: tfjs-node-gpu, tfjs-node). */
export interface CandidateStatus {
  /** the engine's label: 'tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu' */
  name: string
  ok: boolean
  /** a few words: why it is not usable */
  reason?: string
  /** what to do about it */
  hint?: string
  /** the first line of the original error */
  error?: string
}

export interface BackendStatus {
  backend: string
  available: boolean
  /** the candidates the engine tried for this backend, in order */
  candidates: CandidateStatus[]
  /** extra facts the engine reports for an active backend (e.g. the WebGPU adapter), passed through */
  info?: Record<string, unknown>
  /** seconds the child took (start, initialisation, one computation) */
  seconds: number
}

export interface BackendReport {
  /** the backend automatic selection picks here (what `zsnas score` would use), or null if none loads */
  selected: string | null
  /** ZSNAS_BACKEND of this environment, if set (the children inherit it only for the 'auto' probe) */
  forcedByEnv: string | null
  backends: BackendStatus[]
}

const CUDA_NEEDS = 'tfjs-node-gpu 4.22 links libtensorflow 2.9.1 built for CUDA 11.2 + cuDNN 8.1'

/**
 * Translates one failed candidate's error into a reason and a hint. Pure; matches the messages tfjs-node,
 * the dynamic loader, CUDA and the engine's selector produce (tested with recorded messages).
 */
export function explainBackendError(name: string, error: string): { reason: string; hint?: string } {
  const setup = `npm run setup:native${name === 'tfjs-node-gpu' ? ' -- --gpu' : ''}`
  let m: RegExpMatchArray | null
  if (/tfjs_binding\.node\)? can ?not be found|native addon module/i.test(error)) {
    return { reason: 'native addon not installed (npm install does not download it)', hint: setup }
  }
  if ((m = error.match(/(lib(?:cudart|cublas|cublasLt|cudnn|cufft|curand|cusolver|cusparse|cuda)\w*\.so(?:\.[\d.]+)?)/)) !== null) {
    return {
      reason: `CUDA library ${m[1]} not loadable`,
      hint: `${CUDA_NEEDS}; CUDA 12 machines fail (tensorflow/tfjs#8362, #8187); or use ZSNAS_BACKEND=webgpu`,
    }
  }
  if (/no kernel image is available|CUDA_ERROR_NO_BINARY_FOR_GPU|compute capability/i.test(error)) {
    return { reason: 'libtensorflow 2.9.1 has no kernels for this GPU (e.g. Hopper, sm_90)', hint: 'use ZSNAS_BACKEND=webgpu' }
  }
  if ((m = error.match(/(libtensorflow(?:_framework)?\.so(?:\.[\d.]+)?)/)) !== null) {
    return { reason: `${m[1]} not loadable (libtensorflow 2.9.1 missing or broken)`, hint: setup }
  }
  if ((m = error.match(/GLIBC_([\d.]+)'? not found/)) !== null) {
    return { reason: `the prebuilt addon needs glibc ${m[1]} or newer`, hint: 'build the addon from source (README: Native TensorFlow backend)' }
  }
  if (/undefined symbol/i.test(error)) {
    return { reason: 'the addon does not match the installed libtensorflow', hint: `re-run ${setup}` }
  }
  if ((m = error.match(/Cannot find (?:module|package) '([^']+)'/)) !== null) {
    return { reason: `package ${m[1]} not installed (optional dependency)`, hint: 'npm install' }
  }
  if (/unknown backend|is not a backend/i.test(error)) {
    return { reason: 'not built into this engine version' }
  }
  if (/only (a )?software|only software/i.test(error)) {
    return { reason: 'only a software GPU adapter (refused by the automatic order)', hint: 'ZSNAS_BACKEND=webgpu uses it (slow: a CPU rasteriser)' }
  }
  if (/no Vulkan driver|found no adapter|no adapter/i.test(error)) {
    return {
      reason: 'no GPU adapter (no Vulkan/Metal/D3D12 driver found)',
      hint: 'install the GPU vendor driver; for tests a software adapter: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json ZSNAS_BACKEND=webgpu',
    }
  }
  const first = error.split('\n')[0]
  return { reason: first.length > 120 ? `${first.slice(0, 117)}...` : first }
}

/** What a probe child prints (one line, prefixed with PROBE_MARKER). */
export interface ProbeAnswer {
  backend: string
  ok: boolean
  /** `tried` of the engine's BackendInfo (success) or of the BACKEND_UNAVAILABLE error's details */
  tried: { name: string; error?: string }[]
  /** the active backend name (auto probe) */
  name?: string
  /** other fields of the engine's BackendInfo (adapter, …) */
  info?: Record<string, unknown>
  /** the error when it failed without a `tried` list */
  error?: string
}

export const PROBE_MARKER = 'ZSNAS_PROBE '

/** Builds the row of one backend from a child's answer (pure). */
export function statusFromAnswer(backend: string, answer: ProbeAnswer | undefined, seconds: number, failure?: string): BackendStatus {
  if (answer === undefined) {
    const error = failure ?? 'the probe process gave no answer'
    return { backend, available: false, candidates: [{ name: backend, ok: false, error, ...explainBackendError(backend, error) }], seconds }
  }
  const tried = answer.tried.length > 0 ? answer.tried : [{ name: backend, error: answer.ok ? undefined : (answer.error ?? 'failed') }]
  const candidates: CandidateStatus[] = tried.map((t) =>
    t.error === undefined ? { name: t.name, ok: true } : { name: t.name, ok: false, error: t.error.split('\n')[0], ...explainBackendError(t.name, t.error) },
  )
  return { backend, available: answer.ok, candidates, ...(answer.info ? { info: answer.info } : {}), seconds }
}

export interface ProbeOptions {
  /** backends to probe (default PROBE_ORDER) */
  backends?: readonly string[]
  /** kill a child after this long (default 60 s: a software WebGPU adapter takes seconds to start) */
  timeoutMs?: number
  /** the child entry; default: src/backend/backend-probe-child.ts via tsx, or the built backend-probe-child.js beside this module */
  entry?: { file: string; execArgv: string[] }
  env?: NodeJS.ProcessEnv
}

/** The probe child's entry: the .ts through tsx in a source checkout, else the built .js next to this bundle. */
export function probeChildEntry(): { file: string; execArgv: string[] } {
  const ts = fileURLToPath(new URL('./backend-probe-child.ts', import.meta.url))
  if (existsSync(ts)) return { file: ts, execArgv: tsxImportArgs() }
  return { file: fileURLToPath(new URL('./backend-probe-child.js', import.meta.url)), execArgv: [] }
}

/** Runs one probe child; resolves with its answer or the reason it gave none. Never rejects. */
export function runProbeChild(
  target: string,
  entry: { file: string; execArgv: string[] },
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ answer?: ProbeAnswer; failure?: string; seconds: number }> {
  const t0 = performance.now()
  return new Promise((done) => {
    const child = spawn(process.execPath, [...entry.execArgv, entry.file, target], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    const finish = (code: number | null, signal: string | null) => {
      clearTimeout(timer)
      const seconds = (performance.now() - t0) / 1000
      const line = out.split('\n').reverse().find((l) => l.startsWith(PROBE_MARKER))
      if (line !== undefined) {
        try {
          done({ answer: JSON.parse(line.slice(PROBE_MARKER.length)) as ProbeAnswer, seconds })
          return
        } catch {
          // fall through: report the raw failure
        }
      }
      const lastErr = err.trim().split('\n').filter((l) => l.trim() !== '').slice(-1)[0]
      const failure = timedOut
        ? `the probe did not finish within ${Math.round(timeoutMs / 1000)} s (killed)`
        : `the probe process ended (${signal ?? `exit ${code}`}) without an answer${lastErr ? `: ${lastErr}` : ''}`
      done({ failure, seconds })
    }
    child.on('error', (e) => finish(null, e.message))
    child.on('close', finish)
  })
}

/** Probes every backend (see the module comment). */
export async function probeBackends(opts: ProbeOptions = {}): Promise<BackendReport> {
  const entry = opts.entry ?? probeChildEntry()
  const env = opts.env ?? process.env
  const timeoutMs = opts.timeoutMs ?? 60_000
  const names = opts.backends ?? PROBE_ORDER
  // forced probes must not inherit a forced backend; the auto probe keeps it (it is what scoring would do)
  const { ZSNAS_BACKEND: forcedEnv, ...clean } = env
  const runs = await Promise.all([
    ...names.map((n) => runProbeChild(n, entry, clean, timeoutMs)),
    runProbeChild('auto', entry, env, timeoutMs),
  ])
  const backends = names.map((n, i) => statusFromAnswer(n, runs[i].answer, runs[i].seconds, runs[i].failure))
  const auto = runs[names.length].answer
  return {
    selected: auto?.ok === true ? (auto.name ?? null) : null,
    forcedByEnv: forcedEnv !== undefined && forcedEnv.trim() !== '' ? forcedEnv : null,
    backends,
  }
}

/** A plain-text table of a report (the `zsnas backends` output). */
export function formatReport(r: BackendReport): string {
  const lines: string[] = []
  const rows = r.backends.map((b) => {
    const status = b.available ? (b.backend === r.selected ? 'available (selected)' : 'available') : 'not available'
    const detail = b.available
      ? [b.candidates.find((c) => c.ok)?.name, adapterText(b.info)].filter((x) => x && x !== b.backend).join('; ')
      : b.candidates
          .filter((c) => !c.ok)
          .map((c) => `${c.name !== b.backend ? `${c.name}: ` : ''}${c.reason}${c.hint ? ` (fix: ${c.hint})` : ''}`)
          .join('; ')
    return [b.backend, status, detail] as const
  })
  const w0 = Math.max(7, ...rows.map((x) => x[0].length))
  const w1 = Math.max(6, ...rows.map((x) => x[1].length))
  lines.push(`${'backend'.padEnd(w0)}  ${'status'.padEnd(w1)}  detail`)
  for (const [a, b, c] of rows) lines.push(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd())
  lines.push(
    r.selected === null
      ? 'scoring would fail here: no backend loads'
      : `scoring uses: ${r.selected}${r.forcedByEnv !== null ? ` (forced by ZSNAS_BACKEND=${r.forcedByEnv})` : ' (automatic: tensorflow → webgpu → wasm → cpu)'}`,
  )
  return `${lines.join('\n')}\n`
}

/** "adapter: vendor device" when the engine reported an adapter for the backend. */
function adapterText(info: Record<string, unknown> | undefined): string | undefined {
  const a = info?.adapter
  if (a === undefined || a === null) return undefined
  if (typeof a === 'string') return `adapter: ${a}`
  if (typeof a === 'object') {
    const o = a as Record<string, unknown>
    const parts = [o.vendor, o.architecture, o.device, o.description].filter((x) => typeof x === 'string' && x !== '')
    return `adapter: ${parts.length > 0 ? parts.join(' ') : JSON.stringify(a)}${o.isSoftware === true ? ' (software)' : ''}`
  }
  return undefined
}
