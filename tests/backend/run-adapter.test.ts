/**
 * A run records the backend AND the WebGPU adapter its workers report (run versions → run header, manifest.json),
 * with the real RunManager, store and run-folder export, and a worker host whose results name a GPU adapter.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngineAdapter } from '../../src/backend/engine-adapter'
import { RunManager } from '../../src/backend/run-manager'
import { RunStore } from '../../src/backend/store'
import { exportRun } from '../../src/backend/export'
import type { WorkerHost } from '../../src/backend/worker-host'
import { RunConfigSchema } from '../../src/shared/schemas'

const ADAPTER = 'nvidia hopper (NVIDIA H100 80GB HBM3)'
/** answers every job with a fixed score from a "webgpu" worker on ADAPTER (or without an adapter: wasm) */
function host(adapter: string | undefined): WorkerHost {
  return {
    spawn() {
      const msg: Array<(m: unknown) => void> = []
      return {
        pid: 1,
        post(m: any) {
          if (m.type !== 'score') return
          const { arch, proxies } = m.job as { arch: string; proxies: string[] }
          const outcome = { arch, hash: arch, scores: Object.fromEntries(proxies.map((p) => [p, arch.length])), params: 1, flops: 1, seconds: 0.01, backend: adapter ? 'webgpu' : 'wasm', ...(adapter ? { adapter } : {}) }
          setTimeout(() => msg.forEach((cb) => cb({ type: 'result', jobId: m.jobId, outcome })), 1)
        },
        onMessage: (cb) => void msg.push(cb),
        onExit: () => {},
        kill: () => {},
      }
    },
  }
}

const config = RunConfigSchema.parse({
  space: 'nb201', strategy: 'random', proxy: { mode: 'single', id: 'acor' }, n: 3, seed: 7,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 }, batchSize: 8, workers: 1,
})
const stores: RunStore[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.close()
})
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-adapter-'))

async function run(adapter: string | undefined) {
  const { store } = RunStore.open(tmp())
  stores.push(store)
  const m = new RunManager({ store, engine: createEngineAdapter(), host: host(adapter), emit: () => {}, defaultWorkers: 1, versions: { app: 't', engine: 't', node: 't' }, eventIntervalMs: 5 })
  const s = await m.start(config)
  await m.whenStopped(s.id)
  const sum = m.summary(s.id)
  const out = exportRun(store, sum, ['acor'], path.join(tmp(), 'export'), { seedDerivation: 'x' })
  const manifest = JSON.parse(fs.readFileSync(path.join(out.dir, 'manifest.json'), 'utf8'))
  return { sum, manifest }
}

describe('run backend and adapter', () => {
  it('a webgpu run: versions and manifest name backend and adapter', async () => {
    const { sum, manifest } = await run(ADAPTER)
    expect(sum.status).toBe('finished')
    expect(sum.versions).toMatchObject({ backend: 'webgpu', adapter: ADAPTER })
    expect(manifest.versions).toMatchObject({ backend: 'webgpu', adapter: ADAPTER })
  })
  it('a wasm run: backend only, no adapter field', async () => {
    const { sum, manifest } = await run(undefined)
    expect(sum.versions.backend).toBe('wasm')
    expect('adapter' in sum.versions).toBe(false)
    expect('adapter' in manifest.versions).toBe(false)
  })
})
