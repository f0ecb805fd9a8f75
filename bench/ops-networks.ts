/**
 * End-to-end op-library timing on real networks (wasm, 1 thread): forward,
 * forward+backward w.r.t. the input with ReLU hooks on every call (the WRCor
 * pass), and forward+backward w.r.t. all parameters. Also checks that the
 * tensor count is flat across runs and prints rss.
 *   npx tsx bench/ops-networks.ts            # NB201 B=64, torchvision MBv2 160px B=16
 *   BENCH_REPS=1 npx tsx bench/ops-networks.ts
 */
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../src/engine/backend/select'
import { Rng } from '../src/engine/core/rng'
import type { Batch } from '../src/engine/core/data'
import type { NetworkDef } from '../src/engine/core/network'
import { buildNb201Network, nb201FromString } from '../src/engine/spaces/nb201'
import { buildTorchvisionMobileNetV2 } from '../src/engine/spaces/mbv2/reference-net'
import { disposeParams, materializeParams } from '../src/engine/nn/params'
import { forwardBackward } from '../src/engine/nn/run'

const REPS = Number(process.env.BENCH_REPS ?? 3)

async function median(f: () => Promise<void>): Promise<number> {
  await f()
  const t: number[] = []
  for (let i = 0; i < REPS; i++) {
    const s = performance.now()
    await f()
    t.push(performance.now() - s)
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]
}

function batchFor(def: NetworkDef, n: number, rng: Rng): Batch {
  const [h, w, c] = def.inputShape
  const x = new Float32Array(n * h * w * c)
  for (let i = 0; i < x.length; i++) x[i] = rng.normal()
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) labels[i] = rng.int(def.numClasses)
  return { x, shape: [n, h, w, c], labels, numClasses: def.numClasses }
}

async function main(): Promise<void> {
  const info = await initBackend()
  console.log(`backend ${info.name}; median of ${REPS} after one warm-up (ms)`)
  const cases: [string, NetworkDef, number][] = [
    ['NB201 cheap', buildNb201Network(nb201FromString('|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'), { numClasses: 10, inputSize: 32 }), 64],
    ['NB201 all conv3x3', buildNb201Network(nb201FromString('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'), { numClasses: 10, inputSize: 32 }), 64],
    ['MBv2 1.0 torchvision 160px', buildTorchvisionMobileNetV2(160, 1000), 16],
  ]
  console.log(`${'network'.padEnd(30)}${'batch'.padStart(6)}${'fwd'.padStart(9)}${'f+b input'.padStart(11)}${'f+b params'.padStart(12)}${'rss MB'.padStart(8)}`)
  for (const [name, def, n] of cases) {
    const rng = new Rng(1)
    const params = materializeParams(def, 'pytorch', rng)
    const batch = batchFor(def, n, rng)
    let hooks = 0
    const fwd = await median(async () => void (await forwardBackward(def, params, batch, { bn: 'train', loss: 'ce', wrt: 'none' })))
    const inp = await median(async () => {
      const r = await forwardBackward(def, params, batch, {
        bn: 'train',
        loss: 'ce',
        wrt: 'input',
        hooks: { onReluForward: () => void hooks++, onReluBackward: () => void hooks++ },
      })
      r.inputGrad!.dispose()
    })
    const before = tf.memory().numTensors
    const par = await median(async () => {
      const r = await forwardBackward(def, params, batch, { bn: 'train', loss: 'ce', wrt: 'params' })
      for (const t of r.paramGrads!.values()) t.dispose()
    })
    const leak = tf.memory().numTensors - before
    const rss = process.memoryUsage().rss / 2 ** 20
    console.log(
      `${name.padEnd(30)}${String(n).padStart(6)}${fwd.toFixed(0).padStart(9)}${inp.toFixed(0).padStart(11)}${par.toFixed(0).padStart(12)}${rss.toFixed(0).padStart(8)}` +
        `   (hook calls per pass ${hooks / (REPS + 1)}; tensors kept after param passes ${leak} = cached flipped kernels)`,
    )
    disposeParams(params)
  }
  console.log(`numTensors at exit: ${tf.memory().numTensors}`)
}

void main()
