/**
 * MobileNetV2-space scoring time bench (not part of CI). Prints numbers.
 *
 *   npx tsx bench/mbv2-scoring.ts [--resolutions 192,224,256,288,320] [--batches 64,32,16,8,4] [--proxies wrcor] [--reps 1]
 *
 * For each resolution R: the paper's Table 11 architecture with its input
 * resolution set to R, scored with `scoreArchitecture` on the shared ImageNet
 * sample (224×224 crops, bilinearly resized to R inside the network, as the
 * reference resizes its 320-px crops). Batch sizes are tried from the largest
 * down; a batch that fails (out of memory — the wasm heap is capped at 4 GB)
 * falls back to the next. Prints seconds per architecture, the batch used,
 * and the process's peak RSS.
 */
import { resolve, dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { scoreArchitecture } from '../src/engine/score/score'
import { mbv2FromString, mbv2ToString, TABLE11_ARCH } from '../src/engine/spaces/mbv2/arch'
import { mbv2ReferenceCount } from '../src/engine/spaces/mbv2/counting'

const here = dirname(fileURLToPath(import.meta.url))
const SHARED = process.env.ZSNAS_SHARED_DATA ?? resolve(here, '../../shared/data')
const IMAGES = resolve(SHARED, 'imagenet_sample/imagenet1k_sample_100x224x224x3.u8')

const { values } = parseArgs({
  options: {
    resolutions: { type: 'string', default: '192,224,256,288,320' },
    batches: { type: 'string', default: '64,32,16,8,4' },
    proxies: { type: 'string', default: 'wrcor' },
    reps: { type: 'string', default: '1' },
  },
})
const peakRssGB = (): number => process.resourceUsage().maxRSS / 1024 / 1024
const base = mbv2FromString(TABLE11_ARCH)
const batches = values.batches.split(',').map(Number)

for (const R of values.resolutions.split(',').map(Number)) {
  const arch = mbv2ToString({ ...base, resolution: R })
  const flops = mbv2ReferenceCount({ ...base, resolution: R }).flops
  let done = false
  for (const batchSize of batches) {
    try {
      const times: number[] = []
      for (let rep = 0; rep < Number(values.reps); rep++) {
        const r = await scoreArchitecture({
          space: 'mbv2', arch, proxies: values.proxies.split(','), batchSize, seed: rep, init: 'pytorch',
          dataset: { kind: 'u8', path: IMAGES, imageSize: 224, normalization: 'imagenet' },
        })
        times.push(r.seconds)
      }
      const mean = times.reduce((a, b) => a + b, 0) / times.length
      console.log(`R=${R} (${(flops / 1e6).toFixed(0)} M FLOPs) batch ${batchSize}: ${mean.toFixed(1)} s/arch [${values.proxies}] (peak RSS ${peakRssGB().toFixed(2)} GB)`)
      done = true
      break
    } catch (e) {
      console.log(`R=${R} batch ${batchSize}: failed (${(e as Error).message.split('\n')[0].slice(0, 120)}); trying a smaller batch`)
    }
  }
  if (!done) console.log(`R=${R}: no batch size fitted`)
}
