/**
 * In-process transport: calls a `ServiceHandlers` through `dispatch` exactly as
 * Electron's ipcMain handler does (arguments and results are deep-copied through
 * JSON, like a structured clone, so no object identity leaks across). Used by
 * tests and by renderer component tests with a fake backend.
 */
import type { Transport } from './client'
import type { ServiceHandlers } from './contract'
import { dispatch } from './dispatch'
import type { MethodName } from './methods'

/** Where a backend publishes events; each transport subscribes to it. */
export interface EventBus {
  emit(event: string, payload: unknown): void
  subscribe(listener: (event: string, payload: unknown) => void): () => void
}

export function createEventBus(): EventBus {
  const listeners = new Set<(event: string, payload: unknown) => void>()
  return {
    emit(event, payload) {
      for (const l of [...listeners]) {
        try {
          l(event, payload)
        } catch {
          // a failing listener must not break the backend or other listeners
        }
      }
    },
    subscribe(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
  }
}

const clone = <T>(x: T): T => (x === undefined ? x : JSON.parse(JSON.stringify(x)))

export function createLocalTransport(handlers: ServiceHandlers, bus: EventBus): Transport {
  return {
    async call(method: MethodName, args: unknown[]) {
      return clone(await dispatch(handlers, method, clone(args), { transport: 'direct' }))
    },
    onEvent(listener) {
      return bus.subscribe((e, p) => listener(e, clone(p)))
    },
  }
}
