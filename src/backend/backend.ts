/**
 * Assembles the app backend (store + supervisor + service handlers + event
 * bus) for one data folder, which it locks (one backend process per folder;
 * throws CONFLICT if another live process owns it). Used by Electron main and by the browser-mode
 * server; knows nothing about either transport.
 */
import os from 'node:os'
import type { ServiceHandlers } from '../shared/contract'
import { createEventBus, type EventBus } from '../shared/local-transport'
import type { BackendPreference, BackendsInfo, RunSummary, SystemInfo } from '../shared/schemas'
import type { EnginePort } from './engine-port'
import { RunManager } from './run-manager'
import { createService, defaultWorkerCount, type FilePicker } from './service'
import type { PathPolicy } from './path-policy'
import { RunStore } from './store'
import type { WorkerHost } from './worker-host'
import { APP_VERSION } from './version'
import { recyclingHost } from './recycling-host'
import { acquireDataDirLock } from './lock'
import { ComputeService } from './cluster/compute'
import { CalibrationService } from './calibration'

export interface BackendOptions {
  dataDir: string
  host: WorkerHost
  engine: EnginePort
  mode: 'electron' | 'browser'
  picker?: FilePicker
  /** containment of client-named paths (src/backend/path-policy.ts); the browser-mode server always sets it */
  paths?: PathPolicy
  electronVersion?: string
  /** default worker count for runs that do not set one (default: cores − 1, min 1) */
  defaultWorkers?: number
  /** `compute.backends` (Electron: the GPU-window choice's; default: the Node probe) */
  backends?: () => Promise<BackendsInfo>
  /** the backend new local runs score on, for `system.info` (Electron: the GPU-window choice; default ZSNAS_BACKEND or wasm) */
  scoringBackend?: () => string
  /** `compute.setBackend` (Electron: ScoringWorkers.setPreference); absent = UNSUPPORTED */
  setBackend?: (p: BackendPreference) => Promise<BackendsInfo>
  /** called with a function that drops the warm idle workers (Electron: after the worker kind changed) */
  onWorkersSwitch?: (dropIdle: () => void) => void
  onActivity?: (a: { active: number; fraction: number | null; ended?: RunSummary }) => void
  eventIntervalMs?: number
}

export interface Backend {
  handlers: ServiceHandlers
  bus: EventBus
  manager: RunManager
  store: RunStore
  /** runs marked 'interrupted' when the store was opened */
  interrupted: string[]
  /** stops workers (active runs become 'interrupted'), closes the store, releases the data-folder lock */
  close(): Promise<void>
}

export function createBackend(o: BackendOptions): Backend {
  const releaseLock = acquireDataDirLock(o.dataDir)
  let opened: ReturnType<typeof RunStore.open>
  try {
    opened = RunStore.open(o.dataDir)
  } catch (e) {
    releaseLock()
    throw e
  }
  const { store, interrupted } = opened
  const bus = createEventBus()
  const defaultWorkers = o.defaultWorkers ?? defaultWorkerCount()
  const versions = { app: APP_VERSION, engine: o.engine.version, node: process.version, ...(o.electronVersion ? { electron: o.electronVersion } : {}) }
  // idle workers of a finished run stay warm for the next one (at most the default pool size)
  const host = recyclingHost(o.host, defaultWorkers)
  // a changed worker kind (⚙ Compute): warm idle workers of the old kind must not score the next run
  o.onWorkersSwitch?.(() => host.dispose())
  const compute = new ComputeService(o.dataDir)
  const manager = new RunManager({
    clusterScorer: (id, config, request, log) => compute.scorerFor(id, config, request, log),
    store,
    engine: o.engine,
    host,
    recycle: (h) => host.recycle(h),
    emit: (event, payload) => bus.emit(event, payload),
    defaultWorkers,
    versions,
    onActivity: o.onActivity,
    eventIntervalMs: o.eventIntervalMs,
  })
  // calibrations spawn a fresh worker (not a warm one: its first scoring and its peak RSS are this scoring's own) and kill it after
  const calibration = new CalibrationService({ engine: o.engine, host: o.host })
  const systemInfo = (): SystemInfo => ({
    mode: o.mode,
    canPickFiles: o.picker !== undefined,
    versions: { ...versions, backend: o.scoringBackend?.() ?? process.env.ZSNAS_BACKEND ?? 'wasm' },
    cores: Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length),
    defaultWorkers,
    platform: process.platform,
    dataDir: o.dataDir,
  })
  const handlers = createService({ store, manager, engine: o.engine, dataDir: o.dataDir, picker: o.picker, systemInfo, paths: o.paths, compute, backends: o.backends, setBackend: o.setBackend, calibration })
  return {
    handlers,
    bus,
    manager,
    store,
    interrupted,
    async close() {
      calibration.close()
      await manager.shutdown()
      host.dispose()
      store.close()
      releaseLock()
    },
  }
}
