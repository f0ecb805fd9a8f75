/**
 * The GPU worker window's PAGE (sandboxed renderer, no Node): the ordinary scoring worker loop
 * (src/worker/worker-loop.ts) over the preload's one bridge (`GpuWorkerBridge`, src/backend/gpu-window-channel.ts),
 * scoring with the engine (`engineScorer` → `scoreArchitecture`) on the tfjs backend the engine's selection picks
 * here: Chromium's WebGPU (`navigator.gpu`) — main forces `webgpu` through the page URL, as the GPU windows exist
 * to score on the GPU — else wasm, else cpu (the automatic order: a software adapter is refused there).
 *
 * Datasets: the page has no file system. A job's dataset is opened from the bytes main attached to the first
 * job naming it (`datasetFiles`, src/backend/gpu-window-data.ts) with the engine's bytes entry
 * (src/engine/data/bytes.ts) and handed to the engine's dataset cache (`provideDataset`), so later jobs reuse
 * it; a file-based dataset whose bytes never came is a typed INVALID_OPTION job error, never a file read.
 * Guarantees: every job is answered (result or typed error) in arrival order, as in a worker process; the
 * backend is initialised once, at the first job (its failure is that job's typed error, and the next job tries
 * again); `shutdown` closes the window.
 */
import { initBackend, type BackendName } from '../engine/backend/select'
import type { DatasetSpec } from '../engine/core/data'
import { ZsnasError } from '../engine/core/errors'
import { openDatasetFromBytes, type DatasetFileBytes } from '../engine/data/bytes'
import { hasDataset, provideDataset } from '../engine/score/score'
import { bridgeChannel, type GpuWorkerBridge } from '../backend/gpu-window-channel'
import { engineScorer } from '../worker/engine-scorer'
import { runWorker } from '../worker/worker-loop'

const BACKENDS: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu']

export interface GpuWorkerPageOptions {
  /** force one backend (the page URL's `backend`); undefined = the engine's automatic order */
  backend?: string | null
  /** the one-line "tfjs backend: …" message (default console.info) */
  log?: (m: string) => void
  /** what `shutdown` does (default: close the window) */
  exit?: () => void
}

/** Parses the page URL's `backend` parameter (typed INVALID_OPTION when it names no backend). */
export function forcedBackend(v: string | null | undefined): BackendName | undefined {
  if (v === null || v === undefined || v === '' || v === 'auto') return undefined
  if (!BACKENDS.includes(v as BackendName)) {
    throw new ZsnasError('INVALID_OPTION', `GPU worker page: backend='${v}' in the page URL is not a backend; expected auto or one of ${BACKENDS.join(', ')}`)
  }
  return v as BackendName
}

/** Starts the worker loop over `bridge` (see the module comment); posts `ready` at once. */
export function startGpuWorkerPage(bridge: GpuWorkerBridge, opts: GpuWorkerPageOptions = {}): void {
  const pending = new Map<string, DatasetFileBytes[]>()
  // the bytes ride on the score message; the loop's own schema would drop them, so they are kept here first
  const channel = bridgeChannel(bridge, (m) => {
    if (m.type === 'score' && m.datasetFiles) pending.set(JSON.stringify(m.job.dataset), m.datasetFiles)
  })
  const log = opts.log ?? ((m: string) => console.info(m))
  let backend: ReturnType<typeof initBackend> | null = null
  const ensureBackend = async () => {
    const force = forcedBackend(opts.backend)
    backend ??= initBackend({ ...(force ? { force } : {}), log })
    try {
      await backend
    } catch (e) {
      backend = null
      throw e
    }
  }
  const ensureDataset = (spec: DatasetSpec) => {
    if (hasDataset(spec)) return
    const key = JSON.stringify(spec)
    const files = pending.get(key) ?? []
    pending.delete(key)
    // no bytes for a file-based kind, or a kind without a bytes decoder: the bytes entry's typed INVALID_OPTION
    provideDataset(spec, openDatasetFromBytes(spec, files))
  }
  runWorker(
    channel,
    async (job) => {
      await ensureBackend()
      ensureDataset(job.dataset)
      return engineScorer(job)
    },
    { pid: 0, exit: opts.exit ?? (() => globalThis.close()) },
  )
}
