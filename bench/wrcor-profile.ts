/**
 * Where WRCor's time goes (not part of CI). For each NB201 cell: CPU seconds
 * of (a) forward+backward with empty ReLU hooks and (b) the full WRCor
 * response pass (hooks compute the correlations), the JS-side time spent
 * inside the hooks (correlation step), and a tf.profile per-kernel table of
 * the full pass (top 15 kernels).
 *
 *   npx tsx bench/wrcor-profile.ts [--batch 64] [--reps 3] [--random 3] [--arch '|…|'] [--no-kernels]
 *
 * Default cells: all nor_conv_3x3, all avg_pool_3x3, then `--random` random
 * cells (seed 7). CPU = process user+sys (robust to other jobs on the cores),
 * median over `--reps` after one warm-up. Batch: random normal images.
 */
import * as tf from '@tensorflow/tfjs-core'
import { parseArgs } from 'node:util'
import { initBackend } from '../src/engine/backend/select'
import { Rng } from '../src/engine/core/rng'
import { buildNb201Network, nb201FromString, nb201Space } from '../src/engine/spaces/nb201'
import { disposeParams, materializeParams } from '../src/engine/nn/params'
import { forwardBackward } from '../src/engine/nn/run'
import { rowCorrelationPaths, runResponsePass } from '../src/engine/proxies/responses'
import { wrcorProxy } from '../src/engine/proxies/wrcor'

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    reps: { type: 'string', default: '3' },
    random: { type: 'string', default: '3' },
    arch: { type: 'string' },
    'no-kernels': { type: 'boolean', default: false },
  },
})
const N = Number(values.batch)
const reps = Number(values.reps)
const DEAR = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'
const CHEAP = '|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|'

const cpu = async (f: () => Promise<void>): Promise<number> => {
  const c0 = process.cpuUsage()
  await f()
  const c = process.cpuUsage(c0)
  return (c.user + c.system) / 1e6
}
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[(xs.length - 1) >> 1]

async function main(): Promise<void> {
  const backend = await initBackend()
  const archs = values.arch !== undefined ? [values.arch] : [DEAR, CHEAP]
  if (values.arch === undefined) {
    const rng = new Rng(7)
    for (let i = 0; i < Number(values.random); i++) archs.push(nb201Space.toString(nb201Space.sample(rng)))
  }
  console.log(`backend ${JSON.stringify(backend)}, B=${N}, median of ${reps} after a warm-up`)
  for (const arch of archs) {
    const def = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 32 })
    const rng = new Rng(1)
    const params = materializeParams(def, 'pytorch', rng)
    const x = new Float32Array(N * 32 * 32 * 3).map(() => rng.normal())
    const labels = Int32Array.from({ length: N }, (_, i) => i % 10)
    const batch = { x, shape: [N, 32, 32, 3] as [number, number, number, number], labels, numClasses: 10 }
    const ctx = { space: 'nb201', def, params, batch, init: 'pytorch' as const, mode: 'paper' as const, options: {}, rng }
    let score = NaN
    const bare = async () => {
      const r = await forwardBackward(def, params, batch, { bn: 'train', loss: 'ce', wrt: 'input', hooks: { onReluForward: () => undefined, onReluBackward: () => undefined } })
      r.inputGrad!.dispose()
    }
    const full = async () => {
      score = (await runResponsePass({ space: 'nb201', mode: 'paper', def, params, batch }, [wrcorProxy.consumer(ctx)]))[0]
    }
    const fb: number[] = []
    const all: number[] = []
    await bare()
    await full()
    for (let i = 0; i < reps; i++) {
      fb.push(await cpu(bare))
      all.push(await cpu(full))
    }
    const hookMs = (median(all) - median(fb)) * 1000
    const paths = `correlations fast/centred ${rowCorrelationPaths.fast}/${rowCorrelationPaths.centred}`
    rowCorrelationPaths.fast = rowCorrelationPaths.centred = 0
    console.log(`\n${arch}\n  WRCor ${score.toFixed(6)}; ${paths}; CPU fwd+bwd ${median(fb).toFixed(3)} s, full pass ${median(all).toFixed(3)} s, correlation step ≈ ${(hookMs / 1000).toFixed(3)} s; tensors ${tf.memory().numTensors}`)
    if (!values['no-kernels']) {
      const info = await tf.profile(full)
      const by = new Map<string, { ms: number; n: number }>()
      for (const k of info.kernels) {
        const e = by.get(k.name) ?? { ms: 0, n: 0 }
        e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0
        e.n++
        by.set(k.name, e)
      }
      const rows = [...by.entries()].sort((a, b) => b[1].ms - a[1].ms)
      const total = rows.reduce((a, [, e]) => a + e.ms, 0)
      console.log(`  kernels total ${total.toFixed(0)} ms, ${info.kernels.length} calls, peak ${(info.peakBytes / 2 ** 20).toFixed(0)} MB`)
      for (const [name, e] of rows.slice(0, Number(process.env.TOP ?? 15))) console.log(`    ${name.padEnd(26)}${e.ms.toFixed(1).padStart(9)} ms ${String(e.n).padStart(6)} calls`)
    }
    disposeParams(params)
  }
}

void main()
