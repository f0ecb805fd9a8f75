/**
 * Defect 2 of issue #22 through the real server (child process, loopback):
 * `runs.export` / `models.export` into a folder on a pseudo file system
 * (`/proc/x`) used to spin `mkdirSync(…, { recursive: true })` forever at 100 %
 * CPU, hanging every client. Now: a typed INVALID_OPTION naming the folder
 * comes back within the call timeout, nothing is created, and the server keeps
 * answering. Also: an export folder that is a file is refused the same way.
 */
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type Client } from '../../src/shared/client'
import type { RunConfigInput } from '../../src/shared/schemas'
import { createWsTransport } from '../../src/shared/ws-transport'
import { record, spawnServerCli, tmpDir } from './helpers'

const CONFIG: RunConfigInput = {
  space: 'nb201',
  strategy: 'random',
  proxy: { mode: 'single', id: 'params' },
  n: 2,
  seed: 1,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 },
  batchSize: 4,
  workers: 1,
}

let proc: ChildProcess
let client: Client
let runId = ''
const dataDir = tmpDir('fuzz-paths')

beforeAll(async () => {
  const started = await spawnServerCli(['--data-dir', dataDir, '--allow', '/proc' /* ensureDir on procfs must still be reached past containment */, '--static', path.join(dataDir, 'no-ui')])
  proc = started.proc
  const url = started.url
  const transport = createWsTransport(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { WebSocketImpl: WebSocket as never })
  await transport.ready
  client = createClient(transport)
  const ev = record(client)
  const run = await client.runs.start(CONFIG)
  runId = run.id
  await ev.waitFor((r) => (r.event === 'run.finished' || r.event === 'run.failed') && r.payload.runId === run.id, 90_000)
  ev.stop()
}, 150_000)

afterAll(() => {
  client?.close()
  if (proc && proc.exitCode === null) proc.kill('SIGKILL')
})

/** Rejects when the call does not settle within `ms` (the old server never answered). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (hung)`)), ms))])
}

async function expectRefused(p: Promise<unknown>, what: string, dirPattern: RegExp, why: RegExp): Promise<void> {
  const err = await within(p, 15_000, what).then(
    () => null,
    (e: unknown) => e as { code?: string; message: string },
  )
  expect(err, `${what} must fail`).not.toBeNull()
  expect(err!.message).not.toMatch(/no answer within/)
  expect(err!.code).toBe('INVALID_OPTION')
  expect(err!.message).toMatch(dirPattern)
  expect(err!.message).toMatch(why)
  // the server still answers and nothing appeared under /proc
  expect((await within(client.runs.list(), 10_000, 'runs.list after')).map((r) => r.id)).toContain(runId)
  expect(proc.exitCode).toBeNull()
}

describe('export folders on pseudo file systems and files (server as a child process)', () => {
  it('runs.export to /proc/x answers INVALID_OPTION instead of spinning forever', async () => {
    await expectRefused(client.runs.export(runId, { dir: '/proc/zsnas-x' }), 'runs.export /proc', /export folder \/proc\/zsnas-x/, /cannot create a folder here/)
    await expectRefused(client.runs.export(runId, { dir: '/proc/zsnas-x/a/b' }), 'runs.export /proc deep', /\/proc\/zsnas-x\/a/, /cannot create a folder here/)
    expect(fs.existsSync('/proc/zsnas-x')).toBe(false)
  }, 60_000)

  it('models.export to /proc/x answers INVALID_OPTION', async () => {
    const arch = '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'
    await expectRefused(
      client.models.export({ space: 'nb201', arch, formats: ['nb201'], dir: '/proc/zsnas-y' }),
      'models.export /proc',
      /export folder \/proc\/zsnas-y/,
      /cannot create a folder here/,
    )
  }, 60_000)

  it('runs.export below a file answers INVALID_OPTION naming the file', async () => {
    const file = path.join(dataDir, 'a-file.txt')
    fs.writeFileSync(file, 'x')
    await expectRefused(client.runs.export(runId, { dir: path.join(file, 'sub') }), 'runs.export under a file', new RegExp(`at ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`), /is a file, not a folder/)
    expect(fs.readFileSync(file, 'utf8')).toBe('x')
  }, 60_000)

  it('a normal export still works', async () => {
    const dir = path.join(dataDir, 'out', 'nested', 'run')
    const res = await within(client.runs.export(runId, { dir }), 30_000, 'runs.export normal')
    expect(res.dir).toBe(dir)
    expect(fs.readdirSync(dir)).toEqual(expect.arrayContaining(['manifest.json', 'evaluations.csv', 'evaluations.jsonl', 'best.json']))
  }, 60_000)
})
