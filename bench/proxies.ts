/**
 * Per-proxy cost on NB201 (CIFAR-10 input, batch 64 by default), printed, not
 * asserted. For the cheapest and the most expensive cell it prints the median
 * seconds of each proxy over R repeats, the value, and the live tensor count
 * after scoring (a leak shows as a growing count).
 *
 *   nice npx tsx bench/proxies.ts [--batch 64] [--repeats 2] [--proxies synflow,jaccor,…]
 */
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../src/engine/backend/select'
import { computeProxies } from '../src/engine/proxies'
import { buildNb201Network, nb201FromString } from '../src/engine/spaces/nb201'
import { materializeParams, disposeParams } from '../src/engine/nn/params'
import { openDataset } from '../src/engine/data/open'
import { Rng } from '../src/engine/core/rng'

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : def
}
const batchSize = Number(arg('batch', '64'))
const repeats = Number(arg('repeats', '2'))
const proxies = arg('proxies', 'synflow,jaccor,naswot,pnorm,params,flops,snip,gradnorm,fisher,grasp,zico,zen').split(',')
const CELLS: Record<string, string> = {
  cheap: '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|',
  conv3: '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
}

const info = await initBackend()
const ds = openDataset({ kind: 'cifar10', path: process.env.ZSNAS_CIFAR10 ?? '../shared/data/cifar10/data_batch_1_first4000_exact.bin' })
console.log(`backend ${info.name}, batch ${batchSize}, repeats ${repeats}`)
for (const [label, s] of Object.entries(CELLS)) {
  const def = buildNb201Network(nb201FromString(s), { numClasses: 10, inputSize: 32 })
  const params = materializeParams(def, 'pytorch', new Rng(1))
  const batch = ds.sampleBatch(batchSize, new Rng(2), { augment: true })
  const times: Record<string, number[]> = {}
  let values: Record<string, number> = {}
  for (const id of proxies) {
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now()
      // a fresh batch object per call, so the shared gradient pass is not reused across proxies here
      const res = await computeProxies([id], { space: 'nb201', def, params, batch: { ...batch }, init: 'pytorch', seed: 3, dataset: ds })
      ;(times[id] ??= []).push((performance.now() - t0) / 1000)
      values = { ...values, ...res.scores }
    }
  }
  const t0 = performance.now()
  await computeProxies(['snip', 'gradnorm', 'fisher'], { space: 'nb201', def, params, batch: { ...batch }, init: 'pytorch', seed: 3 })
  const shared = (performance.now() - t0) / 1000
  disposeParams(params)
  console.log(`\n${label}: ${s}`)
  for (const id of proxies) {
    const ts = times[id].slice().sort((a, b) => a - b)
    console.log(`  ${id.padEnd(9)} ${ts[Math.floor(ts.length / 2)].toFixed(3)} s   value ${values[id]}`)
  }
  console.log(`  snip+gradnorm+fisher together (one shared pass): ${shared.toFixed(3)} s`)
  console.log(`  live tensors after: ${tf.memory().numTensors}, rss ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GB`)
}
