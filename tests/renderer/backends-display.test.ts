// @vitest-environment happy-dom
/**
 * The backend display (#17 app): ⚙ Compute's "Backend on this machine" (BackendsPanel) and the run header line
 * (RunBackendLine) from `compute.backends` / the run's versions — a hardware GPU case the machine here cannot show
 * (the e2e test covers the real wasm case), a software adapter, and the fold that reads the backends only when opened.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { fakeApi, type FakeApi } from './helpers/fake-api'
import { flush, mountGlobal } from './helpers/setup'
import BackendsPanel from '../../src/renderer/components/settings/BackendsPanel.vue'
import RunBackendLine from '../../src/renderer/components/run/RunBackendLine.vue'
import { adapterText, notInUse } from '../../src/renderer/lib/backends'
import type { BackendsInfo } from '../../src/shared/schemas'

let fake: FakeApi
let w: ReturnType<typeof mount> | null = null
afterEach(() => {
  w?.unmount()
  w = null
  expect(fake?.unexpected ?? []).toEqual([])
})

const H100 = { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100 80GB HBM3', description: '', isSoftware: false }
const GPU: BackendsInfo = {
  inUse: { backend: 'webgpu', adapter: H100, workers: 'gpu-window' },
  backends: [
    { backend: 'tensorflow', available: false, inUse: false, reason: 'the native TensorFlow addon is not loaded in the desktop app (Electron ABI)', hint: 'npm run setup:native' },
    { backend: 'webgpu', available: true, inUse: true, adapter: H100 },
    { backend: 'wasm', available: true, inUse: false, reason: 'a GPU adapter scores instead (WebGPU windows)', hint: 'choose "wasm" in ⚙ Compute to score on the CPU' },
  ],
  probedAt: '2026-12-06T03:00:00.000Z',
}

describe('backend display', () => {
  it('adapter wording: vendor, architecture, device, software/hardware', () => {
    expect(adapterText(H100)).toBe('nvidia hopper · NVIDIA H100 80GB HBM3 · hardware')
    expect(adapterText({ vendor: 'google', architecture: 'swiftshader', device: 'x', description: 'SwiftShader driver 5.0.0', isSoftware: true })).toBe('google swiftshader · SwiftShader driver 5.0.0 · software')
    expect(notInUse(GPU)).toEqual([
      { backend: 'tensorflow', text: 'the native TensorFlow addon is not loaded in the desktop app (Electron ABI) (fix: npm run setup:native)' },
      { backend: 'wasm', text: 'a GPU adapter scores instead (WebGPU windows) (fix: choose "wasm" in ⚙ Compute to score on the CPU)' },
    ])
  })

  it('BackendsPanel: the GPU in use, its adapter and workers; each other backend with why and the fix', async () => {
    fake = fakeApi({ 'compute.backends': () => GPU })
    w = mount(BackendsPanel, { global: mountGlobal(fake) })
    await flush()
    expect(w.find('[data-testid="backend-in-use"]').text().replace(/\s+/g, ' ')).toBe('New local runs score on webgpu · nvidia hopper · NVIDIA H100 80GB HBM3 · hardware · GPU windows (Electron WebGPU)')
    const items = w.findAll('[data-testid="backends-not-used"] li').map((li) => li.text())
    expect(items).toEqual([
      'tensorflow not in use: the native TensorFlow addon is not loaded in the desktop app (Electron ABI) (fix: npm run setup:native)',
      'wasm not in use: a GPU adapter scores instead (WebGPU windows) (fix: choose "wasm" in ⚙ Compute to score on the CPU)',
    ])
  })

  it('a failing compute.backends is an alert, not an exception', async () => {
    fake = fakeApi({ 'compute.backends': () => { throw Object.assign(new Error('probe crashed'), { code: 'INTERNAL' }) } })
    w = mount(BackendsPanel, { global: mountGlobal(fake) })
    await flush()
    expect(w.find('[role="alert"]').text()).toContain('probe crashed')
  })

  it('RunBackendLine: the run\'s backend and adapter; the machine\'s backends read only when the fold opens', async () => {
    fake = fakeApi({ 'compute.backends': () => GPU })
    w = mount(RunBackendLine, { props: { versions: { app: '1', engine: '1', node: 'v20', backend: 'webgpu', adapter: 'nvidia hopper (NVIDIA H100 80GB HBM3)' } }, global: mountGlobal(fake) })
    await flush()
    expect(w.find('[data-testid="run-backend"]').text()).toBe('Backend: webgpu · adapter nvidia hopper (NVIDIA H100 80GB HBM3)')
    expect(fake.calls.filter((c) => c.method === 'compute.backends')).toHaveLength(0)
    const d = w.find('details')
    ;(d.element as HTMLDetailsElement).open = true
    await d.trigger('toggle')
    await flush()
    expect(fake.calls.filter((c) => c.method === 'compute.backends')).toHaveLength(1)
    expect(w.find('[data-testid="backend-in-use"]').exists()).toBe(true)
  })

  it('RunBackendLine before the first evaluation', async () => {
    fake = fakeApi({})
    w = mount(RunBackendLine, { props: { versions: { app: '1', engine: '1', node: 'v20', backend: 'unknown' } }, global: mountGlobal(fake) })
    expect(w.find('[data-testid="run-backend"]').text()).toBe('Backend: not known yet (after the first evaluation)')
  })

  it('desktop app: the preference select calls compute.setBackend and shows the new answer', async () => {
    const cpu: BackendsInfo = { ...GPU, preference: 'wasm', inUse: { backend: 'wasm', workers: 'utility-process' } }
    fake = fakeApi({ 'compute.backends': () => ({ ...GPU, preference: 'auto' }), 'compute.setBackend': () => cpu })
    w = mount(BackendsPanel, { global: mountGlobal(fake) })
    await flush()
    const sel = w.find('[data-testid="backend-preference"]')
    expect((sel.element as HTMLSelectElement).value).toBe('auto')
    await sel.setValue('wasm')
    await flush()
    expect(fake.calls.find((c) => c.method === 'compute.setBackend')?.args).toEqual(['wasm'])
    expect(w.find('[data-testid="backend-in-use"]').text()).toContain('score on wasm')
  })

  it('browser mode (no preference in the answer) and the compact panel offer no choice', async () => {
    fake = fakeApi({ 'compute.backends': () => GPU })
    w = mount(BackendsPanel, { global: mountGlobal(fake) })
    await flush()
    expect(w.find('[data-testid="backend-preference"]').exists()).toBe(false)
  })
})
