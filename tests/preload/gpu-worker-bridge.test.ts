/**
 * The GPU worker window's ONE bridge (src/preload/gpu-worker-bridge.ts, exposed by the sandboxed preload): both
 * directions validated with the wire's zod schemas. Checked with an ipcRenderer stand-in: valid messages pass on
 * the two fixed channels (bytes intact); malformed ones from the page throw a TypeError naming the field and send
 * nothing; malformed ones from main are dropped with a warning and never reach the page; unsubscribe works.
 */
import { describe, expect, it } from 'vitest'
import { buildGpuWorkerBridge, type GpuIpcRendererLike } from '../../src/preload/gpu-worker-bridge'
import { GPU_WINDOW_FROM_WORKER, GPU_WINDOW_TO_WORKER, type GpuToWorker } from '../../src/backend/gpu-window-channel'

function fakeIpc() {
  const sent: Array<[string, unknown]> = []
  const listeners = new Map<string, Array<(e: unknown, m: unknown) => void>>()
  const ipc: GpuIpcRendererLike = {
    send: (ch, m) => void sent.push([ch, m]),
    on: (ch, l) => void (listeners.get(ch) ?? listeners.set(ch, []).get(ch)!).push(l),
    removeListener: (ch, l) => void listeners.set(ch, (listeners.get(ch) ?? []).filter((x) => x !== l)),
  }
  const fromMain = (ch: string, m: unknown) => {
    for (const l of listeners.get(ch) ?? []) l({}, m)
  }
  return { ipc, sent, fromMain, listeners }
}

const JOB = {
  space: 'nb201',
  arch: '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|',
  proxies: ['wrcor'],
  dataset: { kind: 'cifar10' as const, path: '/data/c10/data_batch_1.bin' },
  batchSize: 4,
  seed: 1,
  init: 'pytorch' as const,
}

describe('GPU worker bridge: page → main', () => {
  it('passes the worker protocol messages on the from-worker channel', () => {
    const { ipc, sent } = fakeIpc()
    const b = buildGpuWorkerBridge(ipc)
    b.send({ type: 'ready', pid: 0 })
    b.send({ type: 'error', jobId: 3, error: { code: 'INVALID_OPTION', message: 'x' } })
    b.send({ type: 'result', jobId: 4, outcome: { arch: 'a', hash: 'a', scores: { wrcor: 1.5, synflow: 'NaN' }, params: null, flops: 2, seconds: 0.1, backend: 'wasm' } })
    expect(sent.map(([ch, m]) => [ch, (m as { type: string }).type])).toEqual([
      [GPU_WINDOW_FROM_WORKER, 'ready'],
      [GPU_WINDOW_FROM_WORKER, 'error'],
      [GPU_WINDOW_FROM_WORKER, 'result'],
    ])
  })
  it.each([
    ['an unknown type', { type: 'invoke', channel: 'runs.delete' }, /type/],
    ['a result without outcome', { type: 'result', jobId: 1 }, /outcome/],
    ['a non-integer job id', { type: 'error', jobId: 1.5, error: { code: 'INTERNAL', message: 'x' } }, /jobId/],
    ['a score that is not a number or code', { type: 'result', jobId: 1, outcome: { arch: 'a', hash: 'a', scores: { w: {} }, params: null, flops: null, seconds: 0, backend: 'wasm' } }, /outcome\.scores\.w/],
    ['not an object', 'ready', /message|expected/],
  ])('refuses %s with a TypeError naming it, sending nothing', (_what, msg, field) => {
    const { ipc, sent } = fakeIpc()
    const b = buildGpuWorkerBridge(ipc)
    let err: unknown
    try {
      b.send(msg as never)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(TypeError)
    expect((err as Error).message).toMatch(/^GPU worker bridge: message to main refused \(/)
    expect((err as Error).message).toMatch(field)
    expect(sent).toEqual([])
  })
})

describe('GPU worker bridge: main → page', () => {
  it('delivers valid messages (dataset bytes intact), drops malformed ones with a warning, unsubscribes', () => {
    const { ipc, fromMain, listeners } = fakeIpc()
    const warnings: string[] = []
    const b = buildGpuWorkerBridge(ipc, (m) => warnings.push(m))
    const got: GpuToWorker[] = []
    const off = b.onMessage((m) => got.push(m))
    const bytes = Uint8Array.from([0, 1, 2, 255])
    fromMain(GPU_WINDOW_TO_WORKER, { type: 'score', jobId: 1, job: JOB, datasetFiles: [{ name: 'data_batch_1.bin', bytes }] })
    fromMain(GPU_WINDOW_TO_WORKER, { type: 'score', jobId: 2, job: JOB })
    fromMain(GPU_WINDOW_TO_WORKER, { type: 'shutdown' })
    // malformed: bad job, bytes not bytes, an empty file name, unknown type
    fromMain(GPU_WINDOW_TO_WORKER, { type: 'score', jobId: 3, job: { ...JOB, batchSize: 0 } })
    fromMain(GPU_WINDOW_TO_WORKER, { type: 'score', jobId: 4, job: JOB, datasetFiles: [{ name: 'a', bytes: [1, 2] }] })
    fromMain(GPU_WINDOW_TO_WORKER, { type: 'score', jobId: 5, job: JOB, datasetFiles: [{ name: '', bytes }] })
    fromMain(GPU_WINDOW_TO_WORKER, { type: 'eval', code: '1' })
    expect(got.map((m) => (m.type === 'score' ? m.jobId : m.type))).toEqual([1, 2, 'shutdown'])
    const first = got[0] as Extract<GpuToWorker, { type: 'score' }>
    expect(Array.from(first.datasetFiles![0].bytes)).toEqual([0, 1, 2, 255])
    expect(warnings).toHaveLength(4)
    expect(warnings[0]).toMatch(/^GPU worker bridge: message from main dropped \(job\.batchSize: /)
    expect(warnings[1]).toMatch(/datasetFiles\.0\.bytes/)
    expect(warnings[2]).toMatch(/datasetFiles\.0\.name/)
    off()
    expect(listeners.get(GPU_WINDOW_TO_WORKER)).toEqual([])
    fromMain(GPU_WINDOW_TO_WORKER, { type: 'shutdown' })
    expect(got).toHaveLength(3)
  })
  it('onMessage needs a function', () => {
    const b = buildGpuWorkerBridge(fakeIpc().ipc)
    expect(() => b.onMessage('x' as never)).toThrow(TypeError)
  })
})
