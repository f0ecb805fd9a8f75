/**
 * Browser-mode server: serves the built renderer and speaks the contract over
 * a WebSocket, bound to 127.0.0.1 only, guarded by a random token (like
 * Jupyter). Every request needs the token — as `?token=` (the printed URL) or
 * the HttpOnly SameSite=Strict cookie set when the page was opened with it;
 * the WebSocket needs the token too (`?token=` in its URL, or that cookie) and
 * (when a browser sends one) a same-host Origin. `GET /export/<runId>.zip`
 * (same guard) streams a run's export folder as a zip (`exportZip`), so in
 * browser mode an export downloads instead of landing on the server's disk. The Host header must be 127.0.0.1:PORT or
 * localhost:PORT (DNS-rebinding guard). Refusals: HTTP 403; a WebSocket upgrade
 * without a valid token is answered 403 and never opened.
 *
 * Messages are validated on receipt (`WsRequestSchema`, then `dispatch`
 * validates the arguments); malformed ones get a typed BAD_REQUEST reply.
 * Events from the backend bus are broadcast to every open socket.
 *
 * Guarantee: nothing a client sends can end the process. A protocol violation
 * (a frame over `MAX_FRAME_BYTES`, invalid UTF-8 text, an unmasked client
 * frame, RSV bits set, a reserved opcode, a bad close code …) closes THAT
 * socket only — with the RFC 6455 status code (1002/1007/1009) and, if the
 * peer does not finish the close handshake, a hard terminate after
 * `BAD_PEER_GRACE_MS`. Socket errors before and during the upgrade destroy that
 * socket only. A handler that throws is answered with an INTERNAL envelope.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { ServiceHandlers } from '../shared/contract'
import { WsRequestSchema } from '../shared/contract'
import { dispatch } from '../shared/dispatch'
import type { EventBus } from '../shared/local-transport'
import { WS_PATH } from '../shared/methods'
import { contentSecurityPolicy } from '../shared/csp'
import { resolveStatic } from './static'

export interface ServerOptions {
  handlers: ServiceHandlers
  bus: EventBus
  /** folder of the built renderer (index.html + assets); null = API only */
  staticDir: string | null
  /** 0 = a free port */
  port?: number
  /** default: 32 random bytes, hex */
  token?: string
  /** builds the zip of one run's export folder (file name + bytes); absent = no /export route (404) */
  exportZip?: (runId: string) => Promise<{ name: string; data: Uint8Array }>
}

export interface RunningServer {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const COOKIE = 'zsnas_token'
/** Largest WebSocket message the server accepts (frame or reassembled fragments); larger → close 1009. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024
/** After a protocol error the peer gets this long to complete the close handshake before the socket is destroyed. */
export const BAD_PEER_GRACE_MS = 1000

export function tokenMatches(expected: string, got: string | null | undefined): boolean {
  if (!got) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(got)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieToken(req: http.IncomingMessage): string | null {
  const raw = req.headers.cookie
  if (!raw) return null
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === COOKIE) return decodeURIComponent(v.join('='))
  }
  return null
}

/** Answers one zip download: 200 + attachment, 404 for an unknown run (typed NOT_FOUND), 500 otherwise; never throws. */
function serveZip(res: http.ServerResponse, head: boolean, build: NonNullable<ServerOptions['exportZip']>, id: string): void {
  build(id).then(
    ({ name, data }) => {
      res.writeHead(200, {
        'content-type': 'application/zip',
        'content-length': String(data.byteLength),
        'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      })
      res.end(head ? undefined : Buffer.from(data.buffer, data.byteOffset, data.byteLength))
    },
    (e: unknown) => {
      const code = (e as { code?: unknown })?.code
      res.writeHead(code === 'NOT_FOUND' ? 404 : 500, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(`${code === 'NOT_FOUND' ? '404' : '500'}: ${e instanceof Error ? e.message : String(e)}\n`)
    },
  )
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const token = o.token ?? randomBytes(32).toString('hex')
  let port = 0
  /** DNS-rebinding guard: only our own loopback host names are served */
  const hostOk = (req: http.IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (!hostOk(req)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('403 forbidden: unexpected Host header\n')
      return
    }
    const queryOk = tokenMatches(token, url.searchParams.get('token'))
    if (!queryOk && !tokenMatches(token, cookieToken(req))) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('403 forbidden: open the URL with ?token=… that the server printed\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' })
      res.end()
      return
    }
    const zip = /^\/export\/([^/]+)\.zip$/.exec(url.pathname)
    if (zip && o.exportZip) {
      serveZip(res, req.method === 'HEAD', o.exportZip, decodeURIComponent(zip[1]))
      return
    }
    const found = o.staticDir ? resolveStatic(o.staticDir, url.pathname) : null
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('404 not found\n')
      return
    }
    const headers: Record<string, string> = {
      'content-type': found.type,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    }
    if (found.type.startsWith('text/html')) {
      headers['content-security-policy'] = contentSecurityPolicy([`ws://127.0.0.1:${port}`])
      headers['x-frame-options'] = 'DENY'
    }
    if (queryOk) headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
    res.writeHead(200, headers)
    if (req.method === 'HEAD') res.end()
    else fs.createReadStream(found.file).pipe(res)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  const sockets = new Set<WebSocket>()
  server.on('upgrade', (req, socket, head) => {
    // Node removes the HTTP server's socket error listener on upgrade: without this a reset during
    // the handshake (or during the 403 below) would be an unhandled 'error' event.
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const origin = req.headers.origin
    const originOk = origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
    const tokenOk = tokenMatches(token, url.searchParams.get('token')) || tokenMatches(token, cookieToken(req))
    if (url.pathname !== WS_PATH || !hostOk(req) || !tokenOk || !originOk) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('error', () => {}) // never emitted with noServer; a listener keeps it from ever being fatal
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    // A protocol violation: ws has already started the close handshake with the right status code;
    // make sure the socket goes away even if the peer never answers.
    ws.on('error', () => {
      setTimeout(() => ws.terminate(), BAD_PEER_GRACE_MS).unref()
    })
    ws.on('message', (data, isBinary) => {
      void answer(ws, data, isBinary).catch((e: unknown) => {
        // answer() catches everything it can foresee; this is the last line of defence
        const message = e instanceof Error ? e.message : String(e)
        reply(ws, { type: 'res', id: -1, result: { ok: false, error: { code: 'INTERNAL', message: `server: ${message}` } } })
      })
    })
  })

  /** Sends when the socket is still open; a failed send (peer gone) concerns that socket only. */
  function reply(ws: WebSocket, msg: unknown): void {
    if (ws.readyState !== ws.OPEN) return
    ws.send(JSON.stringify(msg), () => {})
  }

  /** One message → one reply: BAD_REQUEST for non-JSON / malformed envelopes, else the dispatched result. */
  async function answer(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    let raw: unknown
    try {
      if (isBinary) throw new Error('binary')
      raw = JSON.parse(data.toString())
    } catch {
      reply(ws, { type: 'res', id: -1, result: { ok: false, error: { code: 'BAD_REQUEST', message: 'message is not JSON text' } } })
      return
    }
    const parsed = WsRequestSchema.safeParse(raw)
    if (!parsed.success) {
      const rawId = raw !== null && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined
      const id = typeof rawId === 'number' && Number.isFinite(rawId) ? rawId : -1
      reply(ws, {
        type: 'res',
        id,
        result: { ok: false, error: { code: 'BAD_REQUEST', message: 'malformed request: expected { type: "req", id, method, args: [] }' } },
      })
      return
    }
    const { id, method, args } = parsed.data
    const result = await dispatch(o.handlers, method, args, { transport: 'ws' })
    reply(ws, { type: 'res', id, result })
  }

  const unsubscribe = o.bus.subscribe((event, payload) => {
    const text = JSON.stringify({ type: 'event', event, payload })
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe()
      for (const ws of sockets) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
