/**
 * The contract's method and event NAMES and the transport channel names.
 *
 * This file is dependency-free on purpose: the Electron preload is sandboxed
 * and may not `require` npm packages, so it imports only this file to generate
 * exactly one bridge function per contract method. The zod schemas for every
 * method/event live in `contract.ts`, which is keyed by these same names
 * (a type-level check there guarantees the two lists never drift apart).
 *
 * Channel names exist only here; nothing else in the code base spells them.
 */

/** Every service method, as `group.name`. Order is the order menus/docs list them. */
export const METHOD_NAMES = [
  'runs.start',
  'runs.cancel',
  'runs.resume',
  'runs.list',
  'runs.get',
  'runs.evaluations',
  'runs.export',
  'runs.delete',
  'runs.setNotes',
  'catalog.spaces',
  'catalog.proxies',
  'catalog.strategies',
  'catalog.datasets',
  'files.pickDataset',
  'files.pickTable',
  'datasets.preview',
  'tables.validate',
  'system.info',
  'models.exporters',
  'models.export',
  'compute.get',
  'compute.set',
  'compute.workers',
  'calibration.start',
  'calibration.get',
  'calibration.cancel',
  'compute.backends',
  'compute.setBackend',
] as const

export type MethodName = (typeof METHOD_NAMES)[number]

/** Every pushed event (main/server → renderer). */
export const EVENT_NAMES = ['run.progress', 'run.evaluated', 'run.best', 'run.log', 'run.finished', 'run.failed'] as const

export type EventName = (typeof EVENT_NAMES)[number]

/** Electron IPC channel carrying one method's `ipcRenderer.invoke`. */
export function ipcChannel(method: MethodName): string {
  return `zsnas:${method}`
}

/** Electron IPC channel on which main pushes every event (`{ event, payload }`). */
export const IPC_EVENT_CHANNEL = 'zsnas:event'

/** WebSocket path of browser mode (the token goes in the `token` query parameter). */
export const WS_PATH = '/ws'

/** Name of the object the preload exposes on `window` via contextBridge. */
export const BRIDGE_KEY = 'zsnas'

/** `'runs.start'` → `['runs', 'start']` */
export function splitMethod(method: MethodName): [string, string] {
  const i = method.indexOf('.')
  return [method.slice(0, i), method.slice(i + 1)]
}

export function isMethodName(x: unknown): x is MethodName {
  return typeof x === 'string' && (METHOD_NAMES as readonly string[]).includes(x)
}

export function isEventName(x: unknown): x is EventName {
  return typeof x === 'string' && (EVENT_NAMES as readonly string[]).includes(x)
}
