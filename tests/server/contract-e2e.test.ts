/**
 * Every contract method through both transports (in-process dispatch, as
 * Electron's ipcMain handler calls it, and the browser-mode WebSocket), with
 * real scoring worker processes: a small NB201 run end to end, progress,
 * cancel, resume, export.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scoreArchitecture } from '../../src/engine/score/score'
import { loadNb201Table } from '../../src/engine/benchmarks/nb201-csv'
import { evaluationSeed } from '../../src/backend/seeds'
import { exportArchitecture } from '../../src/engine/export/registry'
import type { Client } from '../../src/shared/client'
import { METHOD_NAMES } from '../../src/shared/methods'
import { RunConfigSchema, type EvaluationRow, type RunConfigInput } from '../../src/shared/schemas'
import { createEngineAdapter } from '../../src/backend/engine-adapter'
import { sharedPath } from '../helpers/shared-data'
import { alive, harness, record, tmpDir, type Harness } from './helpers'

const NB201_CSV = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')
const CIFAR10_BIN = sharedPath('cifar10', 'data_batch_1_first4000_exact.bin')

const CONFIG: RunConfigInput = {
  space: 'nb201',
  strategy: 'random',
  proxy: { mode: 'single', id: 'acor' },
  n: 8,
  seed: 4242,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 },
  batchSize: 8,
  workers: 2,
  groundTruth: { path: NB201_CSV, metric: 'cifar10' },
}

let h: Harness
const called = new Set<string>()
function track(client: Client): Client {
  // records which methods the tests called, per transport
  return new Proxy(client, {
    get(target, group: string) {
      const g = (target as any)[group]
      if (typeof g !== 'object' || g === null) return g
      return new Proxy(g, {
        get(t2, name: string) {
          called.add(`${client === h.ipc ? 'ipc' : 'ws'}:${group}.${name}`)
          return t2[name]
        },
      })
    },
  }) as Client
}

let uninterrupted: EvaluationRow[] = []

beforeAll(async () => {
  h = await harness(tmpDir('e2e'))
})
afterAll(async () => {
  await h?.close()
})

describe.each(['ipc', 'ws'] as const)('catalog, files, datasets, tables, system via %s', (which) => {
  it('answers with registry-backed, validated data and typed errors', async () => {
    const c = track(which === 'ipc' ? h.ipc : h.ws)
    const info = await c.system.info()
    expect(info.mode).toBe('browser')
    expect(info.canPickFiles).toBe(false)
    expect(info.cores).toBeGreaterThanOrEqual(1)

    const spaces = await c.catalog.spaces()
    expect(spaces.map((s) => s.id)).toEqual(expect.arrayContaining(['nb201', 'nb101', 'mbv2']))
    expect(spaces.find((s) => s.id === 'nb201')!.meta).toEqual({ size: 15625 })
    const proxies = await c.catalog.proxies()
    expect(proxies.find((p) => p.id === 'wrcor')!.paperRho!['nb201-cifar10']).toBe(0.811) // paper Table 4
    expect(proxies.find((p) => p.id === 'sjw')!.meta).toEqual({ voting: true, members: ['synflow', 'jaccor', 'wrcor'] })
    expect(proxies.find((p) => p.id === 'sjw')!.paperRho).toEqual({ 'nb201-cifar10': 0.851 }) // paper Table 4
    const strategies = await c.catalog.strategies()
    expect(strategies.find((s) => s.id === 're')!.options.find((o) => o.key === 'populationSize')!.default).toBe(64)
    expect((await c.catalog.datasets()).map((d) => d.id)).toContain('cifar10')

    const picked = await c.files.pickDataset({ path: CIFAR10_BIN })
    expect(picked!.spec).toEqual({ kind: 'cifar10', path: CIFAR10_BIN })
    expect(picked!.description).toContain('4000')
    const notData = await c.files.pickDataset({ path: NB201_CSV })
    expect(notData!.spec).toBeNull()
    expect(notData!.description).toMatch(/unrecognised dataset file/)
    await expect(c.files.pickDataset()).rejects.toMatchObject({ code: 'UNSUPPORTED' })
    await expect(c.files.pickDataset({ path: '/nonexistent/cifar' })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })

    const table = await c.files.pickTable({ path: NB201_CSV })
    expect(table!.info!.size).toBe(15625)
    expect(table!.info!.metrics).toEqual(['cifar10', 'cifar100', 'imagenet16-120'])
    const v = await c.tables.validate({ path: NB201_CSV, space: 'nb201' })
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(v.sample[0].values.cifar10).toBeCloseTo(85.86333333333334, 10) // first data row of the CSV

    const prev = await c.datasets.preview({ kind: 'noise', imageSize: 16, numClasses: 10 }, { count: 3 })
    expect(prev.samples).toHaveLength(3)
    expect(Buffer.from(prev.samples[0].rgbBase64, 'base64')).toHaveLength(16 * 16 * 3)
    expect(prev.count).toBe(-1)

    await expect(c.runs.get('no-such-run')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(c.call('runs.start', { ...CONFIG, n: -1 } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    await expect(c.runs.start({ ...CONFIG, space: 'nb999' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(c.runs.start({ ...CONFIG, proxy: { mode: 'single', id: 'nope' } })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
  })
})

describe('a run end to end', () => {
  it('ipc: start → throttled progress, evaluated rows, best → finished; scores equal an independent in-process scoring', async () => {
    const c = track(h.ipc)
    const ev = record(c)
    const started = await c.runs.start(CONFIG)
    expect(started.status).toBe('running')
    expect(started.total).toBe(8)
    const fin = await ev.waitFor((r) => r.event === 'run.finished' && r.payload.runId === started.id)
    expect(fin.payload.summary.status).toBe('finished')
    expect(fin.payload.summary.done).toBe(8)

    const page = await c.runs.evaluations(started.id, { limit: 100 })
    uninterrupted = page.rows
    expect(page.total).toBe(8)
    expect(page.rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    // each row was streamed exactly once
    const streamed = ev.of(started.id, 'run.evaluated').flatMap((r) => r.payload.rows.map((x: EvaluationRow) => x.index))
    expect(streamed.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    const progress = ev.of(started.id, 'run.progress').map((r) => r.payload.done)
    expect(progress.at(-1)).toBe(8)
    expect([...progress].sort((a, b) => a - b)).toEqual(progress) // monotone

    // independent expectation: the same (arch, seed = f(run seed, index)) scored in this process
    const r3 = page.rows[3]
    const local = await scoreArchitecture({ space: 'nb201', arch: r3.arch, proxies: ['acor'], dataset: CONFIG.dataset, batchSize: 8, seed: evaluationSeed(4242, 3), init: 'pytorch' })
    expect(r3.scores.acor).toBe(local.scores.acor)
    expect(r3.params).toBe(local.params)
    // ground truth comes from the table
    const gt = loadNb201Table(NB201_CSV)
    for (const r of page.rows) expect(r.groundTruth).toBe(gt.get(r.hash, 'cifar10') ?? null)
    // best = the highest acor (single proxy; ties → newer)
    const max = Math.max(...page.rows.map((r) => (r.scores.acor as number | null) ?? -Infinity))
    expect(fin.payload.summary.best.scores.acor).toBe(max)
    // sorting by score
    const sorted = await c.runs.evaluations(started.id, { sort: { key: 'score:acor', dir: 'desc' }, limit: 3 })
    expect(sorted.rows.map((r) => r.scores.acor)).toEqual(
      [...page.rows.map((r) => r.scores.acor as number)].sort((a, b) => b - a).slice(0, 3),
    )
    const filtered = await c.runs.evaluations(started.id, { filter: { text: 'nor_conv_3x3~0' } })
    expect(filtered.total).toBe(page.rows.filter((r) => r.arch.includes('nor_conv_3x3~0')).length)
    ev.stop()

    // export
    const out = await c.runs.export(started.id, { dir: path.join(tmpDir('export'), 'run') })
    expect(out.files).toEqual([
      'best.json',
      // the best architecture's model files (engine/export/best-model.ts)
      'best_model/arch.nb201.txt', 'best_model/engine_weights.py', 'best_model/model.onnx', 'best_model/model.py', 'best_model/train.py',
      'best_model/weights.safetensors',
      'evaluations.csv', 'evaluations.jsonl', 'manifest.json', 'zc_nb201.json', 'zc_nb201_evaluations.json',
    ])
    const best = fin.payload.summary.best
    expect(fs.readFileSync(path.join(out.dir, 'best_model', 'model.py'), 'utf8')).toContain(`Architecture (nb201): ${best.arch}`)
    // its ONNX carries the weights the best architecture was scored with (noise 16 px, 10 classes, its evaluation seed)
    const [scoredOnnx] = exportArchitecture({ space: 'nb201', arch: best.arch, format: 'onnx', numClasses: 10, inputSize: 16, seed: evaluationSeed(4242, best.index), init: 'pytorch' })
    expect(Buffer.compare(fs.readFileSync(path.join(out.dir, 'best_model', 'model.onnx')), Buffer.from(scoredOnnx.data as Uint8Array))).toBe(0)
    const manifest = JSON.parse(fs.readFileSync(path.join(out.dir, 'manifest.json'), 'utf8'))
    expect(manifest.config.seed).toBe(4242)
    expect(manifest.seeds.run).toBe(4242)
    expect(manifest.versions.backend).toBe(local.backend)
    expect(manifest.sha256.groundTruth).toBe((await c.tables.validate({ path: NB201_CSV })).sha256)
    const jsonl = fs.readFileSync(path.join(out.dir, 'evaluations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(jsonl).toEqual(page.rows)
    const csv = fs.readFileSync(path.join(out.dir, 'evaluations.csv'), 'utf8').trim().split('\n')
    // the one export schema: score_<proxy>, the NB201 'cifar10' metric (200-epoch TEST accuracy) named as such
    expect(csv[0]).toBe('index,arch,hash,status,phase,score_acor,test_accuracy_cifar10,flops,params,seconds,attempts,error')
    expect(csv).toHaveLength(9)
    const zc = JSON.parse(fs.readFileSync(path.join(out.dir, 'zc_nb201.json'), 'utf8'))
    // NAS-Bench-Suite-Zero format: test accuracy is not filed under val_accuracy; a proxy's time is its own stage
    // (ACor is a response proxy: the one forward pass it is computed from), not the whole evaluation
    const first3 = page.rows.find((r) => r.arch === r3.arch)!
    expect(first3.timings!.responses).toBeGreaterThan(0)
    expect(first3.timings!.responses).toBeLessThan(first3.seconds)
    expect(zc.cifar10[r3.arch]).toMatchObject({ id: first3.index, acor: { score: first3.scores.acor, time: first3.timings!.responses }, test_accuracy: first3.groundTruth })
    expect(zc.cifar10[r3.arch].val_accuracy).toBeUndefined()
    const zcList = JSON.parse(fs.readFileSync(path.join(out.dir, 'zc_nb201_evaluations.json'), 'utf8'))
    expect(zcList).toHaveLength(page.rows.filter((r) => r.status === 'ok').length) // repeated architectures kept
    expect(manifest.timing.activeSeconds).toBeGreaterThan(0)
    expect(Date.parse(manifest.timing.finishedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.timing.startedAt))
    expect(JSON.parse(fs.readFileSync(path.join(out.dir, 'best.json'), 'utf8'))).toEqual(fin.payload.summary.best)
  })

  it('ws: cancel mid-run kills the workers, keeps finished rows; resume ends with exactly the uninterrupted evaluations', async () => {
    expect(uninterrupted).toHaveLength(8)
    const c = track(h.ws)
    const ev = record(c)
    const started = await c.runs.start(CONFIG)
    await ev.waitFor((r) => r.event === 'run.evaluated' && r.payload.runId === started.id)
    const pids = h.backend.manager.workerPids(started.id)
    const cancelled = await c.runs.cancel(started.id)
    expect(cancelled.status).toBe('cancelled')
    expect(cancelled.done).toBeGreaterThan(0)
    expect(cancelled.done).toBeLessThan(8)
    await new Promise((r) => setTimeout(r, 200))
    for (const pid of pids) expect(alive(pid)).toBe(false)
    await expect(c.runs.resume('no-such-run')).rejects.toMatchObject({ code: 'NOT_FOUND' })

    const resumed = await c.runs.resume(started.id)
    expect(resumed.status).toBe('running')
    await expect(c.runs.resume(started.id)).rejects.toMatchObject({ code: 'CONFLICT' })
    await expect(c.runs.delete(started.id)).rejects.toMatchObject({ code: 'CONFLICT' })
    const fin = await ev.waitFor((r) => r.event === 'run.finished' && r.payload.runId === started.id && r.payload.summary.status === 'finished')
    expect(fin.payload.summary.done).toBe(8)
    const rows = (await c.runs.evaluations(started.id, { limit: 100 })).rows
    const strip = (r: EvaluationRow) => ({ index: r.index, arch: r.arch, hash: r.hash, scores: r.scores, params: r.params, flops: r.flops, groundTruth: r.groundTruth })
    expect(rows.map(strip)).toEqual(uninterrupted.map(strip))
    expect(fin.payload.summary.best.index).toBe((await h.ipc.runs.list()).find((r) => r.id !== started.id)!.best!.index)
    await expect(c.runs.resume(started.id)).rejects.toMatchObject({ code: 'CONFLICT' })
    ev.stop()
  })

  it('list, get (with logs), notes, delete through both transports', async () => {
    for (const c of [track(h.ipc), track(h.ws)]) {
      const list = await c.runs.list()
      expect(list.length).toBeGreaterThanOrEqual(2)
      expect(list.every((r) => r.status === 'finished')).toBe(true)
      const id = list[0].id
      const detail = await c.runs.get(id)
      expect(detail.logs.some((l) => l.message === 'finished')).toBe(true)
      const noted = await c.runs.setNotes(id, `notes via ${c === h.ipc ? 'ipc' : 'ws'}`)
      expect(noted.notes).toMatch(/^notes via/)
      expect((await c.runs.get(id)).notes).toBe(noted.notes)
    }
    // a throwaway run deleted through each transport
    for (const c of [track(h.ipc), track(h.ws)]) {
      const r = await c.runs.start({ ...CONFIG, n: 1, workers: 1, groundTruth: undefined })
      await c.runs.cancel(r.id)
      expect((await c.runs.resume(r.id)).status).toBe('running')
      expect((await c.runs.cancel(r.id)).status).toBe('cancelled')
      await expect(c.runs.delete(r.id)).resolves.toEqual({ deleted: true })
      await expect(c.runs.get(r.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
      await c.runs.export((await c.runs.list())[0].id, { dir: path.join(tmpDir('export2'), 'x') })
    }
  })

  it('models.exporters / models.export through both transports: registry menu, files written, CONFLICT on a non-empty folder', async () => {
    const arch = '|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|none~2|'
    for (const c of [track(h.ipc), track(h.ws)]) {
      const menu = await c.models.exporters({ space: 'nb201' })
      expect(menu.map((e) => e.id)).toEqual(['pytorch', 'onnx', 'nb201'])
      const dir = path.join(tmpDir('models'), 'out')
      const out = await c.models.export({ space: 'nb201', arch, formats: ['pytorch', 'nb201'], weights: true, dir })
      expect(out.files).toEqual(['arch.nb201.txt', 'engine_weights.py', 'model.py', 'train.py', 'weights.safetensors'])
      expect(fs.readFileSync(path.join(out.dir, 'arch.nb201.txt'), 'utf8').trim()).toBe(arch)
      await expect(c.models.export({ space: 'nb201', arch, formats: ['onnx'], dir })).rejects.toMatchObject({ code: 'CONFLICT' })
      await expect(c.models.export({ space: 'nb201', arch, formats: ['plainnet'] })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
      // scoredIn: the weights a run's evaluation was scored with, the model built for the run's dataset (noise 16 px, 10 classes)
      const run = (await c.runs.list()).find((r) => r.best !== null)!
      const scored = await c.models.export({ space: 'nb201', arch: run.best!.arch, formats: ['onnx'], scoredIn: { runId: run.id, index: run.best!.index }, dir: path.join(tmpDir('models'), 'scored') })
      const [want] = exportArchitecture({ space: 'nb201', arch: run.best!.arch, format: 'onnx', numClasses: 10, inputSize: 16, seed: evaluationSeed(run.config.seed, run.best!.index) })
      expect(Buffer.compare(fs.readFileSync(path.join(scored.dir, 'model.onnx')), Buffer.from(want.data as Uint8Array))).toBe(0)
      await expect(c.models.export({ space: 'nb201', arch, formats: ['onnx'], scoredIn: { runId: 'no-such-run', index: 0 } })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    }
  })

  it('compute.get / set / workers through both transports: local by default, URL validated, password masked, back to local', async () => {
    for (const c of [track(h.ipc), track(h.ws)]) {
      expect(await c.compute.get()).toEqual({ mode: 'local', url: null, tlsInsecure: false })
      expect(await c.compute.workers()).toEqual([])
      const set = await c.compute.set({ mode: 'redis', url: 'redis://:s3cret-pw@127.0.0.1:6399/2' })
      expect(set.mode).toBe('redis')
      expect(set.url).not.toContain('s3cret-pw')
      expect(set.url).toContain('127.0.0.1:6399')
      expect(await c.compute.get()).toEqual(set)
      await expect(c.compute.set({ mode: 'redis', url: 'http://127.0.0.1:6379' })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
      await expect(c.call('compute.set', { mode: 'cloud' } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
      expect(await c.compute.set({ mode: 'local' })).toEqual({ mode: 'local', url: null, tlsInsecure: false })
    }
  })

  it('calibration.start / get / cancel through both transports: evaluation 0 scored once, progress polled, cancel honoured, typed errors', { timeout: 180_000 }, async () => {
    const config = { ...CONFIG, groundTruth: undefined, n: 4 }
    // the run's evaluation 0: the strategy's first candidate (independent of the service: the engine's own strategy)
    const first = createEngineAdapter().createSearch(RunConfigSchema.parse(config)).strategy.ask(1)[0].arch
    for (const c of [track(h.ipc), track(h.ws)]) {
      const started = await c.calibration.start(config)
      expect(started).toMatchObject({ state: 'running', space: 'nb201', arch: first, batchSize: 8, proxies: ['acor'], secondsPerArch: null, expectedSeconds: null })
      let cal = started
      while (cal.state === 'running') {
        await new Promise((r) => setTimeout(r, 200))
        cal = await c.calibration.get(started.id)
      }
      expect(cal.state, JSON.stringify(cal.error)).toBe('done')
      expect(cal.secondsPerArch).toBeGreaterThan(0)
      expect(cal.totalSeconds).toBeGreaterThanOrEqual(cal.secondsPerArch!)
      expect(cal.machine.cores).toBeGreaterThanOrEqual(1)
      expect(await c.calibration.cancel(started.id)).toEqual(await c.calibration.get(started.id)) // finished: unchanged
      // a slow one (MobileNetV2 at the paper's batch 64, 224 px) is cancelled long before it could finish
      const slow = await c.calibration.start({ ...config, space: 'mbv2', proxy: { mode: 'single', id: 'sjw' }, batchSize: 64, dataset: { kind: 'noise', imageSize: 224, numClasses: 1000 } })
      expect(slow.expectedSeconds).toBeGreaterThan(0) // the mbv2 protocol's stored measurement: the ETA
      const cancelled = await c.calibration.cancel(slow.id)
      expect(cancelled.state).toBe('cancelled')
      expect(cancelled.secondsPerArch).toBeNull()
      await expect(c.calibration.get('cal-none')).rejects.toMatchObject({ code: 'NOT_FOUND' })
      await expect(c.calibration.start({ ...config, strategyOptions: { nope: 1 } })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
      await expect(c.call('calibration.start', { ...config, batchSize: 1 } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    }
  })

  it('compute.backends through both transports: the backend scoring uses here and, for every other one, why not and the fix', async () => {
    const seen = []
    for (const c of [track(h.ipc), track(h.ws)]) seen.push(await c.compute.backends())
    expect(seen[1]).toEqual(seen[0]) // one probe, cached; the same object through both transports
    const info = seen[0]
    // this machine: no native addon, no hardware GPU (a software adapter is refused by the automatic order) → wasm
    expect(info.inUse).toEqual({ backend: 'wasm', workers: 'process' })
    expect(info.backends.map((b) => b.backend)).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu'])
    expect(info.backends.filter((b) => b.inUse).map((b) => b.backend)).toEqual(['wasm'])
    for (const b of info.backends.filter((r) => !r.inUse)) expect(b.reason, b.backend).toMatch(/\S/)
    expect(info.backends[0]).toMatchObject({ available: false, reason: expect.stringContaining('tfjs-node'), hint: expect.any(String) })
    expect(info.backends.find((b) => b.backend === 'cpu')).toMatchObject({ available: true, hint: 'ZSNAS_BACKEND=cpu' })
    expect(info.preference).toBeUndefined() // browser mode: not switchable from the app
    for (const c of [track(h.ipc), track(h.ws)]) {
      await expect(c.compute.setBackend('wasm')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('ZSNAS_BACKEND') })
      await expect(c.call('compute.setBackend', 'cuda' as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    }
  }, 180_000)

  it('called every contract method through both transports', () => {
    for (const t of ['ipc', 'ws']) for (const m of METHOD_NAMES) expect(called, `${t}:${m}`).toContain(`${t}:${m}`)
  })
})
