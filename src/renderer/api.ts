/**
 * The renderer's handle on the backend: the contract's `Client`
 * (src/shared/client.ts), provided to the Vue app under `API_KEY` and taken by
 * every store through `useApi()`. Stores never touch `window`; `main.ts`
 * decides the transport (Electron preload bridge or the browser-mode WebSocket).
 */
import { inject, type InjectionKey } from 'vue'
import type { Client } from '../shared/client'

export type Api = Client
export const API_KEY: InjectionKey<Api> = Symbol('zsnas-api')

export function useApi(): Api {
  const api = inject(API_KEY, null)
  if (!api) throw new Error('no API client provided: call app.provide(API_KEY, client) before using the stores')
  return api
}

/** One-line message for anything a call can reject with (ServiceError carries code + message). */
export function errorMessage(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const code = (e as { code?: unknown }).code
    const msg = String((e as { message: unknown }).message)
    return typeof code === 'string' && code !== 'INTERNAL' ? `${msg} (${code})` : msg
  }
  return String(e)
}
