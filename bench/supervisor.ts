/**
 * Supervisor overhead and pool scaling: scores the same NB201 random run
 * (noise 16×16, batch 8, proxy acor) in-process and through the backend with
 * 1 and 2 worker processes; prints seconds and architectures/s.
 *
 *   npx tsx bench/supervisor.ts [n=16]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { scoreArchitecture } from '../src/engine/score/score'
import { createBackend } from '../src/backend/backend'
import { createEngineAdapter } from '../src/backend/engine-adapter'
import { evaluationSeed } from '../src/backend/seeds'
import { forkHost } from '../src/backend/worker-host'
import { RunConfigSchema } from '../src/shared/schemas'

const n = Number(process.argv[2] ?? 16)
const base = RunConfigSchema.parse({
  space: 'nb201',
  strategy: 'random',
  proxy: { mode: 'single', id: 'acor' },
  n,
  seed: 1,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 },
  batchSize: 8,
})

async function viaBackend(workers: number): Promise<{ seconds: number; archs: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-bench-'))
  const backend = createBackend({
    dataDir: dir,
    host: forkHost({ entry: path.resolve('src/worker/score-worker.ts'), execArgv: ['--import', 'tsx'] }),
    engine: createEngineAdapter(),
    mode: 'browser',
    defaultWorkers: workers,
  })
  const t = performance.now()
  const s = await backend.manager.start({ ...base, workers })
  await backend.manager.whenStopped(s.id)
  const seconds = (performance.now() - t) / 1000
  const archs = backend.store.allEvaluations(s.id).map((r) => r.arch)
  await backend.close()
  return { seconds, archs }
}

const one = await viaBackend(1)
const t = performance.now()
for (let i = 0; i < n; i++) {
  await scoreArchitecture({ space: 'nb201', arch: one.archs[i], proxies: ['acor'], dataset: base.dataset, batchSize: 8, seed: evaluationSeed(1, i), init: 'pytorch' })
}
const inProcess = (performance.now() - t) / 1000
const two = await viaBackend(2)
const line = (label: string, s: number) => console.log(`${label.padEnd(34)} ${s.toFixed(2).padStart(7)} s   ${(n / s).toFixed(2).padStart(6)} arch/s`)
console.log(`NB201 random search, ${n} archs, acor, noise 16x16, batch 8 (cores: ${os.cpus().length}, load ${os.loadavg()[0].toFixed(1)})`)
line('in-process scoreArchitecture', inProcess)
line('backend, 1 worker (incl. spawn)', one.seconds)
line('backend, 2 workers (incl. spawn)', two.seconds)
