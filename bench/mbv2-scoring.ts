/**
 * MobileNetV2-space scoring bench (not part of CI). Prints numbers.
 *
 *   npx tsx bench/mbv2-scoring.ts [--resolutions 192,224,256,288,320] [--batches 32,16,8,4]
 *                                 [--proxies synflow,jaccor,wrcor] [--reps 1] [--checkpointed-batch 64]
 *
 * For each resolution R, the paper's Table 11 architecture with its input
 * resolution set to R, scored with `scoreArchitecture` on the shared ImageNet
 * sample (224×224 crops, bilinearly resized to R inside the network, as the
 * reference resizes its 320-px crops):
 *   1. at --checkpointed-batch (default 64, the paper's) with checkpointing
 *      forced on (ZSNAS_CHECKPOINT=on, nn/run-checkpointed.ts);
 *   2. the largest plain batch (ZSNAS_CHECKPOINT=off) from --batches,
 *      tried from the largest down (a batch that aborts — the wasm heap is
 *      capped at 4 GB — falls back to the next).
 * Each attempt runs in its own child process: a wasm out-of-memory trap
 * leaves that wasm instance unusable, so attempts must not share one.
 * Prints seconds per architecture (first scoring, and the steady mean of
 * reps ≥ 2 with --reps 2+: first − steady is the one-time heap growth and
 * kernel set-up), the child's peak RSS, and the engine's estimates of the
 * pass's peak tensor bytes (plain / checkpointed).
 */
import { resolve, dirname } from 'node:path'
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { scoreArchitecture } from '../src/engine/score/score'
import { mbv2FromString, mbv2ToString, TABLE11_ARCH } from '../src/engine/spaces/mbv2/arch'
import { mbv2ReferenceCount } from '../src/engine/spaces/mbv2/counting'
import { lastResponsePass } from '../src/engine/proxies/responses'

const here = dirname(fileURLToPath(import.meta.url))
const SHARED = process.env.ZSNAS_SHARED_DATA ?? resolve(here, '../../shared/data')
const IMAGES = resolve(SHARED, 'imagenet_sample/imagenet1k_sample_100x224x224x3.u8')

const { values } = parseArgs({
  options: {
    resolutions: { type: 'string', default: '192,224,256,288,320' },
    batches: { type: 'string', default: '32,16,8,4' },
    proxies: { type: 'string', default: 'synflow,jaccor,wrcor' },
    'checkpointed-batch': { type: 'string', default: '64' },
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
  const d = lastResponsePass.decision
  const est = d === undefined ? '' : ` est plain ${(d.estimate.plainBytes / 2 ** 30).toFixed(2)} GB / checkpointed ${(d.estimate.checkpointedBytes / 2 ** 30).toFixed(2)} GB in ${d.estimate.segments.length} segments`
  const cpu = process.cpuUsage()
  const cpuS = ` CPU ${((cpu.user + cpu.system) / 1e6 / Number(values.reps)).toFixed(1)} s/arch (user+sys, whole child)`
  console.log(`RESULT ${mean.toFixed(1)} ${times[0].toFixed(1)} ${peakRssGB().toFixed(2)}${est};${cpuS}`)
  process.exit(0)
}

/** Runs one (R, batch, checkpoint) attempt in a child; returns its RESULT fields or why it failed. */
function attemptIn(R: number, batchSize: number, checkpoint: 'on' | 'off'): { ok: true; line: string } | { ok: false; why: string } {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    env: { ...process.env, ZSNAS_MBV2_ATTEMPT: `${R},${batchSize}`, ZSNAS_CHECKPOINT: checkpoint }, encoding: 'utf8', maxBuffer: 64 << 20,
  })
  const m = /RESULT (\S+) (\S+) (\S+)(.*)/.exec(child.stdout ?? '')
  if (child.status === 0 && m) {
    const reps = Number(values.reps)
    const what = reps > 1 ? `${m[1]} s/arch steady (mean of reps 2..${reps}; first ${m[2]} s, heap growth + set-up ≈ ${(Number(m[2]) - Number(m[1])).toFixed(1)} s)` : `${m[1]} s/arch (single rep, includes heap growth)`
    return { ok: true, line: `batch ${batchSize} checkpoint=${checkpoint}: ${what} [${values.proxies}] (peak RSS ${m[3]} GB;${m[4]})` }
  }
  const lines = (child.stderr ?? '').split('\n').filter((l) => !l.startsWith('var Module'))
  return { ok: false, why: (lines.find((l) => /RuntimeError|RangeError|out of memory|Aborted|OUT_OF_MEMORY/i.test(l)) ?? `exit ${child.status}`).slice(0, 160) }
}

for (const R of values.resolutions.split(',').map(Number)) {
  const flops = mbv2ReferenceCount({ ...base, resolution: R }).flops
  const head = `R=${R} (${(flops / 1e6).toFixed(0)} M FLOPs)`
  const cb = Number(values['checkpointed-batch'])
  if (cb > 0) {
    const r = attemptIn(R, cb, 'on')
    console.log(`${head} ${r.ok ? r.line : `batch ${cb} checkpoint=on: failed (${r.why})`}`)
  }
  let done = false
  for (const batchSize of batches) {
    const r = attemptIn(R, batchSize, 'off')
    if (r.ok) {
      console.log(`${head} ${r.line}`)
      done = true
      break
    }
    console.log(`${head} batch ${batchSize} checkpoint=off: failed (${r.why}); trying a smaller batch`)
  }
  if (!done) console.log(`${head}: no plain batch size fitted`)
}
