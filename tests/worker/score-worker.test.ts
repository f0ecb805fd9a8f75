import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fork } from 'node:child_process'
import { forkHost, utilityProcessHost, type UtilityProcessModule, type WorkerHandle } from '../../src/backend/worker-host'
import { FromWorkerSchema, type FromWorker } from '../../src/worker/protocol'
import { scoreArchitecture } from '../../src/engine/score/score'
import { decodeScore } from '../../src/shared/score-value'

const ENTRY = path.resolve('src/worker/score-worker.ts')
const ARCH = '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|'
const JOB = {
  space: 'nb201',
  arch: ARCH,
  proxies: ['acor'],
  dataset: { kind: 'noise' as const, imageSize: 16, numClasses: 10 },
  batchSize: 8,
  seed: 1234,
  init: 'pytorch' as const,
}

let live: WorkerHandle[] = []
afterEach(() => {
  for (const h of live) h.kill()
  live = []
})

/**
 * Stand-in for Electron's `utilityProcess` (the binary is not available here):
 * same surface (fork → postMessage / on('message') / on('exit', code) / kill),
 * backed by child_process.fork.
 */
const fakeUtilityProcess: UtilityProcessModule = {
  fork(modulePath) {
    const cp = fork(modulePath, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced' })
    const proc = {
      pid: cp.pid,
      postMessage: (m: unknown) => void cp.send(m as object),
      on(event: 'message' | 'exit', cb: (x: any) => void) {
        if (event === 'message') cp.on('message', cb)
        else cp.on('exit', (code) => cb(code ?? -1))
        return proc
      },
      kill: () => cp.kill('SIGKILL'),
    }
    return proc
  },
}

function spawn(kind: 'fork' | 'utility' = 'fork'): { handle: WorkerHandle; next: () => Promise<FromWorker> } {
  const handle = (kind === 'fork' ? forkHost({ entry: ENTRY, execArgv: ['--import', 'tsx'] }) : utilityProcessHost(fakeUtilityProcess, ENTRY)).spawn()
  live.push(handle)
  const queue: FromWorker[] = []
  const waiters: Array<(m: FromWorker) => void> = []
  handle.onMessage((raw) => {
    const m = FromWorkerSchema.parse(raw)
    const w = waiters.shift()
    if (w) w(m)
    else queue.push(m)
  })
  return { handle, next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r))) }
}

describe('score worker process (child_process.fork of src/worker/score-worker.ts)', () => {
  it('announces itself, scores a job exactly like an in-process scoreArchitecture, and reports bad input as typed error data', async () => {
    const { handle, next } = spawn()
    const ready = await next()
    expect(ready).toEqual({ type: 'ready', pid: handle.pid })

    handle.post({ type: 'score', jobId: 7, job: JOB })
    const res = await next()
    expect(res.type).toBe('result')
    if (res.type !== 'result') return
    expect(res.jobId).toBe(7)
    const local = await scoreArchitecture({ ...JOB })
    // same seed, same backend -> bit-identical scores; the process boundary changes nothing
    expect(res.outcome.scores).toEqual(local.scores)
    expect(res.outcome.arch).toBe(local.arch)
    expect(res.outcome.hash).toBe(local.hash)
    expect(res.outcome.params).toBe(local.params)
    expect(res.outcome.flops).toBe(local.flops)
    expect(res.outcome.backend).toBe(local.backend)

    handle.post({ type: 'score', jobId: 8, job: { ...JOB, arch: '|conv_9x9~0|' } })
    const bad = await next()
    expect(bad.type).toBe('error')
    if (bad.type === 'error') {
      expect(bad.jobId).toBe(8)
      expect(bad.error.code).toBe('INVALID_ARCH')
    }
    // the worker survives a failed job
    handle.post({ type: 'score', jobId: 9, job: { ...JOB, seed: 5 } })
    const again = await next()
    expect(again.type === 'result' && again.jobId).toBe(9)
  })

  it('sends a degenerate cell\'s non-finite scores as what they are (−∞ ≠ NaN), equal to the in-process scores', async () => {
    // no path from the cell input to its output: the logits are constant, SynFlow's sum is 0 (log ⇒ −∞) and
    // JacCor's input Jacobian is 0 (its correlation matrix ⇒ NaN)
    const dead = { ...JOB, arch: '|none~0|+|none~0|avg_pool_3x3~1|+|none~0|skip_connect~1|nor_conv_3x3~2|', proxies: ['synflow', 'jaccor', 'params'] }
    const { handle, next } = spawn()
    await next()
    handle.post({ type: 'score', jobId: 1, job: dead })
    const res = await next()
    expect(res.type).toBe('result')
    if (res.type !== 'result') return
    expect(res.outcome.scores).toEqual({ synflow: '-Infinity', jaccor: 'NaN', params: expect.any(Number) })
    const local = await scoreArchitecture(dead)
    expect(local.scores.synflow).toBe(-Infinity)
    expect(local.scores.jaccor).toBeNaN()
    expect(decodeScore(res.outcome.scores.params)).toBe(local.scores.params)
  })

  it('runs behind the utilityProcess host adapter the same way, and reports its exit when killed', async () => {
    const { handle, next } = spawn('utility')
    expect(await next()).toEqual({ type: 'ready', pid: handle.pid })
    handle.post({ type: 'score', jobId: 1, job: { ...JOB, proxies: ['params'] } })
    const res = await next()
    expect(res.type === 'result' && res.outcome.scores.params).toBe((await scoreArchitecture({ ...JOB, proxies: ['params'] })).scores.params)
    const exited = new Promise<number | null>((r) => handle.onExit((code) => r(code)))
    handle.kill()
    expect(await exited).toBe(-1)
  })
})
