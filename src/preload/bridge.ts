/**
 * Builds the object the preload exposes on `window.zsnas`: exactly one
 * function per contract method (generated from METHOD_NAMES, each bound to
 * its own channel — there is no generic invoke(channel)), plus `onEvent`.
 * Imports only the dependency-free method list (the sandboxed preload cannot
 * load npm packages).
 */
import { IPC_EVENT_CHANNEL, METHOD_NAMES, ipcChannel, splitMethod } from '../shared/methods'

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (e: unknown, msg: unknown) => void): unknown
  removeListener(channel: string, listener: (e: unknown, msg: unknown) => void): unknown
}

export function buildBridge(ipc: IpcRendererLike): Record<string, unknown> {
  const api: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>> | unknown> = {}
  for (const m of METHOD_NAMES) {
    const [g, n] = splitMethod(m)
    const channel = ipcChannel(m)
    const group = (api[g] ??= {}) as Record<string, (...args: unknown[]) => Promise<unknown>>
    group[n] = (...args: unknown[]) => ipc.invoke(channel, ...args)
  }
  api.onEvent = (listener: (event: string, payload: unknown) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function')
    const wrapped = (_e: unknown, msg: unknown) => {
      const m = msg as { event?: unknown; payload?: unknown } | null
      if (m && typeof m.event === 'string') listener(m.event, m.payload)
    }
    ipc.on(IPC_EVENT_CHANNEL, wrapped)
    return () => {
      ipc.removeListener(IPC_EVENT_CHANNEL, wrapped)
    }
  }
  return api
}
