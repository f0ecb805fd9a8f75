/**
 * Browser-mode access and downloads (issue #21 defect 3 / build 4, defect 10):
 * the token is stable per data folder (a restart keeps the URL), `--token`
 * is validated, the WebSocket accepts the token cookie, `/export/<id>.zip`
 * is guarded and answers 404 for an unknown run, and the transport's probe
 * tells a refused token ('rejected') from a dead server ('reconnecting').
 */
import fs from 'node:fs'
import path from 'node:path'
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { unzipSync, strFromU8 } from 'fflate'
import { parseArgs } from '../../src/server/args'
import { stableToken, TOKEN_FILE } from '../../src/server/token'
import { startServer, type RunningServer } from '../../src/server/server'
import { zipFolder } from '../../src/server/zip'
import { createEventBus } from '../../src/shared/local-transport'
import { createClient } from '../../src/shared/client'
import { createWsTransport, httpProbe, type ConnectionStatus } from '../../src/shared/ws-transport'
import { METHOD_NAMES } from '../../src/shared/methods'
import type { ServiceHandlers } from '../../src/shared/contract'
import { tmpDir } from './helpers'

const handlers = Object.fromEntries(METHOD_NAMES.map((m) => [m, () => (m === 'runs.list' ? [] : null)])) as unknown as ServiceHandlers
const servers: RunningServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close().catch(() => {})
})
async function serve(o: Partial<Parameters<typeof startServer>[0]> = {}) {
  const s = await startServer({ handlers, bus: createEventBus(), staticDir: null, ...o })
  servers.push(s)
  return s
}

describe('access token', () => {
  it('is created once per data folder (0600) and read back on the next start; a malformed file is an error', () => {
    const dir = tmpDir('token')
    const a = stableToken(dir)
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(stableToken(dir)).toBe(a)
    expect(fs.statSync(path.join(dir, TOKEN_FILE)).mode & 0o777).toBe(0o600)
    expect(stableToken(tmpDir('token2'))).not.toBe(a)
    fs.writeFileSync(path.join(dir, TOKEN_FILE), 'short\n')
    expect(() => stableToken(dir)).toThrow(/server-token: not a token/)
  })

  it('--token is validated (URL-safe, 16–256 characters)', () => {
    expect(parseArgs(['--token', 'abcdefghijklmnop']).token).toBe('abcdefghijklmnop')
    expect(() => parseArgs(['--token', 'short'])).toThrow(/--token must be 16–256/)
    expect(() => parseArgs(['--token', 'has spaces in it ok?'])).toThrow(/--token/)
    expect(parseArgs([]).token).toBeUndefined()
  })
})

describe('run folder zip download', () => {
  it('is guarded by the token, streams the zip, 404 for an unknown run', async () => {
    const s = await serve({
      token: 'T'.repeat(32),
      exportZip: async (id) => {
        if (id !== 'run-1') throw Object.assign(new Error(`no run with id '${id}'`), { code: 'NOT_FOUND' })
        return { name: 'run-1.zip', data: zipFolder('run-1', { 'manifest.json': '{"a":1}', 'bin.dat': new Uint8Array([0, 1, 2]) }) }
      },
    })
    const base = `http://127.0.0.1:${s.port}`
    expect((await fetch(`${base}/export/run-1.zip`)).status).toBe(403)
    const res = await fetch(`${base}/export/run-1.zip?token=${'T'.repeat(32)}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="run-1.zip"')
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()))
    expect(strFromU8(files['run-1/manifest.json'])).toBe('{"a":1}')
    expect([...files['run-1/bin.dat']]).toEqual([0, 1, 2])
    const missing = await fetch(`${base}/export/run-9.zip`, { headers: { cookie: `zsnas_token=${'T'.repeat(32)}` } })
    expect(missing.status).toBe(404)
    expect(await missing.text()).toMatch(/no run with id 'run-9'/)
  })
})

describe('WebSocket token cookie and connection states', () => {
  it('the socket accepts the cookie token; the probe says rejected (403) vs unreachable (no server)', async () => {
    const token = 'C'.repeat(40)
    const s = await serve({ token })
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws?token=wrong`, { headers: { cookie: `zsnas_token=${token}` } })
    await new Promise<void>((res, rej) => {
      ws.on('open', () => res())
      ws.on('error', rej)
    })
    ws.close()
    expect(await httpProbe(`http://127.0.0.1:${s.port}/?token=${token}`)()).toBe('ok')
    expect(await httpProbe(`http://127.0.0.1:${s.port}/?token=wrong`)()).toBe('rejected')
    const port = s.port
    await s.close()
    servers.splice(0)
    expect(await httpProbe(`http://127.0.0.1:${port}/?token=${token}`)()).toBe('unreachable')
  })

  it('a server restarted with another token turns a live connection into "rejected" (no endless retry)', async () => {
    const a = await serve({ token: 'A'.repeat(32) })
    const statuses: ConnectionStatus[] = []
    const pageUrl = `http://127.0.0.1:${a.port}/?token=${'A'.repeat(32)}`
    const t = createWsTransport(`ws://127.0.0.1:${a.port}/ws?token=${'A'.repeat(32)}`, { WebSocketImpl: WebSocket as never, onStatus: (x) => statuses.push(x), probe: httpProbe(pageUrl) })
    const client = createClient(t)
    expect(await client.runs.list()).toEqual([])
    await a.close()
    servers.splice(0)
    await expect.poll(() => statuses.at(-1)).toBe('reconnecting')
    await serve({ token: 'B'.repeat(32), port: a.port })
    await expect.poll(() => statuses.at(-1), { timeout: 15_000 }).toBe('rejected')
    await expect(client.runs.list()).rejects.toMatchObject({ code: 'TRANSPORT', message: expect.stringMatching(/rejected the access token/) })
    client.close()
  })
})
