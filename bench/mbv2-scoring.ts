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
 * falls back to the next. Each (R, batch) attempt runs in its own child
 * process: a wasm out-of-memory trap leaves that wasm instance unusable
 * (later calls fail with "divide by zero"), so attempts must not share one.
 * Prints seconds per architecture, the batch used, and the child's peak RSS.
 * The first scoring in a process includes one-time wasm heap growth; use
 * --reps 2 to see the steady-state time (the mean of reps ≥ 2 is printed).
 */
import { resolve, dirname } from 'node:path'
import { spawnSync } from 'node:child_process'
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

const attempt = process.env.ZSNAS_MBV2_ATTEMPT // "R,batch" in a child process
if (attempt) {
  const [R, batchSize] = attempt.split(',').map(Number)
  const arch = mbv2ToString({ ...base, resolution: R })
  const times: number[] = []
  for (let rep = 0; rep < Number(values.reps); rep++) {
    const r = await scoreArchitecture({
      space: 'mbv2', arch, proxies: values.proxies.split(','), batchSize, seed: rep, init: 'pytorch',
      dataset: { kind: 'u8', path: IMAGES, imageSize: 224, normalization: 'imagenet' },
    })
    times.push(r.seconds)
  }
  const steady = times.length > 1 ? times.slice(1) : times
  const mean = steady.reduce((a, b) => a + b, 0) / steady.length
  console.log(`RESULT ${mean.toFixed(1)} ${times[0].toFixed(1)} ${peakRssGB().toFixed(2)}`)
  process.exit(0)
}

for (const R of values.resolutions.split(',').map(Number)) {
  const flops = mbv2ReferenceCount({ ...base, resolution: R }).flops
  let done = false
  for (const batchSize of batches) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      env: { ...process.env, ZSNAS_MBV2_ATTEMPT: `${R},${batchSize}` }, encoding: 'utf8', maxBuffer: 64 << 20,
    })
    const m = /RESULT (\S+) (\S+) (\S+)/.exec(child.stdout ?? '')
    if (child.status === 0 && m) {
      const reps = Number(values.reps)
      const what = reps > 1 ? `${m[1]} s/arch steady (mean of reps 2..${reps}; first ${m[2]} s)` : `${m[1]} s/arch (single rep, includes warm-up)`
      console.log(`R=${R} (${(flops / 1e6).toFixed(0)} M FLOPs) batch ${batchSize}: ${what} [${values.proxies}] (peak RSS ${m[3]} GB)`)
      done = true
      break
    }
    const lines = (child.stderr ?? '').split('\n').filter((l) => !l.startsWith('var Module'))
    const why = (lines.find((l) => /RuntimeError|RangeError|out of memory|Aborted/i.test(l)) ?? `exit ${child.status}`).slice(0, 120)
    console.log(`R=${R} batch ${batchSize}: failed (${why}); trying a smaller batch`)
  }
  if (!done) console.log(`R=${R}: no batch size fitted`)
}
