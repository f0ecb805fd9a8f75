/**
 * WebSocket fuzz against the real browser-mode server (`src/server/cli.ts`, what
 * `npm run serve` runs) as a child process, loopback only. Each case opens a raw
 * TCP connection, completes a real upgrade with the real token, writes bytes
 * and half-closes. Must hold after every catalogue case and after every batch
 * of the 1,000 seeded random cases:
 *  - the server process is alive,
 *  - a long-lived healthy socket opened before the fuzz still answers `system.info`
 *    (a bad frame closes that socket only),
 *  - a fresh connection is accepted and answers `system.info`.
 * Catalogue protocol violations must be answered with the RFC 6455 close code
 * (1009 too big, 1007 invalid UTF-8, 1002 protocol error); malformed payloads in
 * valid frames with a typed error envelope on a socket that stays open.
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import path from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../src/engine/core/rng'
import { spawnServerCli, tmpDir } from './helpers'

let proc: ChildProcess
let port = 0
let token = ''
let healthy: WebSocket
let nextId = 1

beforeAll(async () => {
  const dataDir = tmpDir('fuzz')
  const started = await spawnServerCli(['--data-dir', dataDir, '--static', path.join(dataDir, 'no-ui')])
  proc = started.proc
  const url = started.url
  port = Number(url.port)
  token = url.searchParams.get('token')!
  healthy = await openWs()
}, 90_000)

afterAll(() => {
  healthy?.terminate()
  if (proc && proc.exitCode === null) proc.kill('SIGKILL')
})

function openWs(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`)
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** Sends one request on `ws` and resolves with its result envelope (rejects after 10 s). */
function call(ws: WebSocket, method: string, args: unknown[] = []): Promise<{ ok: boolean; value?: any; error?: { code: string } }> {
  const id = nextId++
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no reply to ${method} within 10 s`)), 10_000)
    const onMsg = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString())
      if (msg.type === 'res' && msg.id === id) {
        clearTimeout(t)
        ws.off('message', onMsg)
        resolve(msg.result)
      }
    }
    ws.on('message', onMsg)
    ws.send(JSON.stringify({ type: 'req', id, method, args }))
  })
}

/** The server is up, the pre-fuzz socket still works, and a new connection is served. */
async function expectHealthy(after: string): Promise<void> {
  expect(proc.exitCode, `server process exited after ${after}`).toBeNull()
  expect(healthy.readyState, `healthy socket closed after ${after}`).toBe(WebSocket.OPEN)
  expect((await call(healthy, 'system.info')).ok, after).toBe(true)
  const fresh = await openWs()
  expect((await call(fresh, 'system.info')).ok, after).toBe(true)
  fresh.close()
}

interface FrameSpec {
  fin?: boolean
  rsv?: number // 3 bits
  opcode: number
  payload?: Buffer
  mask?: boolean
  /** declared payload length when it differs from payload.length (bytes actually sent: payload) */
  declared?: bigint
}

/** Encodes one client frame (RFC 6455 §5.2), masked unless mask: false. */
function frame(f: FrameSpec): Buffer {
  const payload = f.payload ?? Buffer.alloc(0)
  const mask = f.mask ?? true
  const len = f.declared ?? BigInt(payload.length)
  const b0 = ((f.fin ?? true) ? 0x80 : 0) | ((f.rsv ?? 0) << 4) | (f.opcode & 0x0f)
  let head: Buffer
  if (len < 126n) head = Buffer.from([b0, (mask ? 0x80 : 0) | Number(len)])
  else if (len < 65536n) {
    head = Buffer.alloc(4)
    head[0] = b0
    head[1] = (mask ? 0x80 : 0) | 126
    head.writeUInt16BE(Number(len), 2)
  } else {
    head = Buffer.alloc(10)
    head[0] = b0
    head[1] = (mask ? 0x80 : 0) | 127
    head.writeBigUInt64BE(len, 2)
  }
  if (!mask) return Buffer.concat([head, payload])
  const key = randomBytes(4)
  const body = Buffer.from(payload)
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3]
  return Buffer.concat([head, key, body])
}

const text = (s: string | Buffer, extra: Partial<FrameSpec> = {}) => frame({ opcode: 0x1, payload: Buffer.from(s), ...extra })
const closePayload = (code: number, reason: Buffer = Buffer.alloc(0)) => {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(code)
  return Buffer.concat([b, reason])
}

interface RawResult {
  upgraded: boolean
  /** the server closed the TCP connection before the deadline */
  closedByServer: boolean
  /** status code of the server's close frame, if it sent one */
  closeCode: number | null
  /** text messages the server sent */
  messages: string[]
}

/** Parses the (unmasked) frames a server sent; stops at an incomplete frame. */
function parseServerFrames(buf: Buffer): { closeCode: number | null; messages: string[] } {
  let off = 0
  let closeCode: number | null = null
  const messages: string[] = []
  while (off + 2 <= buf.length) {
    const opcode = buf[off] & 0x0f
    let len = buf[off + 1] & 0x7f
    let p = off + 2
    if (len === 126) {
      if (p + 2 > buf.length) break
      len = buf.readUInt16BE(p)
      p += 2
    } else if (len === 127) {
      if (p + 8 > buf.length) break
      len = Number(buf.readBigUInt64BE(p))
      p += 8
    }
    if (p + len > buf.length) break
    const payload = buf.subarray(p, p + len)
    if (opcode === 0x8) closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005
    if (opcode === 0x1) messages.push(payload.toString())
    off = p + len
  }
  return { closeCode, messages }
}

/**
 * One raw connection: upgrade with the real token, write `bytes`, then (unless
 * keepOpen) half-close; collect what the server sends until it closes or
 * `waitMs` passes. `waitForMessages` stops early once that many replies came.
 */
function rawCase(bytes: Buffer, opts: { waitMs?: number; halfClose?: boolean; waitForMessages?: number } = {}): Promise<RawResult> {
  const waitMs = opts.waitMs ?? 5000
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port })
    let head = Buffer.alloc(0)
    let rest = Buffer.alloc(0)
    let upgraded = false
    let done = false
    const finish = (closedByServer: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      sock.destroy()
      resolve({ upgraded, closedByServer, ...parseServerFrames(rest) })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    sock.on('error', () => finish(true))
    sock.on('close', () => finish(true))
    sock.on('connect', () => {
      const key = randomBytes(16).toString('base64')
      sock.write(
        `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      )
    })
    sock.on('data', (d: Buffer) => {
      if (!upgraded) {
        head = Buffer.concat([head, d])
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        if (!head.subarray(0, end).toString().startsWith('HTTP/1.1 101')) {
          done = true
          clearTimeout(timer)
          sock.destroy()
          reject(new Error(`upgrade refused: ${head.subarray(0, end).toString()}`))
          return
        }
        upgraded = true
        rest = head.subarray(end + 4)
        sock.write(bytes)
        if (opts.halfClose ?? true) sock.end()
        return
      }
      rest = Buffer.concat([rest, d])
      if (opts.waitForMessages && parseServerFrames(rest).messages.length >= opts.waitForMessages) finish(false)
    })
  })
}

const MiB = 1024 * 1024

/** Protocol violations ws must reject, with the close code RFC 6455 prescribes. */
const VIOLATIONS: Array<{ name: string; bytes: () => Buffer; code: number }> = [
  { name: 'frame declared over 16 MiB', bytes: () => frame({ opcode: 0x1, declared: BigInt(16 * MiB + 1), payload: Buffer.alloc(0) }), code: 1009 },
  { name: 'frame declared 2^63 bytes', bytes: () => frame({ opcode: 0x2, declared: 2n ** 63n }), code: 1009 },
  {
    name: 'fragments summing over 16 MiB',
    bytes: () => Buffer.concat([frame({ opcode: 0x2, fin: false, payload: Buffer.alloc(9 * MiB) }), frame({ opcode: 0x0, payload: Buffer.alloc(8 * MiB) })]),
    code: 1009,
  },
  { name: 'invalid UTF-8 text', bytes: () => text(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), code: 1007 },
  { name: 'overlong UTF-8 text', bytes: () => text(Buffer.from([0xc0, 0xaf])), code: 1007 },
  { name: 'UTF-16 surrogate in text', bytes: () => text(Buffer.from([0xed, 0xa0, 0x80])), code: 1007 },
  { name: 'invalid UTF-8 close reason', bytes: () => frame({ opcode: 0x8, payload: closePayload(1000, Buffer.from([0xff])) }), code: 1007 },
  { name: 'unmasked text frame', bytes: () => text('{"type":"req","id":1,"method":"system.info","args":[]}', { mask: false }), code: 1002 },
  { name: 'RSV1 set (no extension negotiated)', bytes: () => text('{}', { rsv: 4 }), code: 1002 },
  { name: 'RSV2 set', bytes: () => text('{}', { rsv: 2 }), code: 1002 },
  { name: 'RSV3 set', bytes: () => text('{}', { rsv: 1 }), code: 1002 },
  ...[0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf].map((op) => ({
    name: `reserved opcode 0x${op.toString(16)}`,
    bytes: () => frame({ opcode: op, payload: Buffer.from('x') }),
    code: 1002,
  })),
  { name: 'continuation without a first fragment', bytes: () => frame({ opcode: 0x0, payload: Buffer.from('x') }), code: 1002 },
  { name: 'new text frame inside a fragmented message', bytes: () => Buffer.concat([text('a', { fin: false }), text('b')]), code: 1002 },
  { name: 'fragmented ping', bytes: () => frame({ opcode: 0x9, fin: false, payload: Buffer.from('p') }), code: 1002 },
  { name: 'ping payload over 125 bytes', bytes: () => frame({ opcode: 0x9, payload: Buffer.alloc(126) }), code: 1002 },
  { name: 'close frame with a 1-byte payload', bytes: () => frame({ opcode: 0x8, payload: Buffer.from([3]) }), code: 1002 },
  { name: 'close code 999', bytes: () => frame({ opcode: 0x8, payload: closePayload(999) }), code: 1002 },
  { name: 'close code 1005 (reserved)', bytes: () => frame({ opcode: 0x8, payload: closePayload(1005) }), code: 1002 },
]

/** Well-formed frames with payloads the contract must refuse with a typed error, socket left open. */
const BAD_PAYLOADS: Array<{ name: string; payload: () => string | Buffer; binary?: boolean; code: string }> = [
  { name: 'not JSON', payload: () => '{"type":"req",', code: 'BAD_REQUEST' },
  { name: 'binary frame', payload: () => Buffer.from('{"type":"req","id":1,"method":"system.info","args":[]}'), binary: true, code: 'BAD_REQUEST' },
  { name: 'JSON null', payload: () => 'null', code: 'BAD_REQUEST' },
  { name: 'JSON number', payload: () => '1e999', code: 'BAD_REQUEST' },
  { name: 'args not an array', payload: () => '{"type":"req","id":1,"method":"system.info","args":{}}', code: 'BAD_REQUEST' },
  { name: 'negative id', payload: () => '{"type":"req","id":-5,"method":"system.info","args":[]}', code: 'BAD_REQUEST' },
  { name: 'method __proto__', payload: () => '{"type":"req","id":1,"method":"__proto__","args":[]}', code: 'UNKNOWN_METHOD' },
  { name: 'method constructor', payload: () => '{"type":"req","id":1,"method":"constructor","args":[]}', code: 'UNKNOWN_METHOD' },
  { name: 'method toString', payload: () => '{"type":"req","id":1,"method":"toString","args":[]}', code: 'UNKNOWN_METHOD' },
  { name: '__proto__ key in arguments', payload: () => '{"type":"req","id":1,"method":"runs.get","args":[{"__proto__":{"x":1}}]}', code: 'BAD_REQUEST' },
  { name: 'nesting 100,000 deep', payload: () => '{"type":"req","id":1,"method":"runs.get","args":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}', code: 'BAD_REQUEST' },
  { name: '200,000 arguments', payload: () => `{"type":"req","id":1,"method":"system.info","args":[${'0,'.repeat(199_999)}0]}`, code: 'BAD_REQUEST' },
  { name: '12 MiB string argument', payload: () => `{"type":"req","id":1,"method":"runs.get","args":["${'a'.repeat(12 * MiB)}"]}`, code: 'BAD_REQUEST' },
]

/** Harmless request templates the payload mutator starts from (no method that writes or starts work). */
const TEMPLATES = [
  '{"type":"req","id":7,"method":"system.info","args":[]}',
  '{"type":"req","id":8,"method":"runs.list","args":[]}',
  '{"type":"req","id":9,"method":"runs.get","args":["r-000"]}',
  '{"type":"req","id":10,"method":"catalog.proxies","args":[]}',
]

/** One seeded random case: raw garbage, a random header, a mutated request, or a mix. */
function randomCase(rng: Rng): Buffer {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => rng.int(256)))
  const kind = rng.int(5)
  if (kind === 0) return bytes(1 + rng.int(64)) // pure noise
  if (kind === 1) {
    // random first byte (FIN/RSV/opcode), random mask bit, a length that may lie about the payload
    const payload = bytes(rng.int(200))
    const declared = rng.next() < 0.5 ? BigInt(payload.length) : BigInt(rng.int(2 ** 30))
    return frame({ fin: rng.next() < 0.7, rsv: rng.int(8), opcode: rng.int(16), mask: rng.next() < 0.8, payload, declared })
  }
  if (kind === 2) {
    // a valid text frame whose JSON request has a few bytes flipped, inserted or cut
    const t = Buffer.from(TEMPLATES[rng.int(TEMPLATES.length)])
    let b = Buffer.from(t)
    for (let m = 1 + rng.int(4); m > 0; m--) {
      const at = rng.int(b.length)
      const op = rng.int(3)
      if (op === 0) b[at] = rng.int(256)
      else if (op === 1) b = Buffer.concat([b.subarray(0, at), bytes(1 + rng.int(8)), b.subarray(at)])
      else b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rng.int(8))])
    }
    return text(b)
  }
  if (kind === 3) {
    // a valid request, then a random violation in the same stream
    const v = VIOLATIONS[rng.int(VIOLATIONS.length)]
    if (v.name.includes('16 MiB')) return text(TEMPLATES[0])
    return Buffer.concat([text(TEMPLATES[rng.int(TEMPLATES.length)]), v.bytes()])
  }
  // a valid frame cut short (declared length longer than what is sent) or a header split mid-way
  const whole = text(TEMPLATES[rng.int(TEMPLATES.length)])
  return whole.subarray(0, 1 + rng.int(whole.length - 1))
}

describe('browser-mode server under WebSocket fuzz (child process, loopback, real token)', () => {
  it('is healthy before the fuzz', async () => {
    await expectHealthy('start')
  })

  it.each(VIOLATIONS)('closes the socket on "$name" with code $code and stays up', async ({ name, bytes, code }) => {
    const r = await rawCase(bytes(), { halfClose: false })
    expect(r.upgraded).toBe(true)
    expect(r.closeCode, name).toBe(code)
    expect(r.closedByServer, `${name}: server must close the socket without the peer's help`).toBe(true)
    await expectHealthy(name)
  })

  it.each(BAD_PAYLOADS)('answers "$name" with $code and keeps the socket open', async ({ name, payload, binary, code }) => {
    const p = payload()
    const bytes = binary ? frame({ opcode: 0x2, payload: Buffer.from(p) }) : text(p)
    const r = await rawCase(bytes, { halfClose: false, waitForMessages: 1, waitMs: 20_000 })
    expect(r.closeCode, name).toBeNull()
    expect(r.messages.length, name).toBe(1)
    const msg = JSON.parse(r.messages[0])
    expect(msg.type).toBe('res')
    expect(msg.result.ok).toBe(false)
    expect(msg.result.error.code, name).toBe(code)
    await expectHealthy(name)
  }, 30_000)

  it('survives 1,000 seeded random malformed frames and payloads (health check after each batch of 25)', async () => {
    const rng = new Rng(20251205)
    const BATCH = 25
    let notClosed = 0
    for (let start = 0; start < 1000; start += BATCH) {
      const cases = Array.from({ length: BATCH }, () => randomCase(rng))
      const results = await Promise.all(cases.map((c) => rawCase(c, { waitMs: 5000 })))
      for (const r of results) {
        expect(r.upgraded).toBe(true)
        if (!r.closedByServer) notClosed++
      }
      await expectHealthy(`random cases ${start}–${start + BATCH - 1}`)
    }
    // after the peer half-closes, the server always finishes the connection
    expect(notClosed).toBe(0)
  }, 120_000)
})
