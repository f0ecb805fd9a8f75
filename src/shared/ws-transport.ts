/**
 * WebSocket transport (browser mode). Works with the browser's global
 * `WebSocket` or with the `ws` package's class in Node (pass it as `WebSocketImpl`).
 * Guarantees: each call resolves with the server's envelope or rejects with a
 * 'TRANSPORT' ServiceError when the socket closes first; events are forwarded raw
 * (the client validates them).
 */
import { ServiceError, type Transport } from './client'
import { WS_PATH, type MethodName } from './methods'

interface WsLike {
  readyState: number
  send(data: string): void
  close(): void
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (ev: any) => void): void
}

export interface WsTransportOptions {
  /** constructor of a WebSocket; default `globalThis.WebSocket` */
  WebSocketImpl?: new (url: string) => WsLike
}

/** `http://127.0.0.1:8080/?token=abc` (the page URL) → `ws://127.0.0.1:8080/ws?token=abc` */
export function wsUrlFromPageUrl(pageUrl: string): string {
  const u = new URL(pageUrl)
  const token = u.searchParams.get('token') ?? ''
  return `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}${WS_PATH}?token=${encodeURIComponent(token)}`
}

export function createWsTransport(url: string, opts: WsTransportOptions = {}): Transport & { ready: Promise<void> } {
  const Impl = opts.WebSocketImpl ?? (globalThis as unknown as { WebSocket: new (url: string) => WsLike }).WebSocket
  const ws = new Impl(url)
  let nextId = 1
  let closed: ServiceError | null = null
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>()
  const listeners = new Set<(event: string, payload: unknown) => void>()
  const ready = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve())
    ws.addEventListener('close', (ev: { code?: number; reason?: string }) => {
      closed = new ServiceError('TRANSPORT', `connection closed (${ev?.code ?? '?'} ${ev?.reason ?? ''})`.trim(), { closeCode: ev?.code })
      reject(closed)
      for (const p of pending.values()) p.reject(closed)
      pending.clear()
    })
  })
  ready.catch(() => {})
  ws.addEventListener('message', (ev: { data: unknown }) => {
    let msg: any
    try {
      msg = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data))
    } catch {
      return
    }
    if (msg?.type === 'res' && typeof msg.id === 'number') {
      const p = pending.get(msg.id)
      if (p) {
        pending.delete(msg.id)
        p.resolve(msg.result)
      }
    } else if (msg?.type === 'event' && typeof msg.event === 'string') {
      for (const l of [...listeners]) l(msg.event, msg.payload)
    }
  })
  return {
    ready,
    async call(method: MethodName, args: unknown[]) {
      await ready
      if (closed) throw closed
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        ws.send(JSON.stringify({ type: 'req', id, method, args }))
      })
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      ws.close()
    },
  }
}
