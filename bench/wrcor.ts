/**
 * WRCor timing and memory bench (not part of CI). Prints numbers.
 *
 *   npx tsx bench/wrcor.ts [--backends wasm,cpu] [--reps 5] [--random 10] [--batch 64] [--no-parallel]
 *
 * For each backend (one child process each: a tfjs backend is chosen once per
 * process): median seconds per architecture of `scoreArchitecture` with
 * proxies=['wrcor'] (batch 64, 32×32 CIFAR-10 from ../shared/data, fresh
 * batch + init per run) for the cheapest NB201 cell (no conv) and the most
 * expensive (all nor_conv_3x3), after one warm-up run; then the mean over
 * `--random` random cells; peak RSS of the process (getrusage maxRSS).
 * Then two wasm processes score different random cells at the same time:
 * throughput = wall time / total architectures.
 * Wall times include waiting for the cores when other jobs run; the CPU
 * seconds (process user+sys) are what one architecture costs on an idle core.
 * The load average is printed so the numbers can be judged.
 */
import { loadavg } from 'node:os'
import { spawn } from 'node:child_process'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { resolve, dirname } from 'node:path'
import { scoreArchitecture } from '../src/engine/score/score'
import { nb201Space } from '../src/engine/spaces/nb201'
import { Rng } from '../src/engine/core/rng'

const here = dirname(fileURLToPath(import.meta.url))
const CIFAR = resolve(process.env.ZSNAS_SHARED_DATA ?? resolve(here, '../../shared/data'), 'cifar10/data_batch_1_first4000_exact.bin')
const CHEAP = '|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|'
const DEAR = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm' },
    reps: { type: 'string', default: '5' },
    random: { type: 'string', default: '10' },
    batch: { type: 'string', default: '64' },
    'no-parallel': { type: 'boolean', default: false },
    child: { type: 'string' }, // internal: 'fixed' | 'random:<seed>'
  },
})
const reps = Number(values.reps)
const nRandom = Number(values.random)
const batchSize = Number(values.batch)

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
const peakRssGB = (): number => process.resourceUsage().maxRSS / 1024 / 1024

/** wall seconds and CPU seconds (user+sys of this process: robust to other jobs sharing the cores) */
async function score(arch: string, seed: number): Promise<{ seconds: number; cpu: number; backend: string }> {
  const c0 = process.cpuUsage()
  const r = await scoreArchitecture({
    space: 'nb201',
    arch,
    proxies: ['wrcor'],
    dataset: { kind: 'cifar10', path: CIFAR },
    batchSize,
    seed,
    init: 'pytorch',
  })
  const c = process.cpuUsage(c0)
  return { seconds: r.seconds, cpu: (c.user + c.system) / 1e6, backend: r.backend }
}

async function child(kind: string): Promise<void> {
  const out: Record<string, unknown> = {}
  if (kind === 'fixed') {
    await score(CHEAP, 999) // warm-up (heap growth, kernel setup)
    for (const [name, arch] of [
      ['cheapest', CHEAP],
      ['most expensive', DEAR],
    ]) {
      const ts: number[] = []
      const cs: number[] = []
      for (let i = 0; i < reps; i++) {
        const r = await score(arch, i)
        ts.push(r.seconds)
        cs.push(r.cpu)
      }
      out[name] = { median: median(ts), cpuMedian: median(cs), all: ts.map((t) => +t.toFixed(3)) }
      out[`${name} peakRssGB`] = +peakRssGB().toFixed(2)
    }
    const rng = new Rng(2025)
    const ts: number[] = []
    const cs: number[] = []
    for (let i = 0; i < nRandom; i++) {
      const r = await score(nb201Space.toString(nb201Space.sample(rng)), 100 + i)
      ts.push(r.seconds)
      cs.push(r.cpu)
    }
    out.random = { mean: mean(ts), cpuMean: mean(cs), median: median(ts), max: Math.max(...ts), n: ts.length }
  } else {
    const seed = Number(kind.split(':')[1])
    const rng = new Rng(seed)
    await score(CHEAP, 999)
    const t0 = performance.now()
    for (let i = 0; i < nRandom; i++) await score(nb201Space.toString(nb201Space.sample(rng)), seed + i)
    out.wall = (performance.now() - t0) / 1000
    out.n = nRandom
  }
  out.peakRssGB = +peakRssGB().toFixed(2)
  out.backend = (await score(CHEAP, 1)).backend
  process.stdout.write(`${JSON.stringify(out)}\n`)
}

function runChild(kind: string, backend: string): Promise<Record<string, unknown>> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kind, '--reps', String(reps), '--random', String(nRandom), '--batch', String(batchSize)], {
      env: { ...process.env, ZSNAS_BACKEND: backend },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let s = ''
    p.stdout.on('data', (d) => (s += d))
    p.on('exit', (code) => (code === 0 ? res(JSON.parse(s.trim().split('\n').pop()!)) : rej(new Error(`child ${kind}/${backend} exited ${code}`))))
  })
}

if (values.child) {
  await child(values.child)
} else {
  console.log(`WRCor bench: batch ${batchSize}, 32×32 CIFAR-10, ${reps} reps (median), ${nRandom} random cells; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`)
  for (const b of values.backends!.split(',')) {
    const r = await runChild('fixed', b)
    console.log(`\n[${b}] (backend reported: ${r.backend})`)
    for (const k of ['cheapest', 'most expensive']) {
      const v = r[k] as { median: number; cpuMedian: number; all: number[] }
      console.log(`  ${k.padEnd(15)} median ${v.median.toFixed(2)} s/arch wall, ${v.cpuMedian.toFixed(2)} s CPU  (runs: ${v.all.join(', ')})  peak RSS so far ${r[`${k} peakRssGB`]} GB`)
    }
    const rr = r.random as { mean: number; cpuMean: number; median: number; max: number; n: number }
    console.log(`  random cells    mean ${rr.mean.toFixed(2)} s/arch wall (${rr.cpuMean.toFixed(2)} s CPU), median ${rr.median.toFixed(2)}, max ${rr.max.toFixed(2)} (n=${rr.n})`)
    console.log(`  peak RSS ${r.peakRssGB} GB`)
  }
  if (!values['no-parallel']) {
    const t0 = performance.now()
    const [a, b] = await Promise.all([runChild('random:1', 'wasm'), runChild('random:2', 'wasm')])
    const wall = (performance.now() - t0) / 1000
    const n = (a.n as number) + (b.n as number)
    console.log(`\n[2 wasm processes in parallel] ${n} random cells: per-process ${(a.wall as number / (a.n as number)).toFixed(2)} / ${(b.wall as number / (b.n as number)).toFixed(2)} s/arch;` +
      ` throughput ${(Math.max(a.wall as number, b.wall as number) / n).toFixed(2)} s/arch (scoring wall ${Math.max(a.wall as number, b.wall as number).toFixed(1)} s, total incl. start-up ${wall.toFixed(1)} s); peak RSS ${a.peakRssGB} / ${b.peakRssGB} GB`)
  }
}
