/**
 * First vs steady scoring in one process (not part of CI). Prints numbers.
 *
 *   npx tsx bench/mbv2-first-scoring.ts [--resolution 224] [--batch 8] [--proxies synflow,jaccor,wrcor] [--reps 3] [--reserve-mb 0]
 *
 * Scores the Table 11 architecture --reps times in this process and prints
 * each scoring's wall and CPU seconds (user+sys: robust to other load on
 * the machine), the wasm heap size after it, and the one-time set-up before
 * the first scoring (backend start and, with --reserve-mb, the heap
 * reservation of backend/wasm-heap.ts), the process's peak RSS so far
 * (GiB), the engine's estimate and checkpointing decision, and the scores.
 * Checkpointing follows ZSNAS_CHECKPOINT (auto|on|off).
 */
import { resolve, dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import { scoreArchitecture } from '../src/engine/score/score'
import { initBackend } from '../src/engine/backend/select'
import { reserveWasmHeap } from '../src/engine/backend/wasm-heap'
import { mbv2FromString, mbv2ToString, TABLE11_ARCH } from '../src/engine/spaces/mbv2/arch'
import { lastResponsePass } from '../src/engine/proxies/responses'
import { lastWasmArena } from '../src/engine/backend/wasm-arena-hook'

const here = dirname(fileURLToPath(import.meta.url))
const SHARED = process.env.ZSNAS_SHARED_DATA ?? resolve(here, '../../shared/data')
const IMAGES = resolve(SHARED, 'imagenet_sample/imagenet1k_sample_100x224x224x3.u8')
const { values } = parseArgs({
  options: {
    resolution: { type: 'string', default: '224' },
    batch: { type: 'string', default: '8' },
    proxies: { type: 'string', default: 'synflow,jaccor,wrcor' },
    reps: { type: 'string', default: '3' },
    'reserve-mb': { type: 'string', default: '0' },
  },
})
const cpu = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const heapMB = (): string => {
  const w = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm
  return w === undefined ? 'n/a' : `${(w.HEAPU8.length / 2 ** 20).toFixed(0)} MB`
}
let t = performance.now()
let c = cpu()
await initBackend()
console.log(`backend start: ${((performance.now() - t) / 1000).toFixed(1)} s wall, ${(cpu() - c).toFixed(1)} CPU-s; heap ${heapMB()}`)
const reserve = Number(values['reserve-mb'])
if (reserve > 0) {
  t = performance.now()
  c = cpu()
  const r = reserveWasmHeap(reserve * 2 ** 20)
  console.log(`reserve ${reserve} MB: ${((performance.now() - t) / 1000).toFixed(1)} s wall, ${(cpu() - c).toFixed(1)} CPU-s; heap ${heapMB()} (${JSON.stringify(r)})`)
}
const arch = mbv2ToString({ ...mbv2FromString(TABLE11_ARCH), resolution: Number(values.resolution) })
for (let rep = 0; rep < Number(values.reps); rep++) {
  t = performance.now()
  c = cpu()
  const r = await scoreArchitecture({
    space: 'mbv2', arch, proxies: values.proxies.split(','), batchSize: Number(values.batch), seed: rep, init: 'pytorch',
    dataset: { kind: 'u8', path: IMAGES, imageSize: 224, normalization: 'imagenet' },
  })
  const d = lastResponsePass.decision
  const est = d === undefined ? '' : `; estimate ${(d.estimate.checkpointedBytes / 2 ** 30).toFixed(2)} GiB checkpointed heap + ${(d.estimate.hostBytes / 2 ** 30).toFixed(2)} GiB host (${d.checkpoint ? `on, ${d.estimate.segments.length} segments${d.separateSweeps ? ', one sweep per backward' : ''}` : 'off'}) / ${(d.estimate.plainBytes / 2 ** 30).toFixed(2)} GiB plain; reserved ${JSON.stringify(d.reservation)}; arena ${JSON.stringify(d.arena !== undefined && 'skipped' in d.arena ? d.arena : lastWasmArena()?.stats())}`
  console.log(`scoring ${rep + 1}: ${((performance.now() - t) / 1000).toFixed(1)} s wall, ${(cpu() - c).toFixed(1)} CPU-s; heap ${heapMB()}; peak RSS ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GiB${est}; scores ${JSON.stringify(r.scores)}; timings ${JSON.stringify(Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, +v.toFixed(1)])))}`)
}
