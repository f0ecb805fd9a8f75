/**
 * The contract's handlers (`ServiceHandlers`), shared by Electron main and the
 * browser-mode server. Arguments arrive already validated by `dispatch`.
 *
 * Reads of caller-named files never block the event loop for a whole file:
 * `datasets.preview`, `tables.validate`, `files.pickTable` and `runs.start`
 * (its ground-truth table) read the files the engine will read ahead, with
 * fs.promises, within each format's size limit (engine/data/read-ahead.ts);
 * the engine's synchronous parser then takes those bytes. Other clients are
 * answered while such a read is in progress. (A NB101 TFRecord is streamed
 * synchronously in 8 MiB chunks by its importer and is the exception.)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ZsnasError } from '../engine/core/errors'
import { ServiceError } from '../shared/client'
import type { ServiceHandlers } from '../shared/contract'
import { modelExportHandlers } from './model-export'
import { ComputeService, computeHandlers } from './cluster/compute'
import type { CalibrationService } from './calibration'
import { probedBackends } from './compute-backends'
import type { BackendPreference, BackendsInfo } from '../shared/schemas'
import type { SystemInfo } from '../shared/schemas'
import type { EnginePort } from './engine-port'
import { exportRun } from './export'
import { sha256Path } from './hashing'
import type { RunManager } from './run-manager'
import type { RunStore } from './store'
import type { PathPolicy } from './path-policy'
import { datasetReads } from '../engine/data/open'
import { withReadAhead } from '../engine/data/read-ahead'
import { tableReads } from '../engine/benchmarks/table'
import type { DatasetSpec } from '../engine/core/data'

export interface FilePicker {
  /** native open dialog; resolves to the chosen path or null when cancelled */
  pick(kind: 'dataset' | 'table'): Promise<string | null>
}

export interface ServiceDeps {
  store: RunStore
  manager: RunManager
  engine: EnginePort
  dataDir: string
  /** present in Electron (native dialog); absent in browser mode (the user types a path) */
  picker?: FilePicker
  systemInfo: () => SystemInfo
  /**
   * Containment of every client-named path (datasets, tables, ground truth,
   * export folders; src/backend/path-policy.ts). The browser-mode server always
   * passes one; without it paths are only resolved (trusted in-process callers).
   * Paths returned by `picker` are granted to it for the session.
   */
  paths?: PathPolicy
  /** the "Compute" setting (this machine | Redis cluster); default: read from the data folder */
  compute?: ComputeService
  /** `calibration.*`: one scoring of a run's evaluation 0 before it starts (calibration.ts); absent = UNSUPPORTED */
  calibration?: CalibrationService
  /** `compute.backends`: the scoring backend and why not the others (default: the Node probe, compute-backends.ts) */
  backends?: () => Promise<BackendsInfo>
  /** `compute.setBackend` (the desktop app's worker kind); absent = UNSUPPORTED (browser mode: ZSNAS_BACKEND) */
  setBackend?: (p: BackendPreference) => Promise<BackendsInfo>
}

export const SEED_DERIVATION = 'evaluationSeed(runSeed, index): 32-bit mix of runSeed ^ imul(index + 1, 0x9e3779b1) (src/backend/seeds.ts)'

function requireExisting(p: string, what: string): string {
  const abs = path.resolve(p)
  if (!fs.existsSync(abs)) throw new ZsnasError('FILE_NOT_FOUND', `${what} not found: ${abs}`, { path: abs })
  return abs
}

export function createService(d: ServiceDeps): ServiceHandlers {
  const what = (kind: 'dataset' | 'table') => (kind === 'dataset' ? 'dataset path' : 'benchmark table')
  const read = (p: string, w: string) => (d.paths ? d.paths.read(p, w) : requireExisting(p, w))
  const writeDir = (p: string | undefined, w: string) => (p === undefined || !d.paths ? p : d.paths.write(p, w))
  async function choose(kind: 'dataset' | 'table', given: string | undefined): Promise<string | null> {
    if (given) return read(given, what(kind))
    if (!d.picker) throw new ServiceError('UNSUPPORTED', 'no file dialog in browser mode: type the path of the file or folder on the server machine')
    const chosen = await d.picker.pick(kind)
    if (chosen === null) return null
    d.paths?.grant(chosen) // the user chose it in the app's own native dialog
    return read(chosen, what(kind))
  }
  /** config with its dataset / ground-truth paths checked (and canonical when a policy is set) */
  function checkConfig<T extends { dataset: object; groundTruth?: { path: string } }>(config: T): T {
    if (!d.paths) return config
    const ds = config.dataset as { path?: unknown; labelsCsv?: unknown }
    let dataset = 'path' in ds ? { ...config.dataset, path: read(ds.path as string, 'dataset.path') } : config.dataset
    // u8 datasets name a second file: the labels CSV (its header would be echoed in a MISSING_COLUMN message)
    if (typeof ds.labelsCsv === 'string') dataset = { ...dataset, labelsCsv: read(ds.labelsCsv, 'dataset.labelsCsv') }
    const groundTruth = config.groundTruth ? { ...config.groundTruth, path: read(config.groundTruth.path, 'groundTruth.path') } : config.groundTruth
    return { ...config, dataset, ...(groundTruth ? { groundTruth } : {}) }
  }
  const models = modelExportHandlers(d.dataDir, d.store)
  const calibration = (): CalibrationService => {
    if (!d.calibration) throw new ServiceError('UNSUPPORTED', 'calibration scorings are not available in this shell (no worker host)')
    return d.calibration
  }

  return {
    'runs.start': (config) => {
      const checked = checkConfig(config)
      return withReadAhead(checked.groundTruth ? tableReads(checked.groundTruth.path) : [], () => d.manager.start(checked))
    },
    'runs.cancel': (id) => d.manager.cancel(id),
    'runs.resume': (id) => d.manager.resume(id),
    'runs.list': () => d.store.listRuns().map((r) => d.manager.summary(r.id)),
    'runs.get': (id) => ({ ...d.manager.summary(id), logs: d.store.logs(id, 500) }),
    'runs.evaluations': (id, query) => d.store.evaluations(id, query ?? {}),
    'runs.export': (id, opts) => {
      const summary = d.manager.summary(id)
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')
      const dir = writeDir(opts?.dir, 'export folder') ?? path.join(d.dataDir, 'exports', `${id}-${stamp}`)
      return exportRun(d.store, summary, d.engine.proxyIds(summary.config), dir, { seedDerivation: SEED_DERIVATION })
    },
    'runs.delete': (id) => {
      d.store.require(id)
      if (d.manager.activeIds().includes(id)) throw new ServiceError('CONFLICT', `run '${id}' is running; cancel it before deleting`, { id })
      d.store.deleteRun(id)
      return { deleted: true as const }
    },
    'runs.setNotes': (id, text) => {
      d.store.setNotes(id, text)
      return d.manager.summary(id)
    },
    'catalog.spaces': () => d.engine.spaces(),
    'catalog.proxies': () => d.engine.proxies(),
    'catalog.strategies': () => d.engine.strategies(),
    'catalog.datasets': () => d.engine.datasets(),
    'files.pickDataset': async (req) => {
      const p = await choose('dataset', req?.path)
      return p === null ? null : d.engine.detectDataset(p)
    },
    'files.pickTable': async (req) => {
      const p = await choose('table', req?.path)
      if (p === null) return null
      try {
        const info = await withReadAhead(tableReads(p), () => d.engine.validateTable(p))
        return { path: p, info: { ...info, sha256: await sha256Path(p) }, description: `${info.space} table, ${info.size} rows, metrics ${info.metrics.join(', ')}` }
      } catch (e) {
        if (e instanceof ZsnasError) return { path: p, info: null, description: e.message }
        throw e
      }
    },
    'datasets.preview': async (spec, opts) => {
      const checked = checkConfig({ dataset: spec }).dataset
      return withReadAhead(datasetReads(checked as DatasetSpec), () => d.engine.previewDataset(checked, opts?.count ?? 8))
    },
    'tables.validate': async (req) => {
      const p = read(req.path, 'benchmark table')
      const info = await withReadAhead(tableReads(p), () => d.engine.validateTable(p, req.space))
      return { ...info, sha256: await sha256Path(p) }
    },
    'system.info': () => d.systemInfo(),
    'models.exporters': models['models.exporters'],
    'models.export': (req, ctx) => models['models.export']({ ...req, dir: writeDir(req.dir, 'export folder') }, ctx),
    ...computeHandlers(d.compute ?? new ComputeService(d.dataDir)),
    'calibration.start': (config) => calibration().start(checkConfig(config)),
    'calibration.get': (id) => calibration().get(id),
    'calibration.cancel': (id) => calibration().cancel(id),
    'compute.backends': d.backends ?? probedBackends(),
    'compute.setBackend': async (p) => {
      if (!d.setBackend) throw new ServiceError('UNSUPPORTED', 'compute.setBackend: the scoring backend is chosen only in the desktop app; here set ZSNAS_BACKEND (webgpu|wasm|cpu) for the server and restart it')
      return d.setBackend(p)
    },
  }
}

export function defaultWorkerCount(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return Math.max(1, cores - 1)
}
