/**
 * Electron transport (renderer side): talks to the functions the preload
 * exposed on `window.zsnas` (one function per contract method, plus `onEvent`).
 */
import type { Transport } from './client'
import { BRIDGE_KEY, splitMethod, type MethodName } from './methods'

/** Shape of what `src/preload/index.ts` exposes. */
export type PreloadBridge = Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> & {
  onEvent(listener: (event: string, payload: unknown) => void): () => void
}

export function getPreloadBridge(): PreloadBridge | null {
  const b = (globalThis as Record<string, unknown>)[BRIDGE_KEY]
  return b && typeof b === 'object' ? (b as PreloadBridge) : null
}

export function createPreloadTransport(bridge: PreloadBridge | null = getPreloadBridge()): Transport {
  if (!bridge) throw new Error(`no Electron bridge on window.${BRIDGE_KEY} (not running inside the desktop app)`)
  return {
    call(method: MethodName, args: unknown[]) {
      const [g, n] = splitMethod(method)
      const fn = bridge[g]?.[n]
      if (typeof fn !== 'function') return Promise.reject(new Error(`bridge lacks ${method}`))
      return fn(...args)
    },
    onEvent(listener) {
      return bridge.onEvent(listener)
    },
  }
}
