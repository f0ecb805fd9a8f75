/**
 * Issue #22 defect 4: the real browser-mode server (`src/server/cli.ts` in a
 * child process, over WebSocket) reads and writes only inside the data folder
 * and the `--allow` folders. Relative paths, `..` escapes, symlinks out of an
 * allowed folder and system files are refused with a typed error that echoes
 * no file content; nothing is created, no run is started. An allowed path works.
 */
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createClient, type Client } from '../../src/shared/client'
import { createWsTransport } from '../../src/shared/ws-transport'
import { sharedPath } from '../helpers/shared-data'
import { spawnServerCli, tmpDir } from './helpers'

const scratch = tmpDir('containment')
const dataDir = path.join(scratch, 'data')
const allowed = path.join(scratch, 'allowed')
const outside = path.join(scratch, 'outside')
const SECRET = 'ArchitectureString,SECRET_HEADER_7f3a'
const TABLE_SRC = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')

let proc: ChildProcess
let client: Client

beforeAll(async () => {
  fs.mkdirSync(allowed, { recursive: true })
  fs.mkdirSync(outside, { recursive: true })
  // a valid 5-row NB201 table inside the allowed folder
  const lines = fs.readFileSync(TABLE_SRC, 'utf8').split('\n').slice(0, 6)
  fs.writeFileSync(path.join(allowed, 'nb201.csv'), lines.join('\n') + '\n')
  // a file outside whose header would leak through a MISSING_COLUMN message
  fs.writeFileSync(path.join(outside, 'secret.csv'), `${SECRET}\n1,2\n`)
  fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(allowed, 'link.csv'))
  fs.symlinkSync(outside, path.join(allowed, 'linkdir'))
  const started = await spawnServerCli(['--data-dir', dataDir, '--allow', allowed, '--static', path.join(scratch, 'no-ui')])
  proc = started.proc
  const url = started.url
  const transport = createWsTransport(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { WebSocketImpl: WebSocket as never })
  await transport.ready
  client = createClient(transport)
}, 90_000)

afterAll(async () => {
  proc?.kill('SIGTERM')
  await new Promise((r) => proc?.once('exit', r))
  fs.rmSync(scratch, { recursive: true, force: true })
})

async function refused(p: Promise<unknown>, code: string, mentions: RegExp): Promise<void> {
  const e = (await p.then(
    () => null,
    (err: unknown) => err,
  )) as { code?: string; message?: string } | null
  expect(e, 'the call must be refused').not.toBeNull()
  expect(e!.code).toBe(code)
  expect(e!.message).toMatch(mentions)
  expect(e!.message).not.toContain('SECRET_HEADER')
  expect(e!.message).not.toContain('root:') // /etc/passwd content
}

const CONFIG = {
  space: 'nb201',
  strategy: 'random',
  proxy: { mode: 'single' as const, id: 'params' },
  n: 1,
  seed: 1,
  batchSize: 4,
  workers: 1,
}

describe('browser-mode server: path containment', () => {
  it('an allowed table validates and resolves through the picker', async () => {
    const info = await client.tables.validate({ path: path.join(allowed, 'nb201.csv'), space: 'nb201' })
    expect(info.size).toBe(5)
    const picked = await client.files.pickTable({ path: path.join(allowed, 'nb201.csv') })
    expect(picked!.info?.size).toBe(5)
  })

  it('relative paths are INVALID_OPTION', async () => {
    await refused(client.tables.validate({ path: 'nb201.csv' }), 'INVALID_OPTION', /not an absolute path/)
    await refused(client.files.pickDataset({ path: '../../../../etc/passwd' }), 'INVALID_OPTION', /not an absolute path/)
  })

  it('/etc/passwd as table, dataset, preview, run dataset or ground truth is UNAUTHORIZED and starts no run', async () => {
    await refused(client.tables.validate({ path: '/etc/passwd', space: 'nb201' }), 'UNAUTHORIZED', /\/etc\/passwd.*outside the folders/)
    await refused(client.files.pickTable({ path: '/etc/passwd' }), 'UNAUTHORIZED', /outside the folders/)
    await refused(client.files.pickDataset({ path: '/etc/passwd' }), 'UNAUTHORIZED', /outside the folders/)
    await refused(client.datasets.preview({ kind: 'cifar10', path: '/etc/passwd' }, { count: 1 }), 'UNAUTHORIZED', /dataset\.path/)
    await refused(client.runs.start({ ...CONFIG, dataset: { kind: 'cifar10', path: '/etc/passwd' } }), 'UNAUTHORIZED', /dataset\.path/)
    await refused(
      client.runs.start({ ...CONFIG, dataset: { kind: 'noise', imageSize: 16, numClasses: 10 }, groundTruth: { path: '/etc/passwd', metric: 'cifar10' } }),
      'UNAUTHORIZED',
      /groundTruth\.path/,
    )
    expect(await client.runs.list()).toEqual([])
  })

  it('`..` escapes and symlinks out of an allowed folder are UNAUTHORIZED; nothing echoes the file header', async () => {
    await refused(client.tables.validate({ path: `${allowed}/../outside/secret.csv` }), 'UNAUTHORIZED', /outside the folders/)
    await refused(client.tables.validate({ path: `${allowed}/../../../../../../etc/passwd` }), 'UNAUTHORIZED', /outside the folders/)
    await refused(client.tables.validate({ path: path.join(allowed, 'link.csv') }), 'UNAUTHORIZED', /link\.csv/)
    await refused(client.files.pickTable({ path: path.join(allowed, 'linkdir', 'secret.csv') }), 'UNAUTHORIZED', /outside the folders/)
    await refused(client.files.pickDataset({ path: path.join(allowed, 'linkdir') }), 'UNAUTHORIZED', /outside the folders/)
    // a u8 dataset inside the allowed folder whose labels CSV is outside: its header must not be read or echoed
    fs.writeFileSync(path.join(allowed, 'x.u8'), Buffer.alloc(2 * 4 * 4 * 3))
    const u8 = { kind: 'u8' as const, path: path.join(allowed, 'x.u8'), imageSize: 4 }
    await refused(client.datasets.preview({ ...u8, labelsCsv: path.join(outside, 'secret.csv') }, { count: 1 }), 'UNAUTHORIZED', /dataset\.labelsCsv/)
    await refused(client.datasets.preview({ ...u8, labelsCsv: '/etc/passwd' }, { count: 1 }), 'UNAUTHORIZED', /dataset\.labelsCsv/)
    await refused(client.datasets.preview({ ...u8, labelsCsv: 'labels.csv' }, { count: 1 }), 'INVALID_OPTION', /dataset\.labelsCsv/)
    await refused(client.runs.start({ ...CONFIG, dataset: { ...u8, labelsCsv: path.join(allowed, 'link.csv') } }), 'UNAUTHORIZED', /dataset\.labelsCsv/)
  })

  it('exports go only into the data folder or an allowed folder', async () => {
    const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'
    await refused(client.models.export({ space: 'nb201', arch, formats: ['nb201'], dir: path.join(outside, 'm') }), 'UNAUTHORIZED', /export folder/)
    await refused(client.models.export({ space: 'nb201', arch, formats: ['nb201'], dir: `${allowed}/../../escape` }), 'UNAUTHORIZED', /export folder/)
    await refused(client.models.export({ space: 'nb201', arch, formats: ['nb201'], dir: path.join(allowed, 'linkdir', 'm') }), 'UNAUTHORIZED', /export folder/)
    await refused(client.models.export({ space: 'nb201', arch, formats: ['nb201'], dir: 'rel/m' }), 'INVALID_OPTION', /not an absolute path/)
    await refused(client.runs.export('no-such-run', { dir: '/tmp/zsnas-containment-escape' }), 'NOT_FOUND', /no-such-run/)
    expect(fs.existsSync(path.join(outside, 'm'))).toBe(false)
    expect(fs.existsSync(path.join(scratch, '..', 'escape'))).toBe(false)
    expect(fs.readdirSync(outside).sort()).toEqual(['secret.csv'])
    const ok = await client.models.export({ space: 'nb201', arch, formats: ['nb201'], dir: path.join(allowed, 'models', 'm1') })
    expect(ok.dir).toBe(path.join(allowed, 'models', 'm1'))
    expect(fs.readdirSync(ok.dir).length).toBeGreaterThan(0)
  })

  it('runs.export outside the allowed folders is refused before anything is written; inside works', async () => {
    const run = await client.runs.start({ ...CONFIG, dataset: { kind: 'noise', imageSize: 16, numClasses: 10 } })
    await refused(client.runs.export(run.id, { dir: path.join(outside, 'exp') }), 'UNAUTHORIZED', /export folder/)
    await refused(client.runs.export(run.id, { dir: `${dataDir}/../../../tmp/zsnas-escape-${process.pid}` }), 'UNAUTHORIZED', /export folder/)
    expect(fs.existsSync(path.join(outside, 'exp'))).toBe(false)
    expect(fs.existsSync(`/tmp/zsnas-escape-${process.pid}`)).toBe(false)
    await client.runs.cancel(run.id).catch(() => undefined)
    const res = await client.runs.export(run.id, { dir: path.join(allowed, 'exp') })
    expect(res.dir).toBe(path.join(allowed, 'exp'))
    expect(fs.existsSync(path.join(allowed, 'exp', 'manifest.json'))).toBe(true)
  }, 60_000)
})
