/**
 * Bench (not CI): what Dawn's busy event pump costs while the engine waits for
 * the GPU, and what the engine's throttled wait (src/engine/backend/gpu-wait.ts)
 * saves. The same chain of matmuls is read twice per round: once with a plain
 * `await t.data()` (Dawn re-schedules its pump with setImmediate: the main
 * thread spins), once through the engine's `readData` (pump on a 1 ms timer).
 * Prints wall ms and process CPU ms (main thread + the driver's threads) per read.
 *   ZSNAS_BACKEND=webgpu VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
 *     XDG_RUNTIME_DIR=$(mktemp -d) npx tsx bench/webgpu-poll.ts [--size 512] [--chain 20] [--rounds 2]
 */
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../src/engine/backend/select'
import { readData } from '../src/engine/backend/read'

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const size = arg('size', 512)
const chain = arg('chain', 20)
const rounds = arg('rounds', 2)

await initBackend()
if (tf.getBackend() !== 'webgpu') throw new Error(`backend is ${tf.getBackend()}, not webgpu (set ZSNAS_BACKEND=webgpu)`)
const a = tf.randomNormal([size, size])
const work = (): tf.Tensor => {
  let x = a
  for (let i = 0; i < chain; i++) {
    const y = tf.div(tf.matMul(x, a), Math.sqrt(size))
    if (x !== a) x.dispose()
    x = y
  }
  return x
}
await readData(work()) // shaders compiled, buffers pooled

async function measure(label: string, read: (t: tf.Tensor) => Promise<unknown>): Promise<void> {
  const t = work()
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  await read(t)
  const c = process.cpuUsage(c0)
  console.log(`${label.padEnd(22)} wall ${(performance.now() - t0).toFixed(0).padStart(7)} ms   cpu ${((c.user + c.system) / 1000).toFixed(0).padStart(7)} ms`)
  t.dispose()
}
console.log(`webgpu poll bench: ${chain} matmuls ${size}x${size} per read, ${rounds} rounds`)
for (let r = 0; r < rounds; r++) {
  await measure('plain await t.data()', (t) => t.data())
  await measure('engine readData', (t) => readData(t))
}
