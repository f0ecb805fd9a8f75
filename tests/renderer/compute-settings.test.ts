// @vitest-environment happy-dom
/**
 * Settings → Compute (issue #19): switching to a Redis cluster URL calls
 * compute.set with exactly what was typed, the live list shows each connected
 * worker's machine, backend (and adapter) and processes, a Redis that does
 * not answer is an alert (not an exception), and the architecture table gets
 * a Machine column only when rows name the machine that scored them.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { fakeApi, type FakeApi } from './helpers/fake-api'
import { flush, mountGlobal } from './helpers/setup'
import ComputeSettings from '../../src/renderer/components/settings/ComputeSettings.vue'
import { buildColumns } from '../../src/renderer/lib/columns'
import type { ClusterWorker, ComputeInfo, EvaluationRow } from '../../src/shared/schemas'

let fake: FakeApi
// the panel's "Backend on this machine" section (compute.backends; its own test: backends-display.test.ts)
const BACKENDS = { inUse: { backend: 'wasm', workers: 'process' }, backends: [{ backend: 'wasm', available: true, inUse: true }], probedAt: '2026-12-06T03:00:00.000Z' }
let w: ReturnType<typeof mount> | null = null
afterEach(() => {
  w?.unmount()
  w = null
  expect(fake.unexpected).toEqual([])
})

const worker = (host: string, backend: string, extra: Partial<ClusterWorker> = {}): ClusterWorker => ({
  id: `${host}-1-abc`, host, pid: 1, protocol: 1, concurrency: 2, busy: 1, done: 7, backend, dataRoot: '/data', startedAt: Date.now(), seenAt: Date.now(), ...extra,
})

describe('ComputeSettings', () => {
  it('switches to a Redis cluster: sends the URL as typed and lists the connected workers with their backends', async () => {
    let info: ComputeInfo = { mode: 'local', url: null, tlsInsecure: false }
    fake = fakeApi({
      'compute.backends': () => BACKENDS,
      'compute.get': () => info,
      'compute.set': (s: { mode: string; url?: string; tlsInsecure?: boolean }) => {
        info = { mode: 'redis', url: s.url!.replace(/:[^:@/]*@/, ':***@'), tlsInsecure: s.tlsInsecure ?? false }
        return info
      },
      'compute.workers': () => [worker('lab-gpu', 'webgpu', { adapter: 'NVIDIA H100' }), worker('lab-cpu', 'wasm', { concurrency: 4 })],
    })
    w = mount(ComputeSettings, { global: mountGlobal(fake) })
    await flush()
    expect(w.find('[data-testid="compute-workers"]').exists()).toBe(false)
    await w.find('[data-testid="compute-redis"]').setValue(true)
    await w.find('[data-testid="compute-url"]').setValue('redis://:pw@10.0.0.2:6379')
    await w.find('[data-testid="compute-apply"]').trigger('click')
    await flush()
    await flush()
    const set = fake.calls.find((c) => c.method === 'compute.set')
    expect(set?.args).toEqual([{ mode: 'redis', url: 'redis://:pw@10.0.0.2:6379', tlsInsecure: false }])
    const table = w.find('[data-testid="compute-workers"]').text()
    expect(table).toContain('lab-gpu')
    expect(table).toContain('webgpu · NVIDIA H100')
    expect(table).toContain('lab-cpu')
    expect(table).toContain('wasm')
    expect(w.find('[data-testid="compute-worker-count"]').text()).toContain('2 workers, 6 processes')
    expect(w.find('[data-testid="compute-saved"]').exists()).toBe(true)
  })

  it('a Redis that does not answer shows the backend\'s message as an alert', async () => {
    fake = fakeApi({
      'compute.backends': () => BACKENDS,
      'compute.get': () => ({ mode: 'redis', url: 'redis://10.0.0.9:6379', tlsInsecure: false }),
      'compute.workers': () => {
        throw Object.assign(new Error('Redis at redis://10.0.0.9:6379 does not answer (timeout)'), { code: 'BACKEND_UNAVAILABLE' })
      },
    })
    w = mount(ComputeSettings, { global: mountGlobal(fake) })
    await flush()
    await flush()
    expect(w.find('[data-testid="compute-error"]').text()).toContain('does not answer')
  })
})

describe('architecture table Machine column', () => {
  const r = { index: 0, arch: 'a', hash: 'a', status: 'ok', scores: {}, params: null, flops: null, seconds: 1, groundTruth: null, error: null, attempts: 1, host: 'lab-gpu' } as EvaluationRow
  it('is present only when asked, and shows the row\'s host (blank for this machine)', () => {
    expect(buildColumns([]).some((c) => c.key === 'host')).toBe(false)
    const col = buildColumns([], undefined, null, false, true).find((c) => c.key === 'host')!
    expect(col.label).toBe('Machine')
    expect(col.format(r)).toBe('lab-gpu')
    expect(col.format({ ...r, host: undefined })).toBe('')
  })
})
