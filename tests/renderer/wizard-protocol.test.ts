// @vitest-environment happy-dom
/**
 * The wizard's paper protocol (#18): choosing MobileNetV2 sets the protocol the
 * space declares (read from its catalog entry, i.e. SpaceDef.protocol), every
 * field stays editable and departures are named; a restored draft is not
 * overridden; the summary's calibration is started, polled, cancelled and
 * turned into the projection (hand-computed values).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { fakeApi, type FakeApi } from './helpers/fake-api'
import { catalogHandlers, SPACES } from './helpers/fixtures'
import { flush, storeEnv } from './helpers/setup'
import { useWizardStore } from '../../src/renderer/stores/wizard'
import { useCatalogStore } from '../../src/renderer/stores/catalog'
import { getSpaceDef } from '../../src/engine/spaces/registry'
import type { Calibration } from '../../src/shared/contract'

const PROTOCOL = getSpaceDef('mbv2').protocol! // the real declaration
const spaces = SPACES.map((s) => (s.id === 'mbv2' ? { ...s, protocol: structuredClone(PROTOCOL) } : s))

let fake: FakeApi
afterEach(() => {
  expect(fake.unexpected).toEqual([])
})

async function readyStore(extra: Parameters<typeof fakeApi>[0] = {}) {
  fake = fakeApi({ ...catalogHandlers, 'catalog.spaces': () => spaces, ...extra })
  storeEnv(fake)
  await useCatalogStore().load()
  const w = useWizardStore()
  w.applyDefaults()
  return w
}

const cal = (o: Partial<Calibration>): Calibration => ({
  id: 'cal-1', state: 'running', space: 'mbv2', arch: 'a', batchSize: 64, proxies: ['synflow', 'jaccor', 'wrcor'], startedAt: '2026-12-06T00:00:00.000Z',
  elapsedSeconds: 0, expectedSeconds: 211, secondsPerArch: null, totalSeconds: null, peakRssGB: null, backend: null, error: null, machine: { cores: 2, memoryGB: 8 }, ...o,
})
const until = async (f: () => boolean, ms = 5000) => {
  const t0 = Date.now()
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('wizard: the MobileNetV2 paper protocol', () => {
  it('choosing MobileNetV2 sets batch 64, SJW, RE P 64 / S 10, N 5000 and the space\'s 192–320 px, ≤ 600 M FLOPs; edits are named as departures', async () => {
    const w = await readyStore()
    expect(w.protocol).toBeUndefined() // NB201 declares none
    await w.chooseSpace('mbv2')
    expect(w.protocol).toEqual(PROTOCOL)
    // the paper's values (§5.3, Table 1), as set from the declaration
    expect(w.batchSize).toBe(64)
    expect(w.proxyMode).toBe('single')
    expect(w.proxy).toBe('sjw')
    expect(w.strategy).toBe('re')
    expect(w.strategyOptions).toMatchObject({ populationSize: 64, tournamentSize: 10 })
    expect(w.n).toBe(5000)
    expect(w.spaceOptions).toEqual({ flopsLimit: 600e6, minResolution: 192, maxResolution: 320 })
    expect(w.departures).toEqual([])
    expect(w.protocolText).toBe('batch 64, sjw, re (populationSize 64, tournamentSize 10), N 5000')
    // every field stays editable; the changes are named
    w.batchSize = 16
    w.spaceOptions.maxResolution = 224
    w.strategyOptions.tournamentSize = 5
    expect(w.departures).toEqual(['Max resolution 224', 'batch 16', 'tournamentSize 5'])
    expect(w.config).toMatchObject({ batchSize: 16, spaceOptions: { maxResolution: 224 }, strategyOptions: { tournamentSize: 5 } })
    await w.applyProtocol()
    expect(w.departures).toEqual(['Max resolution 224']) // the constraints are the space's options, not the protocol's
    // back to NB201: its own defaults, no protocol label
    await w.chooseSpace('nb201')
    expect(w.protocol).toBeUndefined()
    expect(w.departures).toEqual([])
  })

  it('a restored draft (reload, edit and retry) keeps its own values: the protocol is applied only on a user\'s choice', async () => {
    const w = await readyStore()
    await w.applyDraft({
      datasetMode: 'noise', noise: { imageSize: 32, numClasses: 10 }, datasetPath: '', datasetKind: 'auto', datasetImageSize: 32,
      space: 'mbv2', spaceOptions: {}, strategy: 'random', strategyOptions: {}, proxyMode: 'single', proxy: 'wrcor', votingIds: [], proxyOptions: {},
      n: 20, batchSize: 16, seed: 1, init: 'pytorch', workers: 1, name: '', tablePath: '', tableMetric: '',
    })
    await flush()
    expect([w.space, w.batchSize, w.strategy, w.proxy, w.n]).toEqual(['mbv2', 16, 'random', 'wrcor', 20])
    expect(w.departures).toEqual(['batch 16', 'proxy wrcor', 'strategy random', 'N 20'])
  })

  it('measure: one calibration through the contract, polled to done, projected; stale after a change; cancel; submit cancels a running one', async () => {
    let gets = 0
    let donePeak: number | null = null
    const w = await readyStore({
      'calibration.start': () => cal({}),
      'calibration.get': () => (++gets < 2 ? cal({ elapsedSeconds: 100 }) : cal({ state: 'done', elapsedSeconds: 40, secondsPerArch: 36, totalSeconds: 38, backend: 'wasm', peakRssGB: donePeak })),
    })
    await w.chooseSpace('mbv2')
    w.workers = 1
    await w.measure()
    expect(fake.calls.find((c) => c.method === 'calibration.start')!.args).toEqual([w.config])
    expect(w.calibrating).toBe(true)
    await until(() => w.calibrationProgress !== null && w.calibrationProgress.elapsed === 100)
    // 100 s of an expected 211 s: 47 %, ≈ 111 s left
    expect(w.calibrationProgress!.fraction).toBeCloseTo(100 / 211, 6)
    expect(w.calibrationProgress!.eta).toBe(111)
    await until(() => w.calibration?.state === 'done')
    // 5000 × 36 s = 180000 s: 50.0 h on 1 worker, 25.0 h on the machine's 2 cores;
    // workstation with the protocol's peak RSS 2.41 GB: ⌊64 ÷ 2.41⌋ = ⌊26.56⌋ = 26 ≥ 16 cores → 16 processes → 180000 ÷ 16 = 11250 s = 3.1 h
    expect(w.projection.measured!.here).toBe('N 5000 projected 50.0 h on 1 worker, 25.0 h on 2 (one per core) — this machine: 2 cores, 8 GB')
    expect(w.projection.measured!.workstation).toBe('16 cores, 64 GB: 16 processes, one per core (memory allows 26 at 2.41 GB each) → N 5000 in 3.1 h (memory bound: the peak RSS of the protocol\'s batch-64 measurement)')
    // the protocol's own measurement: 77.5 s × 5000 = 387500 s = 107.6 h on 1 worker; ÷ 16 = 24218.75 s = 6.7 h
    expect(w.projection.reference).toMatch(/78 s\/arch at batch 64 .* → N 5000 ≈ 107\.6 h on 1 worker; 16 cores, 64 GB: 16 processes, one per core \(memory allows 26 at 2\.41 GB each\) → N 5000 in 6\.7 h$/)
    // with the scoring's own peak RSS (3.1 GB: ⌊64 ÷ 3.1⌋ = 20 ≥ 16) the workstation is core-bound: 180000 s ÷ 16 = 11250 s = 3.1 h
    donePeak = 3.1
    gets = 0
    await w.measure()
    await until(() => w.calibration?.state === 'done' && w.calibration.peakRssGB === 3.1)
    expect(w.projection.measured!.workstation).toBe('16 cores, 64 GB: 16 processes, one per core (memory allows 20 at 3.10 GB each) → N 5000 in 3.1 h (memory bound: peak RSS 3.10 GB measured here)')
    expect(w.projection.measured!.memory).toBeNull() // 1 worker × 3.1 GB ≤ 8 GB
    w.workers = 3 // 3 × 3.1 = 9.3 GB > the machine's 8 GB: ⌊8 ÷ 3.1⌋ = 2
    expect(w.projection.measured!.memory).toBe('3 workers × 3.10 GB peak RSS = 9.3 GB exceeds this machine\'s 8 GB: use at most 2 workers')
    w.workers = 1
    w.n = 5064 // N does not change a scoring: still fresh
    expect(w.calibrationStale).toBe(false)
    w.batchSize = 32 // a different scoring: the measurement no longer applies
    expect(w.calibrationStale).toBe(true)
    expect(w.projection.measured).toBeNull()
  })

  it('cancel kills the running calibration; starting the run cancels one first', async () => {
    const w = await readyStore({
      'calibration.start': () => cal({}),
      'calibration.get': () => cal({ elapsedSeconds: 1 }),
      'calibration.cancel': () => cal({ state: 'cancelled', elapsedSeconds: 1 }),
      'runs.start': () => { throw Object.assign(new Error('not under test'), { code: 'CONFLICT' }) },
    })
    await w.chooseSpace('mbv2')
    await w.measure()
    await w.cancelMeasure()
    expect(w.calibration!.state).toBe('cancelled')
    expect(w.calibrating).toBe(false)
    await w.measure()
    expect(w.calibrating).toBe(true)
    await w.submit()
    const order = fake.calls.map((c) => c.method).filter((m) => m === 'calibration.cancel' || m === 'runs.start')
    expect(order).toEqual(['calibration.cancel', 'calibration.cancel', 'runs.start'])
  })
})
