/**
 * CalibrationService (src/backend/calibration.ts) with real worker processes:
 * the scoring is the run's evaluation 0 (the strategy's first candidate), cancel kills the worker, a new start cancels the
 * running one, a scoring error is a 'failed' state with its typed error.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CalibrationService } from '../../src/backend/calibration'
import { createEngineAdapter } from '../../src/backend/engine-adapter'
import { forkHost } from '../../src/backend/worker-host'
import { RunConfigSchema } from '../../src/shared/schemas'
import type { Calibration } from '../../src/shared/calibration-schema'
import { alive } from '../server/helpers'

const host = forkHost({ entry: path.resolve('src/worker/score-worker.ts'), execArgv: ['--import', 'tsx'] })
const engine = createEngineAdapter()
const svc = new CalibrationService({ engine, host })
afterAll(() => svc.close())

const NB201 = RunConfigSchema.parse({
  space: 'nb201', strategy: 'random', proxy: { mode: 'single', id: 'synflow' }, n: 5, seed: 11,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 }, batchSize: 8,
})
const SLOW = RunConfigSchema.parse({ ...NB201, space: 'mbv2', proxy: { mode: 'single', id: 'sjw' }, batchSize: 64, dataset: { kind: 'noise', imageSize: 224, numClasses: 1000 } })

async function settle(id: string): Promise<Calibration> {
  for (;;) {
    const c = svc.get(id)
    if (c.state !== 'running') return c
    await new Promise((r) => setTimeout(r, 100))
  }
}
async function until(f: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now()
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('calibration scorings', () => {
  it('scores the run\'s evaluation 0: the strategy\'s first candidate', { timeout: 120_000 }, async () => {
    const c = await settle(svc.start(NB201).id)
    expect(c.state, JSON.stringify(c.error)).toBe('done')
    const first = engine.createSearch(NB201).strategy.ask(1)[0]
    expect(first.id).toBe(0)
    expect(c.arch).toBe(first.arch)
    expect(c.secondsPerArch).toBeGreaterThan(0)
    expect(c.backend).toBe('wasm')
    // a fresh worker's own peak (Linux VmHWM): more than an empty Node process, far less than a 4 GB wasm heap at 16 px
    expect(c.peakRssGB).toBeGreaterThan(0.03)
    expect(c.peakRssGB).toBeLessThan(2)
  })

  it('cancel kills the worker; a new start cancels the running one', { timeout: 120_000 }, async () => {
    const slow = svc.start(SLOW)
    await until(() => svc.workerPids(slow.id).length === 1)
    const [pid] = svc.workerPids(slow.id)
    expect(svc.cancel(slow.id).state).toBe('cancelled')
    await until(() => !alive(pid), 10_000)
    expect(svc.get(slow.id)).toMatchObject({ state: 'cancelled', secondsPerArch: null })

    const a = svc.start(SLOW)
    await until(() => svc.workerPids(a.id).length === 1)
    const [pidA] = svc.workerPids(a.id)
    const b = svc.start(NB201)
    expect(svc.get(a.id).state).toBe('cancelled')
    await until(() => !alive(pidA), 10_000)
    expect((await settle(b.id)).state).toBe('done')
  })

  it('a scoring error is state failed with the typed error; bad options are refused before anything is spawned', { timeout: 120_000 }, async () => {
    // a file that exists but is no CIFAR-10 batch: found by the worker while scoring
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-cal-')), 'not-cifar.bin')
    fs.writeFileSync(bad, Buffer.alloc(10, 7))
    const c = await settle(svc.start(RunConfigSchema.parse({ ...NB201, dataset: { kind: 'cifar10', path: bad } })).id)
    expect(c.state).toBe('failed')
    expect(c.error?.code).not.toBe('INTERNAL')
    expect(c.error?.message).toMatch(/^not-cifar\.bin: 10 bytes is not a whole/) // names the file and what is wrong
    expect(() => svc.start(RunConfigSchema.parse({ ...NB201, dataset: { kind: 'cifar10', path: '/nonexistent/cifar10' } }))).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }))
    expect(() => svc.start(RunConfigSchema.parse({ ...NB201, strategyOptions: { nope: 1 } }))).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }))
    expect(() => svc.get('cal-none')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
  })
})
