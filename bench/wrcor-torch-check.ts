/**
 * Cross-check of the whole WRCor chain (NB201 builder + tfjs ops + response
 * pass + float64 kernel) against an independent PyTorch/numpy computation
 * (bench/wrcor_torch_check.py). Not part of CI (needs Debian's python3-torch:
 * `apt-get install -y python3-torch`, run with /usr/bin/python3).
 *
 *   npx tsx bench/wrcor-torch-check.ts [--batch 16]
 *
 * For a few NB201 cells it writes the initialised weights, the batch and our
 * WRCor/RCor/ACor scores (paper and reference modes) to bench/output/torch-check/,
 * then runs the Python script, which rebuilds the same network in PyTorch
 * (NCHW, train-mode BN, zero probes on every ReLU input for the gradients),
 * computes the scores with numpy corrcoef + slogdet, and prints both.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { initBackend } from '../src/engine/backend/select'
import { nb201Space } from '../src/engine/spaces/nb201'
import { materializeParams, disposeParams } from '../src/engine/nn/params'
import { computeProxies } from '../src/engine/proxies'
import { openDataset } from '../src/engine/data/open'
import { Rng } from '../src/engine/core/rng'

const here = dirname(fileURLToPath(import.meta.url))
const out = resolve(here, 'output/torch-check')
const { values } = parseArgs({ options: { batch: { type: 'string', default: '16' } } })
const batchSize = Number(values.batch)
const CIFAR = resolve(process.env.ZSNAS_SHARED_DATA ?? resolve(here, '../../shared/data'), 'cifar10/data_batch_1_first4000_exact.bin')
const ARCHS = [
  '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|',
  '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|',
  '|nor_conv_1x1~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|',
]

await initBackend({ log: () => {} })
mkdirSync(out, { recursive: true })
const ds = openDataset({ kind: 'cifar10', path: CIFAR })
const cases: unknown[] = []
for (const [i, arch] of ARCHS.entries()) {
  const a = nb201Space.fromString(arch)
  const def = nb201Space.buildNetwork(a, { numClasses: 10, inputSize: 32 })
  const params = materializeParams(def, 'pytorch', new Rng(100 + i))
  const batch = ds.sampleBatch(batchSize, new Rng(200 + i), { augment: true })
  const files: Record<string, { file: string; shape: number[] }> = {}
  for (const [name, t] of params) {
    const file = `case${i}-${name}.f32`
    writeFileSync(resolve(out, file), Buffer.from((t.dataSync() as Float32Array).buffer.slice(0)))
    files[name] = { file, shape: t.shape }
  }
  writeFileSync(resolve(out, `case${i}-x.f32`), Buffer.from(batch.x.buffer.slice(batch.x.byteOffset, batch.x.byteOffset + batch.x.byteLength)))
  const scores: Record<string, Record<string, number>> = {}
  for (const mode of ['paper', 'reference'] as const) {
    const r = await computeProxies(['wrcor', 'rcor', 'acor'], { space: 'nb201', def, params, batch, init: 'pytorch', seed: 1, mode })
    scores[mode] = r.scores
  }
  disposeParams(params)
  cases.push({ arch, params: files, x: `case${i}-x.f32`, xShape: batch.shape, labels: Array.from(batch.labels), scores })
}
writeFileSync(resolve(out, 'cases.json'), JSON.stringify(cases, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1))
const py = spawnSync('/usr/bin/python3', [resolve(here, 'wrcor_torch_check.py'), out], { stdio: 'inherit' })
process.exit(py.status ?? 1)
