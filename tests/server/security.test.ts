/**
 * Browser-mode server security: token required for HTTP and WebSocket,
 * loopback-only binding, no path traversal, same-host Origin for sockets,
 * malformed WebSocket messages answered with typed errors.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServiceHandlers } from '../../src/shared/contract'
import { createEventBus } from '../../src/shared/local-transport'
import { METHOD_NAMES } from '../../src/shared/methods'
import { startServer, type RunningServer } from '../../src/server/server'
import { tmpDir } from './helpers'

let srv: RunningServer
const bus = createEventBus()
const root = tmpDir('static')

beforeAll(async () => {
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>')
  fs.mkdirSync(path.join(root, 'assets'))
  fs.writeFileSync(path.join(root, 'assets', 'a.js'), 'console.log(1)')
  fs.writeFileSync(path.join(path.dirname(root), `secret-${path.basename(root)}.txt`), 'secret')
  const handlers = Object.fromEntries(METHOD_NAMES.map((m) => [m, () => (m === 'runs.list' ? [] : null)])) as unknown as ServiceHandlers
  srv = await startServer({ handlers, bus, staticDir: root })
})
afterAll(async () => {
  await srv?.close()
})

function get(p: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: srv.port, path: p, headers }, (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      })
      .on('error', reject)
  })
}

function openWs(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {})
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

describe('browser-mode server security', () => {
  it('binds to 127.0.0.1 and prints a URL with a long random token', () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/)
  })

  it('refuses HTTP requests without the token (403), serves with it and sets an HttpOnly SameSite cookie', async () => {
    expect((await get('/')).status).toBe(403)
    expect((await get('/?token=wrong')).status).toBe(403)
    expect((await get('/assets/a.js')).status).toBe(403)
    const ok = await get(`/?token=${srv.token}`)
    expect(ok.status).toBe(200)
    expect(ok.body).toContain('<title>t</title>')
    expect(ok.headers['content-security-policy']).toContain("default-src 'none'")
    const cookie = String(ok.headers['set-cookie'])
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    const asset = await get('/assets/a.js', { cookie: cookie.split(';')[0] })
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toContain('javascript')
    expect((await get('/assets/a.js', { cookie: 'zsnas_token=nope' })).status).toBe(403)
  })

  it('refuses a foreign Host header even with the token (DNS rebinding)', async () => {
    expect((await get(`/?token=${srv.token}`, { host: `evil.example:${srv.port}` })).status).toBe(403)
    expect((await get(`/?token=${srv.token}`, { host: `localhost:${srv.port}` })).status).toBe(200)
  })

  it('never serves files outside the renderer folder', async () => {
    const secret = `secret-${path.basename(root)}.txt`
    for (const p of [`/../${secret}`, `/%2e%2e/${secret}`, `/assets/..%2f..%2f${secret}`]) {
      const r = await get(`${p}?token=${srv.token}`)
      expect(r.status).toBe(404)
      expect(r.body).not.toContain('secret')
    }
  })

  it('refuses WebSocket upgrades without the token or from a foreign origin', async () => {
    const base = `ws://127.0.0.1:${srv.port}/ws`
    await expect(openWs(base)).rejects.toThrow(/403/)
    await expect(openWs(`${base}?token=bad`)).rejects.toThrow(/403/)
    await expect(openWs(`${base}?token=${srv.token}`, 'https://evil.example')).rejects.toThrow(/403/)
    const ws = await openWs(`${base}?token=${srv.token}`, `http://127.0.0.1:${srv.port}`)
    ws.close()
  })

  it('answers malformed WebSocket messages with typed BAD_REQUEST / UNKNOWN_METHOD errors', async () => {
    const ws = await openWs(`ws://127.0.0.1:${srv.port}/ws?token=${srv.token}`)
    const replies: any[] = []
    ws.on('message', (d) => replies.push(JSON.parse(d.toString())))
    const send = (x: string) => ws.send(x)
    send('not json')
    send(JSON.stringify({ type: 'req', id: 1, method: 'runs.get' })) // no args array
    send(JSON.stringify({ type: 'req', id: 2, method: 'runs.get', args: [{ evil: true }] }))
    send(JSON.stringify({ type: 'req', id: 3, method: 'process.exit', args: [] }))
    send(JSON.stringify({ type: 'req', id: 4, method: 'runs.list', args: [] }))
    await new Promise((r) => setTimeout(r, 300))
    ws.close()
    const byId = Object.fromEntries(replies.map((r) => [r.id, r.result]))
    expect(byId[-1]).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(byId[1]).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(byId[2]).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(byId[3]).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
    expect(byId[4]).toEqual({ ok: true, value: [] })
  })
})

describe('WebSocket transport', () => {
  it('reconnects after the server restarts on the same port; a wrong token fails fast without retrying', async () => {
    const { createWsTransport } = await import('../../src/shared/ws-transport')
    const { createClient } = await import('../../src/shared/client')
    const handlers = Object.fromEntries(METHOD_NAMES.map((m) => [m, () => (m === 'runs.list' ? [] : null)])) as unknown as ServiceHandlers
    const a = await startServer({ handlers, bus, staticDir: null, token: 'T'.repeat(64) })
    const statuses: string[] = []
    const t = createWsTransport(`ws://127.0.0.1:${a.port}/ws?token=${'T'.repeat(64)}`, { WebSocketImpl: WebSocket as never, onStatus: (s) => statuses.push(s) })
    const client = createClient(t)
    expect(await client.runs.list()).toEqual([])
    const slow = client.call('runs.list').catch((e) => e) // in flight or queued when the server goes away
    await a.close()
    await expect.poll(() => statuses.at(-1)).toBe('reconnecting')
    const b = await startServer({ handlers, bus, staticDir: null, token: 'T'.repeat(64), port: a.port })
    await expect.poll(() => statuses.at(-1), { timeout: 10_000 }).toBe('open')
    expect(await client.runs.list()).toEqual([])
    const first = await slow // answered before the close, or rejected with TRANSPORT — never replayed
    expect(Array.isArray(first) || first.code === 'TRANSPORT').toBe(true)
    client.close()
    await b.close()

    const bad = createClient(createWsTransport(`ws://127.0.0.1:${srv.port}/ws?token=wrong`, { WebSocketImpl: WebSocket as never }))
    await expect(bad.runs.list()).rejects.toMatchObject({ code: 'TRANSPORT' })
  })
})
