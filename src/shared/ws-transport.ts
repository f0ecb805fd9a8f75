/**
 * WebSocket transport (browser mode). Works with the browser's global
 * `WebSocket` or with the `ws` package's class in Node (pass it as `WebSocketImpl`).
 * Guarantees: each call resolves with the server's envelope or rejects with a
 * 'TRANSPORT' ServiceError when the socket closes first (calls are never
 * replayed, so nothing runs twice); after a drop the transport reconnects with
 * backoff and later calls and events flow again (event listeners are kept);
 * events are forwarded raw (the client validates them).
 *
 * Connection state (`onStatus`, for the renderer's banner):
 *  - 'connecting'   first attempt in progress;
 *  - 'open'         connected;
 *  - 'reconnecting' the connection dropped (or a reconnect attempt failed) and
 *                   the transport keeps retrying with backoff — the server is not
 *                   reachable right now;
 *  - 'rejected'     the server answered but refused the token (a reconnect to a
 *                   server restarted with another token, or a wrong token): retrying
 *                   cannot help, the user must open the URL the server printed;
 *  - 'closed'       closed by the client, or a first connection that never opened
 *                   (not retried) and the probe could not tell why.
 * Telling 'rejected' from 'unreachable' needs an HTTP probe (a browser hides
 * the status of a refused WebSocket upgrade): `opts.probe`, see `httpProbe`.
 * Calls while not connected fail with a TRANSPORT error whose message starts
 * "server not reachable" (or "the server rejected the access token").
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
  /** reconnect after the connection drops (default true; delays 0.5 s doubling to 8 s). A first connection that never opens is not retried. */
  reconnect?: boolean
  /** how long a call made while disconnected waits for the connection (default 15 s) */
  connectTimeoutMs?: number
  /** connection state changes (e.g. for a "reconnecting…" banner); see the file comment */
  onStatus?: (status: ConnectionStatus) => void
  /** after an attempt that never opened: does the server refuse the token ('rejected'), not answer ('unreachable'), or accept it ('ok')? */
  probe?: () => Promise<ProbeResult>
}

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'rejected' | 'closed'
export type ProbeResult = 'ok' | 'rejected' | 'unreachable'

/**
 * A probe for browsers: HEAD of the page's own URL with its token (the server answers 403 to a bad
 * token, 200 to a good one); a network error means the server is not reachable.
 */
export function httpProbe(pageUrl: string, fetchImpl: typeof fetch = fetch): () => Promise<ProbeResult> {
  return async () => {
    try {
      const res = await fetchImpl(pageUrl, { method: 'HEAD', cache: 'no-store', credentials: 'omit' })
      return res.status === 403 ? 'rejected' : 'ok'
    } catch {
      return 'unreachable'
    }
  }
}

/** `http://127.0.0.1:8080/?token=abc` (the page URL) → `ws://127.0.0.1:8080/ws?token=abc` */
export function wsUrlFromPageUrl(pageUrl: string): string {
  const u = new URL(pageUrl)
  const token = u.searchParams.get('token') ?? ''
  return `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}${WS_PATH}?token=${encodeURIComponent(token)}`
}

export function createWsTransport(url: string, opts: WsTransportOptions = {}): Transport & { ready: Promise<void> } {
  const Impl = opts.WebSocketImpl ?? (globalThis as unknown as { WebSocket: new (url: string) => WsLike }).WebSocket
  const reconnect = opts.reconnect ?? true
  const waitMs = opts.connectTimeoutMs ?? 15_000
  let ws: WsLike
  let open = false
  let everOpened = false
  let closedByUser = false
  let gaveUp: ServiceError | null = null
  let attempt = 0
  let nextId = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>()
  const listeners = new Set<(event: string, payload: unknown) => void>()
  let openWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = []
  let resolveReady!: () => void
  let rejectReady!: (e: unknown) => void
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res
    rejectReady = rej
  })
  ready.catch(() => {})

  const rejectedError = () => new ServiceError('TRANSPORT', 'the server rejected the access token: open the URL (with ?token=…) that the server printed', { rejected: true })
  const connect = () => {
    if (!everOpened) opts.onStatus?.('connecting')
    let opened = false
    const sock = new Impl(url)
    ws = sock
    sock.addEventListener('open', () => {
      opened = true
      open = true
      everOpened = true
      attempt = 0
      opts.onStatus?.('open')
      resolveReady()
      for (const w of openWaiters.splice(0)) w.resolve()
    })
    sock.addEventListener('close', (ev: { code?: number; reason?: string }) => {
      if (sock !== ws) return
      open = false
      const err = new ServiceError('TRANSPORT', `server not reachable: connection closed (${ev?.code ?? '?'}${ev?.reason ? ' ' + ev.reason : ''})`, { closeCode: ev?.code })
      for (const p of pending.values()) p.reject(err)
      pending.clear()
      const stop = (e: ServiceError, status: ConnectionStatus) => {
        gaveUp = e
        rejectReady(gaveUp)
        for (const w of openWaiters.splice(0)) w.reject(gaveUp)
        opts.onStatus?.(status)
      }
      if (closedByUser) return stop(new ServiceError('TRANSPORT', 'connection closed by the client'), 'closed')
      const retry = () => {
        const delay = Math.min(8000, 500 * 2 ** attempt++)
        setTimeout(() => {
          if (!closedByUser) connect()
        }, delay)
      }
      if (opened) {
        // a live connection dropped: say so at once, then retry
        if (!reconnect) return stop(err, 'closed')
        opts.onStatus?.('reconnecting')
        return retry()
      }
      // an attempt that never opened: a refused token, or no server
      const decide = (p: ProbeResult) => {
        if (closedByUser) return
        if (p === 'rejected') return stop(rejectedError(), 'rejected')
        if (!everOpened || !reconnect) return stop(err, 'closed')
        opts.onStatus?.('reconnecting')
        retry()
      }
      if (opts.probe) opts.probe().then(decide, () => decide('unreachable'))
      else decide('unreachable')
    })
    // errors are always followed by 'close', which does the bookkeeping
    sock.addEventListener('error', () => {})
    sock.addEventListener('message', (ev: { data: unknown }) => {
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
  }

  const whenOpen = (): Promise<void> => {
    if (open) return Promise.resolve()
    if (gaveUp) return Promise.reject(gaveUp)
    return new Promise((resolve, reject) => {
      const w = { resolve: () => (clearTimeout(t), resolve()), reject: (e: unknown) => (clearTimeout(t), reject(e)) }
      const t = setTimeout(() => {
        openWaiters = openWaiters.filter((x) => x !== w)
        reject(new ServiceError('TRANSPORT', `server not reachable (waited ${waitMs / 1000} s for the connection)`))
      }, waitMs)
      openWaiters.push(w)
    })
  }

  connect()
  return {
    ready,
    async call(method: MethodName, args: unknown[]) {
      await whenOpen()
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
      closedByUser = true
      ws.close()
    },
  }
}
