/**
 * Where the memory of a MobileNetV2 response pass goes (not part of CI). Prints numbers.
 *
 *   npx tsx bench/mbv2-memory.ts [--resolution 224] [--batch 8] [--proxies wrcor,jaccor] [--checkpoint on] [--top 12]
 *
 * Scores the paper's Table 11 architecture at --resolution on the shared
 * ImageNet sample inside `tf.profile` and prints: tfjs' own peak tensor
 * bytes, the wasm heap size afterwards (the allocator never returns memory,
 * so this is the high-water mark the 4 GiB cap applies to), the engine's
 * estimate (plain / checkpointed), and the kernels running when the tensor
 * bytes were highest (name, output shape, bytes then). Batch scales every
 * activation linearly, so a small batch shows where a large one's peak is.
 */
import { resolve, dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import { scoreArchitecture } from '../src/engine/score/score'
import { mbv2FromString, mbv2ToString, TABLE11_ARCH } from '../src/engine/spaces/mbv2/arch'
import { lastResponsePass } from '../src/engine/proxies/responses'

const here = dirname(fileURLToPath(import.meta.url))
const SHARED = process.env.ZSNAS_SHARED_DATA ?? resolve(here, '../../shared/data')
const IMAGES = resolve(SHARED, 'imagenet_sample/imagenet1k_sample_100x224x224x3.u8')

const { values } = parseArgs({
  options: {
    resolution: { type: 'string', default: '224' },
    batch: { type: 'string', default: '8' },
    proxies: { type: 'string', default: 'wrcor,jaccor' },
    checkpoint: { type: 'string', default: 'on' },
    top: { type: 'string', default: '12' },
  },
})
const R = Number(values.resolution)
const arch = mbv2ToString({ ...mbv2FromString(TABLE11_ARCH), resolution: R })
const req = {
  space: 'mbv2', arch, proxies: values.proxies.split(','), batchSize: Number(values.batch), seed: 0, init: 'pytorch' as const,
  dataset: { kind: 'u8' as const, path: IMAGES, imageSize: 224, normalization: 'imagenet' as const },
  checkpoint: values.checkpoint as 'on' | 'off' | 'auto',
}
const MB = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`
let seconds = 0
const info = await tf.profile(async () => {
  seconds = (await scoreArchitecture(req)).seconds
})
const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length
const d = lastResponsePass.decision
console.log(`R=${R} batch ${req.batchSize} checkpoint=${req.checkpoint} [${req.proxies}] on ${tf.getBackend()}: ${seconds.toFixed(1)} s`)
console.log(`  tfjs peak tensor bytes ${MB(info.peakBytes)}; wasm heap ${heap === undefined ? 'n/a' : MB(heap)}; peak RSS ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GB`)
if (d !== undefined) {
  console.log(`  estimate: plain ${MB(d.estimate.plainBytes)}, checkpointed ${MB(d.estimate.checkpointedBytes)} in ${d.estimate.segments.length} segments (${d.reason})`)
}
const ks = info.kernels.map((k, i) => ({ i, name: k.name, out: k.outputShapes.map((s) => `[${s}]`).join(''), total: k.totalBytesSnapshot, added: k.bytesAdded }))
const top = [...ks].sort((a, b) => b.total - a.total).slice(0, Number(values.top))
console.log(`  kernels at the highest tensor bytes (of ${ks.length}):`)
for (const k of top) console.log(`    #${k.i} ${k.name} → ${k.out}: ${MB(k.total)} (+${MB(k.added)})`)
const big = [...ks].sort((a, b) => b.added - a.added).slice(0, Number(values.top))
console.log('  largest single allocations:')
for (const k of big) console.log(`    #${k.i} ${k.name} → ${k.out}: +${MB(k.added)}`)
