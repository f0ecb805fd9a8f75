import type { DatasetSource, DatasetSpec } from '../core/data'
import type { InitScheme } from '../core/network'
import { Rng } from '../core/rng'
import { ZsnasError } from '../core/errors'
import { initBackend, type AdapterInfo } from '../backend/select'
import { asOutOfMemory, assertBackendAlive, backendDead } from '../backend/oom'
import { checkCheckpointMode, type CheckpointMode } from '../nn/checkpoint-policy'
import { materializeParams, disposeParams } from '../nn/params'
import { computeProxies, type ProxyMode } from '../proxies'
import { getSpace } from '../spaces/registry'
import { validateOptions } from '../core/options'
import { SCORE_REQUEST_OPTIONS } from './request-spec'

/** One unit of scoring work (serialisable: it crosses process boundaries). */
export interface ScoreRequest {
  /** search-space id, e.g. 'nb201' */
  space: string
  /** architecture in the space's string form */
  arch: string
  /** proxy ids from the proxy registry, e.g. ['wrcor', 'acor'] */
  proxies: string[]
  dataset: DatasetSpec
  batchSize: number
  seed: number
  init: InitScheme
  mode?: ProxyMode
  proxyOptions?: Record<string, unknown>
  /**
   * Response-pass checkpointing (nn/run-checkpointed.ts): 'auto' (default:
   * when the plain pass's estimated peak exceeds the backend's budget),
   * 'on', 'off'. Scores are bit-identical either way.
   */
  checkpoint?: CheckpointMode
}

export interface ScoreResult {
  /** the canonical arch string */
  arch: string
  hash: string
  /** proxy id → score (higher = better; −Infinity for degenerate nets; NaN = failed) */
  scores: Record<string, number>
  /** exact parameter count and multiply-adds (space's counting convention) */
  params: number
  flops: number
  /** wall time of the whole request */
  seconds: number
  backend: string
  /** the WebGPU adapter (vendor, architecture, device, description, isSoftware) when `backend` is 'webgpu' */
  adapter?: AdapterInfo
  /** seconds per stage: data, build, init, responses, <standalone proxy ids> */
  timings: Record<string, number>
}

const datasets = new Map<string, DatasetSource>()

/**
 * Opens a dataset once per process (keyed by its spec) and reuses it. The path loader (data/open.ts, with its
 * Node-only readers) is imported on first use only, so a runtime without a file system that hands its datasets
 * over with `provideDataset` (the GPU worker page) never loads it.
 */
export async function cachedDataset(spec: DatasetSpec): Promise<DatasetSource> {
  const key = JSON.stringify(spec)
  let ds = datasets.get(key)
  if (ds === undefined) {
    const { openDataset } = await import('../data/open')
    ds = openDataset(spec)
    datasets.set(key, ds)
  }
  return ds
}

/**
 * Hands an already-opened source to the cache under `spec`'s key, so requests naming `spec` use it and never
 * open its files: the GPU worker page (no file system) opens datasets from bytes (data/bytes.ts) this way.
 */
export function provideDataset(spec: DatasetSpec, source: DatasetSource): void {
  datasets.set(JSON.stringify(spec), source)
}

/** True when a request naming `spec` would reuse an opened source (no files read). */
export function hasDataset(spec: DatasetSpec): boolean {
  return datasets.has(JSON.stringify(spec))
}

function validate(req: ScoreRequest): void {
  const { errors } = validateOptions(SCORE_REQUEST_OPTIONS, { batchSize: req.batchSize, seed: req.seed, init: req.init, mode: req.mode })
  const msgs = Object.values(errors)
  if (msgs.length > 0) throw new ZsnasError('INVALID_OPTION', `score request: ${msgs.join('; ')}`)
  if (!Array.isArray(req.proxies) || req.proxies.length === 0) {
    throw new ZsnasError('INVALID_OPTION', 'proxies must name at least one proxy')
  }
}

/**
 * Scores one architecture: arch string → network → parameters → one batch →
 * all requested proxies (response proxies share one forward/backward pass).
 *
 * Reproducibility: the batch (images, augmentation) and the initial weights
 * both come from `seed` (two independent streams forked from Rng(seed)), so
 * the same request on the same backend gives bit-identical scores. Different
 * proxies of one request see the same batch and the same initial weights
 * (as in the reference). Opened datasets are cached per process.
 * Errors a user can cause are `ZsnasError`s (INVALID_ARCH, INVALID_OPTION,
 * FILE_NOT_FOUND, BAD_FORMAT, …); the batch size may not exceed the dataset.
 */
export async function scoreArchitecture(req: ScoreRequest): Promise<ScoreResult> {
  const t0 = performance.now()
  validate(req)
  const space = getSpace(req.space)
  const arch = space.fromString(req.arch)
  const canonical = space.toString(arch)
  const backend = await initBackend()
  assertBackendAlive()
  checkCheckpointMode(req.checkpoint, 'score request checkpoint')
  const timings: Record<string, number> = {}
  let t = performance.now()
  const ds = await cachedDataset(req.dataset)
  if (req.batchSize > ds.count) {
    throw new ZsnasError('INVALID_OPTION', `batch size ${req.batchSize} exceeds the ${ds.count} images of dataset ${ds.label}`)
  }
  const root = new Rng(req.seed)
  const dataRng = root.fork()
  const initRng = root.fork()
  const batch = ds.sampleBatch(req.batchSize, dataRng, { augment: true })
  timings.data = (performance.now() - t) / 1000
  t = performance.now()
  const buildOpts = { numClasses: ds.numClasses, inputSize: ds.imageSize }
  const def = space.buildNetwork(arch, buildOpts)
  const { params, flops } = space.cost(arch, buildOpts)
  timings.build = (performance.now() - t) / 1000
  t = performance.now()
  const store = materializeParams(def, req.init, initRng)
  timings.init = (performance.now() - t) / 1000
  try {
    const r = await computeProxies(req.proxies, {
      space: req.space,
      def,
      params: store,
      batch,
      dataset: ds,
      init: req.init,
      mode: req.mode,
      proxyOptions: req.proxyOptions,
      seed: req.seed,
      checkpoint: req.checkpoint,
    })
    Object.assign(timings, r.timings)
    return {
      arch: canonical,
      hash: space.hash(arch),
      scores: r.scores,
      params,
      flops,
      seconds: (performance.now() - t0) / 1000,
      backend: backend.name,
      ...(backend.adapter !== undefined ? { adapter: backend.adapter } : {}),
      timings,
    }
  } catch (e) {
    // a wasm heap abort (or an allocation failure) is reported as OUT_OF_MEMORY with what would fit
    throw asOutOfMemory(e, { batchSize: req.batchSize, resolution: (arch as { resolution?: number }).resolution ?? def.inputShape[0], def })
  } finally {
    // after a wasm abort the instance is dead: there is nothing left to free
    if (!backendDead()) disposeParams(store)
  }
}
