/**
 * ePADS vs WRCor bench (not part of CI). Prints numbers; run it niced.
 *
 * 1) Cost (default):
 *      nice npx tsx bench/epads.ts [--cells 3] [--seed 0]
 *    For NB201 cells on CIFAR-10 32×32 (the cheapest cell, the all-conv3×3
 *    cell, then random cells drawn with `seed`), one `scoreArchitecture` per
 *    configuration: ePADS at B = 128 (its default: 256 forward samples), 64
 *    and 32, and WRCor at B = 64 (its default). STEADY STATE: before any
 *    measurement every configuration runs once on the all-conv3×3 cell (the
 *    largest memory need), so the wasm heap is already grown and the JS is
 *    warm, as in a search's long-lived worker; each measured request is then
 *    a fresh architecture with fresh weights, as in a search. (A first,
 *    cold 256-sample pass pays ~1 s of heap growth on top — not a
 *    per-architecture cost.) Reports the request's process CPU seconds
 *    (data draw, build, init and the proxy; the machine is shared, so CPU
 *    seconds are the comparable number; tfjs-wasm is single-threaded) and
 *    the proxy stage's wall seconds (ePADS: `timings.epads`; WRCor:
 *    `timings.responses` = its forward+backward+correlation pass), then the
 *    mean over the random cells.
 *
 *    Profile:
 *      nice npx tsx bench/epads.ts --profile [--batch 128]
 *    Where ePADS time goes (cheapest, all-conv3×3, one mixed cell), warm:
 *    the bare forward of the 2B samples (CPU), the full `runEpads` (CPU), so
 *    terms = difference; inside the terms the read + bit packing and the
 *    XOR/popcount counts timed separately; GC time (perf_hooks 'gc'
 *    entries); and the forward's kernels by name from `tf.profile`
 *    (exclusive: registered kernels only, the custom-op scopes that contain
 *    them are not counted twice; profiling adds a sync per kernel).
 *
 * 2) Rank correlation (the issue's closing measurement):
 *      nice npx tsx bench/epads.ts --corr 200 [--deadline 1800] [--csv out.csv] [--seed 0]
 *    Random NB201 cells (benchmark rows drawn with `seed`, the same cells for
 *    both datasets, interleaved so both have the same cells whenever it stops),
 *    each scored with ePADS (defaults: B = 128, σ = 1; 120 on the ImageNet
 *    sample, see below) and WRCor (B = 64), one request per proxy with the
 *    same seed (same initial weights; each proxy its own batch protocol) so
 *    that each proxy's CPU seconds are measured, per-architecture seed =
 *    seed ⊕ fnv1a(hash) as in `evaluateProxies`. Stops after N cells or when
 *    --deadline seconds have passed, then prints Spearman ρ and Kendall τ per
 *    dataset and proxy, and mean seconds per architecture of each proxy.
 *    Datasets: CIFAR-10 (`cifar10/data_batch_1_first4000_exact.bin`, truth
 *    CIFAR10TestAccuracy200Epochs) and the ImageNet 16×16 sample
 *    (`imagenet_sample/imagenet1k_sample_1000x16x16x3.u8`, ImageNet16
 *    normalisation; truth ImageNetTestAccuracy200Epochs). With ImageNet16
 *    normalisation the u8 reader keeps only the 120 images of classes < 120,
 *    so ePADS uses B = 120 there (not 128).
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { PerformanceObserver } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { fileURLToPath } from 'node:url'
import { resolve, dirname } from 'node:path'
import type { DatasetSpec } from '../src/engine/core/data'
import { Rng } from '../src/engine/core/rng'
import { initBackend } from '../src/engine/backend/select'
import { scoreArchitecture, type ScoreResult } from '../src/engine/score/score'
import { chooseRows } from '../src/engine/score/evaluate'
import { loadNb201Table } from '../src/engine/benchmarks/nb201-csv'
import { nb201Space } from '../src/engine/spaces/nb201'
import { fnv1a } from '../src/engine/proxies'
import { kendallTau, spearman } from '../src/engine/metrics'
import { cachedDataset } from '../src/engine/score/score'
import { materializeParams, disposeParams } from '../src/engine/nn/params'
import { forwardBackward } from '../src/engine/nn/run'
import { runEpads } from '../src/engine/proxies/epads/run'
import { gaussianNoise, stackPerturbed } from '../src/engine/proxies/epads/input'
import { packCodes, readFloat32, rowHamming } from '../src/engine/proxies/epads/codes'
import { randomPermutation } from '../src/engine/proxies/epads/terms'

const here = dirname(fileURLToPath(import.meta.url))
const SHARED = resolve(process.env.ZSNAS_SHARED_DATA ?? resolve(here, '../../shared/data'))
const CIFAR: DatasetSpec = { kind: 'cifar10', path: resolve(SHARED, 'cifar10/data_batch_1_first4000_exact.bin') }
const IN16: DatasetSpec = {
  kind: 'u8',
  path: resolve(SHARED, 'imagenet_sample/imagenet1k_sample_1000x16x16x3.u8'),
  imageSize: 16,
  normalization: 'imagenet16',
}
const TABLE = resolve(SHARED, 'nb201/nats_bench_tss_test_acc.csv')
const CHEAP = '|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|'
const DEAR = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'

const { values } = parseArgs({
  options: {
    cells: { type: 'string', default: '3' },
    seed: { type: 'string', default: '0' },
    corr: { type: 'string' },
    deadline: { type: 'string', default: '1e9' },
    csv: { type: 'string' },
    profile: { type: 'boolean', default: false },
    batch: { type: 'string', default: '128' },
  },
})
const seed = Number(values.seed)

const cpuSeconds = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

interface Timed {
  r: ScoreResult
  cpu: number
}

async function timed(arch: string, proxies: string[], dataset: DatasetSpec, batchSize: number, s: number, epadsBatch?: number): Promise<Timed> {
  const c0 = cpuSeconds()
  const r = await scoreArchitecture({
    space: 'nb201',
    arch,
    proxies,
    dataset,
    batchSize,
    seed: s,
    init: 'pytorch',
    proxyOptions: epadsBatch === undefined ? undefined : { epads: { batchSize: epadsBatch } },
  })
  return { r, cpu: cpuSeconds() - c0 }
}

async function costBench(): Promise<void> {
  const nCells = Number(values.cells)
  const rng = new Rng(seed)
  const cells = [CHEAP, DEAR]
  while (cells.length < nCells) cells.push(nb201Space.toString(nb201Space.sample(rng)))
  const configs: { name: string; proxies: string[]; batch: number; epadsBatch?: number; stage: string }[] = [
    { name: 'ePADS B=128 (default, 256 fwd samples)', proxies: ['epads'], batch: 64, epadsBatch: 128, stage: 'epads' },
    { name: 'ePADS B=64  (128 fwd samples)', proxies: ['epads'], batch: 64, epadsBatch: 64, stage: 'epads' },
    { name: 'ePADS B=32  (64 fwd samples)', proxies: ['epads'], batch: 64, epadsBatch: 32, stage: 'epads' },
    { name: 'WRCor B=64  (default, fwd+bwd+corr)', proxies: ['wrcor'], batch: 64, stage: 'responses' },
  ]
  // warm-up: every configuration once on the largest cell (heap growth, kernels, JIT, dataset cache)
  for (const c of configs) await timed(DEAR, c.proxies, CIFAR, c.batch, seed + 1, c.epadsBatch)
  console.log(`NB201 on CIFAR-10 32×32, backend wasm, steady state (every configuration warmed once on the all-conv3×3 cell)`)
  console.log(`per architecture: whole request CPU s (data, build, init, proxy) / proxy stage wall s`)
  const sums = configs.map(() => 0)
  let nRandom = 0
  for (const [ci, arch] of cells.entries()) {
    console.log(`\n${arch}${ci >= 2 ? ' (random)' : ''}`)
    for (const [k, c] of configs.entries()) {
      const t = await timed(arch, c.proxies, CIFAR, c.batch, seed, c.epadsBatch)
      if (ci >= 2) sums[k] += t.cpu
      console.log(
        `  ${c.name.padEnd(40)} request ${t.cpu.toFixed(2).padStart(6)} s CPU   stage ${t.r.timings[c.stage].toFixed(2).padStart(6)} s wall   score ${t.r.scores[c.proxies[0]].toFixed(3)}`,
      )
    }
    if (ci >= 2) nRandom++
  }
  if (nRandom > 0) {
    console.log(`\nmean of ${nRandom} random cells (seed ${seed}), request CPU s/arch:`)
    for (const [k, c] of configs.entries()) console.log(`  ${c.name.padEnd(40)} ${(sums[k] / nRandom).toFixed(2).padStart(6)}`)
  }
}

const MIXED = '|nor_conv_1x1~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|'

/** Where ePADS time goes (see the module comment, mode "Profile"). */
async function profileBench(): Promise<void> {
  const b = Number(values.batch)
  const ds = await cachedDataset(CIFAR)
  let gcMs = 0
  const obs = new PerformanceObserver((l) => {
    for (const e of l.getEntries()) gcMs += e.duration
  })
  obs.observe({ entryTypes: ['gc'] })
  const kernelNames = new Set(tf.getKernelsForBackend(tf.getBackend()).map((k) => k.kernelName))
  console.log(`ePADS profile, B=${b} (${2 * b} forward samples), NB201 on CIFAR-10 32×32, backend ${tf.getBackend()}; CPU s, warm (2nd of 2 runs)`)
  for (const arch of [CHEAP, DEAR, MIXED]) {
    const def = nb201Space.buildNetwork(nb201Space.fromString(arch), { numClasses: ds.numClasses, inputSize: ds.imageSize })
    const params = materializeParams(def, 'pytorch', new Rng(seed))
    const x = ds.sampleBatch(b, new Rng(seed + 1), { augment: false }).x
    const noise = gaussianNoise(x.length, 1, new Rng(seed + 2))
    const input = { x: stackPerturbed(x, noise), shape: [2 * b, ...def.inputShape] as [number, number, number, number], labels: new Int32Array(2 * b), numClasses: def.numClasses }
    const warm = (f: () => void): { cpu: number; gc: number } => {
      f()
      const g0 = gcMs
      const c0 = cpuSeconds()
      f()
      return { cpu: cpuSeconds() - c0, gc: (gcMs - g0) / 1000 }
    }
    const fwd = warm(() => forwardBackward(def, params, input, { bn: 'train', loss: 'sumLogits', wrt: 'none' }))
    const full = warm(() => runEpads({ def, params, x, batchSize: b, noise, permRng: new Rng(seed + 3) }))
    // the terms' parts, timed inside the hook (one pass: codes once per distinct map, D1 per call)
    let calls = 0
    let elems = 0
    let tPack = 0
    let tCount = 0
    const codes = new WeakMap<object, ReturnType<typeof packCodes>>()
    const permRng = new Rng(seed + 3)
    forwardBackward(def, params, input, {
      bn: 'train',
      loss: 'sumLogits',
      wrt: 'none',
      hooks: {
        onReluForward(_call, pre) {
          calls++
          const key = (pre as unknown as { dataId: object }).dataId
          let t = performance.now()
          let c = codes.get(key)
          const fresh = c === undefined
          if (c === undefined) {
            elems += pre.size
            c = packCodes(readFloat32(pre), 2 * b, pre.size / (2 * b))
            codes.set(key, c)
          }
          tPack += performance.now() - t
          const perm = randomPermutation(b, permRng)
          t = performance.now()
          let s = 0
          for (let i = 0; i < b; i++) s += rowHamming(c, i, perm[i])
          if (fresh) for (let i = 0; i < b; i++) s += rowHamming(c, i, b + i)
          tCount += performance.now() - t
          if (s < 0) throw new Error('unreachable')
        },
      },
    })
    const prof = await tf.profile(() => {
      forwardBackward(def, params, input, { bn: 'train', loss: 'sumLogits', wrt: 'none' })
    })
    const byKernel = new Map<string, { ms: number; n: number }>()
    let kernelMs = 0
    for (const k of prof.kernels) {
      if (!kernelNames.has(k.name)) continue
      const e = byKernel.get(k.name) ?? { ms: 0, n: 0 }
      e.ms += k.kernelTimeMs as number
      e.n++
      kernelMs += k.kernelTimeMs as number
      byKernel.set(k.name, e)
    }
    console.log(`\n${arch}`)
    console.log(`  forward only ${fwd.cpu.toFixed(2)} s   runEpads ${full.cpu.toFixed(2)} s   ⇒ terms ≈ ${(full.cpu - fwd.cpu).toFixed(2)} s   GC during runEpads ${full.gc.toFixed(2)} s`)
    console.log(`  terms: ${calls} counted calls, ${(elems / 1e6).toFixed(1)} M distinct elements; read+pack ${(tPack / 1000).toFixed(3)} s, XOR/popcount ${(tCount / 1000).toFixed(3)} s`)
    const top = [...byKernel].sort((p, q) => q[1].ms - p[1].ms).slice(0, 9)
    console.log(`  forward kernels (profiled) Σ ${(kernelMs / 1000).toFixed(2)} s: ${top.map(([n, e]) => `${n} ${(e.ms / 1000).toFixed(2)}×${e.n}`).join(', ')}`)
    disposeParams(params)
  }
  obs.disconnect()
}

interface Row {
  index: number
  arch: string
  acc: number
  epads: number
  wrcor: number
  /** CPU seconds of the whole one-proxy request (data, build, init, proxy) */
  tEpads: number
  tWrcor: number
  /** wall seconds of both requests */
  wall: number
}

async function corrBench(): Promise<void> {
  const n = Number(values.corr)
  const deadline = Number(values.deadline)
  const gt = loadNb201Table(TABLE)
  const keys = gt.keys()
  const chosen = chooseRows({ kind: 'random', count: n, seed }, keys.length)
  const sets: { name: string; spec: DatasetSpec; metric: string; epadsBatch: number; rows: Row[] }[] = [
    { name: 'cifar10', spec: CIFAR, metric: 'cifar10', epadsBatch: 128, rows: [] },
    { name: 'imagenet16-sample', spec: IN16, metric: 'imagenet16-120', epadsBatch: 120, rows: [] },
  ]
  if (values.csv) writeFileSync(values.csv, 'dataset,index,arch,accuracy,epads,wrcor,epads_cpu_s,wrcor_cpu_s,wall_s\n')
  const t0 = performance.now()
  let stopped = false
  for (const index of chosen) {
    for (const s of sets) {
      const arch = nb201Space.fromString(keys[index])
      const archSeed = ((seed >>> 0) ^ fnv1a(nb201Space.hash(arch))) >>> 0
      // one request per proxy (identical scores to a joint request: the weights and each proxy's
      // batch come from the same seed), so that each proxy's CPU seconds can be measured
      const e = await timed(nb201Space.toString(arch), ['epads'], s.spec, 64, archSeed, s.epadsBatch)
      const w = await timed(nb201Space.toString(arch), ['wrcor'], s.spec, 64, archSeed)
      const row: Row = {
        index,
        arch: e.r.arch,
        acc: gt.get(keys[index], s.metric) ?? NaN,
        epads: e.r.scores.epads,
        wrcor: w.r.scores.wrcor,
        tEpads: e.cpu,
        tWrcor: w.cpu,
        wall: e.r.seconds + w.r.seconds,
      }
      s.rows.push(row)
      if (values.csv) {
        appendFileSync(values.csv, `${s.name},${index},${row.arch},${row.acc},${row.epads},${row.wrcor},${row.tEpads.toFixed(3)},${row.tWrcor.toFixed(3)},${row.wall.toFixed(3)}\n`)
      }
    }
    const elapsed = (performance.now() - t0) / 1000
    process.stderr.write(`\r${sets[0].rows.length}/${n} cells, ${elapsed.toFixed(0)} s`)
    if (elapsed > deadline) {
      stopped = true
      break
    }
  }
  process.stderr.write('\n')
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  console.log(`${sets[0].rows.length} random NB201 cells (seed ${seed})${stopped ? ` — stopped by the ${deadline} s deadline` : ''}`)
  for (const s of sets) {
    const acc = s.rows.map((r) => r.acc)
    console.log(`\n${s.name} (truth: ${s.metric}, ePADS B=${s.epadsBatch} σ=1, WRCor B=64)`)
    for (const p of ['epads', 'wrcor'] as const) {
      const sc = s.rows.map((r) => r[p])
      const secs = s.rows.map((r) => (p === 'epads' ? r.tEpads : r.tWrcor))
      const nonFinite = sc.filter((v) => !Number.isFinite(v)).length
      console.log(
        `  ${p.padEnd(6)} ρ=${spearman(sc, acc).toFixed(3)}  τ=${kendallTau(sc, acc).toFixed(3)}  (n=${sc.length}, non-finite ${nonFinite})  ${mean(secs).toFixed(2)} s CPU/arch`,
      )
    }
    console.log(`  wall (both requests, shared machine) ${mean(s.rows.map((r) => r.wall)).toFixed(2)} s/arch`)
  }
}

if (values.corr !== undefined) await corrBench()
else if (values.profile) {
  await initBackend({ log: () => {} })
  await profileBench()
} else await costBench()
process.exit(0)
