/**
 * Defect 3 of issue #22 through the real server (child process, loopback):
 * a caller-supplied path that is a FIFO used to block the event loop in
 * readFileSync forever (every client stalled), and /dev/zero grew the server's
 * memory without bound. Now only regular files are opened (O_NONBLOCK +
 * fstat), so both come back as a typed FILE_UNREADABLE naming the path, fast,
 * and a second client's call is answered meanwhile.
 */
import { execFileSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type Client } from '../../src/shared/client'
import { createWsTransport } from '../../src/shared/ws-transport'
import { spawnServerCli, tmpDir } from './helpers'
import { openRegular, readFileTyped } from '../../src/engine/data/files'
import { ZsnasError } from '../../src/engine/core/errors'

let proc: ChildProcess
let url: URL
const dataDir = tmpDir('fuzz-reads')
const fifo = path.join(dataDir, 'table.fifo')
const zeroLink = path.join(dataDir, 'zero.bin')

async function connect(): Promise<Client> {
  const transport = createWsTransport(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { WebSocketImpl: WebSocket as never })
  await transport.ready
  return createClient(transport)
}

beforeAll(async () => {
  execFileSync('mkfifo', [fifo])
  fs.symlinkSync('/dev/zero', zeroLink)
  ;({ proc, url } = await spawnServerCli(['--data-dir', dataDir, '--static', path.join(dataDir, 'no-ui')]))
}, 90_000)

afterAll(() => {
  proc?.kill()
})

/** The call's typed error (or 'ok'), raced against a deadline so a hang fails the test instead of the suite. */
async function outcome(p: Promise<unknown>, ms: number): Promise<{ code?: string; message?: string } | 'ok' | 'timeout'> {
  const deadline = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))
  return Promise.race([p.then(() => 'ok' as const, (e: { code?: string; message?: string }) => e), deadline])
}

describe('reads of caller-supplied paths (issue #22 defect 3)', () => {
  it('tables.validate on a FIFO is a typed error, fast, and another client is answered', async () => {
    const a = await connect()
    const b = await connect()
    const bad = outcome(a.tables.validate({ path: fifo, space: 'nb201' }), 15_000)
    const other = await outcome(b.system.info(), 10_000)
    expect(other).toBe('ok')
    const r = await bad
    expect(r).not.toBe('timeout')
    expect(r).not.toBe('ok')
    expect((r as { code: string }).code).toBe('FILE_UNREADABLE')
    expect((r as { message: string }).message).toContain('table.fifo')
  }, 40_000)

  it('datasets.preview of a FIFO and of a link to /dev/zero in the data folder: typed errors, fast, another client answered', async () => {
    const a = await connect()
    const b = await connect()
    for (const p of [fifo, zeroLink]) {
      const bad = outcome(a.datasets.preview({ kind: 'cifar10', path: p }, { count: 2 }), 15_000)
      const other = await outcome(b.system.info(), 10_000)
      expect(other).toBe('ok')
      const r = await bad
      expect(r).not.toBe('timeout')
      expect(r).not.toBe('ok')
      // the path allow-list (defect 4) may refuse the link first; either way a typed refusal, not a 1.5 GB read
      expect(['FILE_UNREADABLE', 'UNAUTHORIZED']).toContain((r as { code: string }).code)
    }
  }, 40_000)
})

describe('readFileTyped / openRegular (the engine read path)', () => {
  it('refuses /dev/zero, a FIFO and a folder with FILE_UNREADABLE naming the path, without reading', () => {
    for (const p of ['/dev/zero', fifo, dataDir]) {
      let err: unknown
      try {
        readFileTyped(p, 'dataset file')
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ZsnasError)
      expect((err as ZsnasError).code).toBe('FILE_UNREADABLE')
      expect((err as ZsnasError).message).toContain(p)
    }
  })

  it('reads a regular file whole, and refuses one over its per-format limit', () => {
    const f = path.join(dataDir, 'ten.bin')
    fs.writeFileSync(f, Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    expect([...readFileTyped(f)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(() => readFileTyped(f, 'table file', 9)).toThrow(/10 bytes, over the 9-byte limit/)
    const { fd, stats } = openRegular(f)
    fs.closeSync(fd)
    expect(stats.size).toBe(10)
  })
})
