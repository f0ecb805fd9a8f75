/**
 * The real `EnginePort`: wires the engine registries (spaces, strategies,
 * proxies incl. voting, datasets, benchmark tables) for the supervisor and
 * the catalog menus. Loaded in the supervisor process only (Electron main /
 * the server), never in the renderer.
 */
import fs from 'node:fs'
import { Rng } from '../engine/core/rng'
import { ZsnasError } from '../engine/core/errors'
import type { DatasetSource, GroundTruth } from '../engine/core/data'
import { detectDataset } from '../engine/data/detect'
import { openDataset } from '../engine/data/open'
import { listProxies } from '../engine/proxies/registry'
import { VOTING_PROXIES, getVotingProxy } from '../engine/proxies/voting/definitions'
import { createStrategy, listStrategies } from '../engine/search/registry'
import { createSpace, getSpaceDef, listSpaces, loadGroundTruth } from '../engine/spaces/registry'
import { checkRunOptions } from '../engine/search/run-options'
import { optionProblem } from '../engine/core/options'
import { BATCH_SIZE_OPTION } from '../engine/score/request-spec'
import type { SearchSpace } from '../engine/core/space'
import type { CatalogEntry, CatalogOption, DatasetPreview, DatasetSpecData, PickedDataset, RunConfig, TableInfo } from '../shared/schemas'
import type { EnginePort, RunSearch } from './engine-port'
import { DATASET_CATALOG, SPACE_OPTIONS, VOTING_RHO } from './catalog-data'
import { APP_VERSION } from './version'

/** Member proxies scored for every architecture of a run (single proxy, named voting proxy, or an explicit vote). */
export function proxyIdsOf(config: RunConfig): string[] {
  if (config.proxy.mode === 'voting') return [...config.proxy.ids]
  const v = getVotingProxy(config.proxy.id)
  return v ? [...v.members] : [config.proxy.id]
}

/**
 * The run's search space, built by the space registry from `spaceOptions`
 * (defaults, bounds and messages are the space's declaration, e.g. MBv2
 * flopsLimit/minResolution/maxResolution, NB101 pool).
 */
export function spaceFor(config: Pick<RunConfig, 'space' | 'spaceOptions'>): SearchSpace<unknown> {
  return createSpace(config.space, config.spaceOptions)
}

function searchFor(config: RunConfig): RunSearch {
  const space = spaceFor(config)
  const strategy = createStrategy(config.strategy, { space, budget: config.n, seed: config.seed, options: config.strategyOptions })
  return { strategy, hashOf: (arch) => space.hash(space.fromString(arch)) }
}

function rhoOf(p: { cifar10?: number; cifar100?: number; imagenet16?: number; nb101?: number } | undefined): Record<string, number> | undefined {
  if (!p) return undefined
  const out: Record<string, number> = {}
  if (p.cifar10 !== undefined) out['nb201-cifar10'] = p.cifar10
  if (p.cifar100 !== undefined) out['nb201-cifar100'] = p.cifar100
  if (p.imagenet16 !== undefined) out['nb201-imagenet16-120'] = p.imagenet16
  if (p.nb101 !== undefined) out['nb101-cifar10'] = p.nb101
  return out
}

/** The space's own table loader; without a space, NB201 then NB101 (format detection). */
function loadTableFile(path: string, space: string | undefined, cacheDir: string | undefined): GroundTruth {
  if (space !== undefined) return loadGroundTruth(space, path, { cacheDir })
  try {
    return loadGroundTruth('nb201', path, { cacheDir })
  } catch {
    return loadGroundTruth('nb101', path, { cacheDir })
  }
}

/** The two most recently opened datasets (previews and detection re-open the same file repeatedly). */
const openCache = new Map<string, DatasetSource>()
function openCached(spec: DatasetSpecData): DatasetSource {
  const key = JSON.stringify(spec)
  const hit = openCache.get(key)
  if (hit) {
    openCache.delete(key)
    openCache.set(key, hit)
    return hit
  }
  const ds = openDataset(spec)
  openCache.set(key, ds)
  while (openCache.size > 2) openCache.delete(openCache.keys().next().value as string)
  return ds
}

/** Contrast-stretched RGB thumbnail of one normalised NHWC image. */
function thumbnail(x: Float32Array, offset: number, size: number): string {
  const n = size * size * 3
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < n; i++) {
    const v = x[offset + i]
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0
  const out = Buffer.alloc(n)
  for (let i = 0; i < n; i++) out[i] = Math.round((x[offset + i] - lo) * scale)
  return out.toString('base64')
}

/** Every option bag of a run config against the registries' declarations, before the run starts (engine messages). */
function validateConfig(config: RunConfig, loadTable: (path: string, space: string | undefined) => GroundTruth): void {
  checkRunOptions({ ...config, proxies: proxyIdsOf(config) })
  spaceFor(config)
  const batchProblem = optionProblem(BATCH_SIZE_OPTION, config.batchSize)
  if (batchProblem) throw new ZsnasError('INVALID_OPTION', `batchSize ${batchProblem}`)
  if ('path' in config.dataset && !fs.existsSync(config.dataset.path)) {
    throw new ZsnasError('FILE_NOT_FOUND', `dataset path not found: ${config.dataset.path}`, { path: config.dataset.path })
  }
  if (config.groundTruth) {
    const gt = loadTable(config.groundTruth.path, config.space)
    if (!gt.metrics.includes(config.groundTruth.metric)) {
      throw new ZsnasError('INVALID_OPTION', `groundTruth.metric '${config.groundTruth.metric}' is not in the table; it has ${gt.metrics.join(', ')}`)
    }
  }
}

/** The proxy menu: every registered proxy with its declared options, then the named voting proxies. */
function proxyCatalog(): CatalogEntry[] {
  return [
    ...listProxies().map((p) => ({
      id: p.id,
      label: p.label,
      description: p.description,
      paperRho: rhoOf(p.paperRho),
      options: (p.options ?? []).map((o) => ({ ...o }) as CatalogOption),
      meta: { kind: p.kind, needsBackward: p.needsBackward, needsLabels: p.needsLabels, voting: false },
    })),
    ...VOTING_PROXIES.map((v) => ({
      id: v.id,
      label: v.label,
      description: v.description,
      paperRho: VOTING_RHO[v.id],
      options: [],
      meta: { voting: true, members: [...v.members] },
    })),
  ]
}

/** Format detection for a picked path; an unreadable file gives `spec: null` and the engine's message. */
function detectPicked(path: string): PickedDataset {
  try {
    const d = detectDataset(path, { thumbnails: 0 })
    return {
      path,
      spec: d.spec as DatasetSpecData,
      description: `${d.label}: ${d.imageCount} images, ${d.numClasses} classes, ${d.imageSize}×${d.imageSize}`,
    }
  } catch (e) {
    if (e instanceof ZsnasError) return { path, spec: null, description: e.message }
    throw e
  }
}

/** The first `count` images of a dataset (no augmentation, Rng(0)) as thumbnails, with its counts. */
function previewOf(spec: DatasetSpecData, count: number): DatasetPreview {
  const ds = openCached(spec)
  const n = Math.min(count, Number.isFinite(ds.count) ? ds.count : count)
  const samples: DatasetPreview['samples'] = []
  if (n > 0) {
    const b = ds.sampleBatch(n, new Rng(0), { augment: false })
    const [, h, w] = b.shape
    for (let i = 0; i < n; i++) samples.push({ label: b.labels[i], width: w, height: h, rgbBase64: thumbnail(b.x, i * h * w * 3, h) })
  }
  return { kind: ds.kind, label: ds.label, count: Number.isFinite(ds.count) ? ds.count : -1, numClasses: ds.numClasses, imageSize: ds.imageSize, samples }
}

/** A loaded table's summary: space, metrics, size and its first five rows. */
function tableSummary(path: string, gt: GroundTruth): Omit<TableInfo, 'sha256'> {
  const sample = gt
    .keys()
    .slice(0, 5)
    .map((hash) => {
      const values: Record<string, number> = {}
      for (const m of gt.metrics) {
        const v = gt.get(hash, m)
        if (v !== undefined) values[m] = v
      }
      return { hash, values }
    })
  return { path, space: gt.space, metrics: gt.metrics, size: gt.size, sample }
}

/**
 * The engine behind the backend. `opts.tableCacheDir` (the app's data folder)
 * is where imported benchmark tables are indexed once, so reopening them is fast.
 */
export function createEngineAdapter(opts: { tableCacheDir?: string } = {}): EnginePort {
  const loadTable = (path: string, space: string | undefined): GroundTruth => loadTableFile(path, space, opts.tableCacheDir)
  return {
    version: APP_VERSION,
    proxyIds: proxyIdsOf,
    validate: (config) => validateConfig(config, loadTable),
    createSearch: searchFor,
    loadGroundTruth: (path, space) => loadTable(path, space),
    spaces: (): CatalogEntry[] =>
      listSpaces().map((s) => {
        const protocol = getSpaceDef(s.id).protocol // the paper's protocol, the wizard's defaults for the space
        return { id: s.id, label: s.label, description: s.description, options: SPACE_OPTIONS[s.id] ?? [], meta: { size: s.size }, ...(protocol ? { protocol: structuredClone(protocol) } : {}) }
      }),
    proxies: proxyCatalog,
    strategies: (): CatalogEntry[] => listStrategies().map((s) => ({ ...s, options: s.options.map((o) => ({ ...o })) })),
    datasets: () => DATASET_CATALOG,
    detectDataset: detectPicked,
    previewDataset: previewOf,
    validateTable: (path, space) => tableSummary(path, loadTable(path, space)),
  }
}
