/**
 * Kernel-time profile of one NB201 forward+backward (wrt input, ReLU hooks on)
 * on wasm: total ms and call count per kernel, top 15.
 *   npx tsx bench/ops-profile.ts                   # all-conv3x3, B = 32
 *   PROFILE_ARCH='|...|' BENCH_BATCH=64 npx tsx bench/ops-profile.ts
 */
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../src/engine/backend/select'
import { Rng } from '../src/engine/core/rng'
import { buildNb201Network, nb201FromString } from '../src/engine/spaces/nb201'
import { disposeParams, materializeParams } from '../src/engine/nn/params'
import { forwardBackward } from '../src/engine/nn/run'

async function main(): Promise<void> {
  await initBackend()
  const n = Number(process.env.BENCH_BATCH ?? 32)
  const arch = process.env.PROFILE_ARCH ?? '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'
  const def = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 32 })
  const rng = new Rng(1)
  const params = materializeParams(def, 'pytorch', rng)
  const x = new Float32Array(n * 32 * 32 * 3).map(() => rng.normal())
  const batch = { x, shape: [n, 32, 32, 3] as [number, number, number, number], labels: new Int32Array(n), numClasses: 10 }
  const pass = async () => {
    const r = await forwardBackward(def, params, batch, { bn: 'train', loss: 'ce', wrt: 'input', hooks: { onReluForward: () => undefined, onReluBackward: () => undefined } })
    r.inputGrad!.dispose()
  }
  await pass()
  const t0 = performance.now()
  const info = await tf.profile(pass)
  const wall = performance.now() - t0
  const by = new Map<string, { ms: number; n: number }>()
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? { ms: 0, n: 0 }
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0
    e.n++
    by.set(k.name, e)
  }
  const rows = [...by.entries()].sort((a, b) => b[1].ms - a[1].ms)
  const total = rows.reduce((a, [, e]) => a + e.ms, 0)
  console.log(`NB201 ${arch}, B=${n}: wall ${wall.toFixed(0)} ms (profiled), kernel total ${total.toFixed(0)} ms, peak ${(info.peakBytes / 2 ** 20).toFixed(0)} MB`)
  for (const [name, e] of rows.slice(0, 15)) console.log(`${name.padEnd(28)}${e.ms.toFixed(1).padStart(9)} ms ${String(e.n).padStart(6)} calls`)
  disposeParams(params)
}

void main()
