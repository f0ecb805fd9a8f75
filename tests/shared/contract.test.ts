import { describe, expect, it } from 'vitest'
import { createClient, ServiceError, type Transport } from '../../src/shared/client'
import { METHODS, EVENTS, METHOD_NAMES, EVENT_NAMES, type ServiceHandlers, type DatasetSpecData } from '../../src/shared/contract'
import { dispatch } from '../../src/shared/dispatch'
import { createEventBus, createLocalTransport } from '../../src/shared/local-transport'
import type { DatasetSpec } from '../../src/engine/core/data'

// type-level: the contract's DatasetSpec mirrors the engine's (assignable both ways)
const toEngine = (d: DatasetSpecData): DatasetSpec => d
const fromEngine = (d: DatasetSpec): DatasetSpecData => d
void toEngine
void fromEngine

const validConfig = {
  space: 'nb201',
  strategy: 'random',
  proxy: { mode: 'single', id: 'params' },
  n: 6,
  seed: 1,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 },
  batchSize: 8,
} as const

function recordingHandlers(): { handlers: ServiceHandlers; calls: Array<[string, unknown[]]> } {
  const calls: Array<[string, unknown[]]> = []
  const handlers = Object.fromEntries(
    METHOD_NAMES.map((m) => [
      m,
      (...args: unknown[]) => {
        calls.push([m, args.slice(0, -1)])
        throw Object.assign(new Error('not under test'), { code: 'NOT_FOUND' })
      },
    ]),
  ) as unknown as ServiceHandlers
  return { handlers, calls }
}

describe('contract tables', () => {
  it('has exactly one schema per method and event name', () => {
    expect(Object.keys(METHODS).sort()).toEqual([...METHOD_NAMES].sort())
    expect(Object.keys(EVENTS).sort()).toEqual([...EVENT_NAMES].sort())
  })

  it('fills run-config defaults and rejects bad configs field by field', () => {
    const parsed = METHODS['runs.start'].args.parse([validConfig])[0]
    expect(parsed.init).toBe('pytorch')
    expect(parsed.spaceOptions).toEqual({})
    expect(METHODS['runs.start'].args.safeParse([{ ...validConfig, n: 0 }]).success).toBe(false)
    expect(METHODS['runs.start'].args.safeParse([{ ...validConfig, proxy: { mode: 'voting', ids: ['a'] } }]).success).toBe(false)
    expect(METHODS['runs.start'].args.safeParse([{ ...validConfig, dataset: { kind: 'cifar10' } }]).success).toBe(false)
  })
})

describe('dispatch (receiving side of a call)', () => {
  it('rejects malformed payloads with a typed BAD_REQUEST naming the field, without calling the handler', async () => {
    const { handlers, calls } = recordingHandlers()
    const env = await dispatch(handlers, 'runs.start', [{ ...validConfig, batchSize: 'eight' }], { transport: 'direct' })
    expect(env.ok).toBe(false)
    if (env.ok) return
    expect(env.error.code).toBe('BAD_REQUEST')
    expect(env.error.message).toContain('batchSize')
    expect(calls).toEqual([])
    const env2 = await dispatch(handlers, 'runs.get', [42], { transport: 'direct' })
    expect(env2.ok === false && env2.error.code).toBe('BAD_REQUEST')
    const env3 = await dispatch(handlers, 'runs.get', 'not-an-array-of-args-but-a-string', { transport: 'direct' })
    expect(env3.ok).toBe(false) // a bare string is wrapped as [string], reaches the handler, which throws NOT_FOUND
    expect(env3.ok === false && env3.error.code).toBe('NOT_FOUND')
  })

  it('refuses unknown methods and keeps thrown error codes', async () => {
    const { handlers } = recordingHandlers()
    const env = await dispatch(handlers, 'runs.rm -rf', [], { transport: 'direct' })
    expect(env.ok === false && env.error.code).toBe('UNKNOWN_METHOD')
    const env2 = await dispatch(handlers, 'runs.list', [], { transport: 'direct' })
    expect(env2).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'not under test' } })
  })
})

describe('client (receiving side of results and events)', () => {
  it('throws ServiceError with the remote code, rejects malformed responses, drops invalid events', async () => {
    let reply: unknown = { ok: false, error: { code: 'CONFLICT', message: 'busy', details: { id: 'r1' } } }
    let emit: (e: string, p: unknown) => void = () => {}
    const transport: Transport = {
      call: async () => reply,
      onEvent: (l) => {
        emit = l
        return () => {}
      },
    }
    const invalid: string[] = []
    const client = createClient(transport, { onInvalidEvent: (e) => invalid.push(e) })
    const err = await client.runs.cancel('r1').catch((e) => e)
    expect(err).toBeInstanceOf(ServiceError)
    expect(err.toData()).toEqual({ code: 'CONFLICT', message: 'busy', details: { id: 'r1' } })

    reply = { ok: true, value: [{ id: 'r1' }] } // not a RunSummary
    const err2 = await client.runs.list().catch((e) => e)
    expect(err2.code).toBe('BAD_RESPONSE')

    reply = { ok: true, value: { deleted: true } }
    expect(await client.runs.delete('r1')).toEqual({ deleted: true })

    const got: unknown[] = []
    const off = client.on('run.progress', (p) => got.push(p))
    const good = { runId: 'r1', done: 1, failed: 0, total: 6, rate: 2, elapsed: 0.5, eta: 2.5 }
    emit('run.progress', good)
    emit('run.progress', { ...good, done: -1 })
    emit('run.nonsense', {})
    off()
    emit('run.progress', good)
    expect(got).toEqual([good])
    expect(invalid).toEqual(['run.progress', 'run.nonsense'])
  })

  it('round-trips through the in-process transport with typed values', async () => {
    const bus = createEventBus()
    const { handlers } = recordingHandlers()
    handlers['system.info'] = () => ({
      mode: 'browser',
      canPickFiles: false,
      versions: { app: '0.1.0', engine: '0.1.0', backend: 'wasm', node: process.version },
      cores: 2,
      defaultWorkers: 1,
      platform: 'linux',
      dataDir: '/tmp/x',
    })
    const client = createClient(createLocalTransport(handlers, bus))
    const info = await client.system.info()
    expect(info.defaultWorkers).toBe(1)
    const bad = await client.runs.evaluations('r1', { limit: 0 }).catch((e) => e)
    expect(bad.code).toBe('BAD_REQUEST')
  })
})
