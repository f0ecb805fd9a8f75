/**
 * MobileNetV2-space scoring bench (not part of CI). Prints numbers.
 *
 *   npx tsx bench/mbv2-scoring.ts [--resolutions 192,224,256,288,320] [--batches 32,16,8,4]
 *                                 [--proxies synflow,jaccor,wrcor] [--reps 2] [--checkpointed-batch 64]
 *                                 [--rows /tmp/x/mbv2-rows.jsonl]
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
 *
 * Per attempt: wall and CPU seconds (user + sys of the child: robust to other
 * load on the machine) of the first scoring and of the steady ones (reps ≥ 2);
 * first − steady = the one-time heap growth and kernel set-up ("growth"); the
 * child's peak RSS, its wasm heap after the last scoring, and the engine's
 * estimates of the pass's peak tensor bytes (plain / checkpointed).
 *
 * Resumable (a long bench): with --rows, every finished attempt is appended
 * to that JSONL file at once, and attempts already in it are not run again;
 * the table at the end is printed from all rows in the file.
 */
import { resolve, dirname } from 'node:path'
import { spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
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
    reps: { type: 'string', default: '2' },
    rows: { type: 'string' },
  },
})
const base = mbv2FromString(TABLE11_ARCH)
const reps = Number(values.reps)

/** One finished attempt (a row of the rows file). */
interface Row {
  R: number
  batch: number
  checkpoint: 'on' | 'off'
  ok: boolean
  why?: string
  /** per scoring: wall s, CPU s (user+sys), sys s */
  wall?: number[]
  cpu?: number[]
  sys?: number[]
  peakRssGB?: number
  heapMB?: number
  est?: string
  at: string
}

const attempt = process.env.ZSNAS_MBV2_ATTEMPT // "R,batch" in a child process
if (attempt) {
  const [R, batchSize] = attempt.split(',').map(Number)
  const arch = mbv2ToString({ ...base, resolution: R })
  const wall: number[] = []
  const cpu: number[] = []
  const sys: number[] = []
  for (let rep = 0; rep < reps; rep++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await scoreArchitecture({
      space: 'mbv2', arch, proxies: values.proxies.split(','), batchSize, seed: rep, init: 'pytorch',
      dataset: { kind: 'u8', path: IMAGES, imageSize: 224, normalization: 'imagenet' },
    })
    const c = process.cpuUsage(c0)
    wall.push((performance.now() - t0) / 1000)
    cpu.push((c.user + c.system) / 1e6)
    sys.push(c.system / 1e6)
  }
  const d = lastResponsePass.decision
  const est = d === undefined ? undefined : `plain ${(d.estimate.plainBytes / 2 ** 30).toFixed(2)} / checkpointed ${(d.estimate.checkpointedBytes / 2 ** 30).toFixed(2)} GiB, ${d.estimate.segments.length} segments`
  const w = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm
  const peakRssGB = process.resourceUsage().maxRSS / 1024 / 1024
  console.log(`RESULT ${JSON.stringify({ wall, cpu, sys, peakRssGB, heapMB: w === undefined ? undefined : w.HEAPU8.length / 2 ** 20, est })}`)
  process.exit(0)
}

const done: Row[] = values.rows !== undefined && existsSync(values.rows)
  ? readFileSync(values.rows, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Row)
  : []
if (values.rows !== undefined) mkdirSync(dirname(resolve(values.rows)), { recursive: true })

/** Runs one (R, batch, checkpoint) attempt in a child (or takes it from the rows file); appends the row at once. */
function attemptIn(R: number, batch: number, checkpoint: 'on' | 'off'): Row {
  const prev = done.find((r) => r.R === R && r.batch === batch && r.checkpoint === checkpoint)
  if (prev !== undefined) return prev
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    env: { ...process.env, ZSNAS_MBV2_ATTEMPT: `${R},${batch}`, ZSNAS_CHECKPOINT: checkpoint }, encoding: 'utf8', maxBuffer: 64 << 20,
  })
  const m = /RESULT (.*)/.exec(child.stdout ?? '')
  let row: Row
  if (child.status === 0 && m) row = { R, batch, checkpoint, ok: true, ...(JSON.parse(m[1]) as Partial<Row>), at: new Date().toISOString() }
  else {
    const lines = (child.stderr ?? '').split('\n').filter((l) => !l.startsWith('var Module'))
    const why = (lines.find((l) => /RuntimeError|RangeError|out of memory|Aborted|OUT_OF_MEMORY/i.test(l)) ?? `exit ${child.status} ${child.signal ?? ''}`).slice(0, 160)
    row = { R, batch, checkpoint, ok: false, why, at: new Date().toISOString() }
  }
  done.push(row)
  if (values.rows !== undefined) appendFileSync(values.rows, `${JSON.stringify(row)}\n`)
  console.log(`finished R=${R} batch ${batch} checkpoint=${checkpoint}: ${row.ok ? `wall ${row.wall?.map((x) => x.toFixed(1)).join(', ')} s; CPU ${row.cpu?.map((x) => x.toFixed(1)).join(', ')} s; peak RSS ${row.peakRssGB?.toFixed(2)} GB` : `failed (${row.why})`}`)
  return row
}

const f1 = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(1))
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
/** Table cells of one row: s/arch (steady CPU / wall; the first when only one scoring), first, growth, RSS, heap. */
function cells(r: Row): string {
  if (!r.ok || r.cpu === undefined || r.wall === undefined) return `batch ${r.batch} ${r.checkpoint === 'on' ? 'ckpt' : 'plain'} | failed: ${r.why ?? '?'} | | |`
  const steadyC = r.cpu.length > 1 ? mean(r.cpu.slice(1)) : undefined
  const steadyW = r.wall.length > 1 ? mean(r.wall.slice(1)) : undefined
  const growth = steadyC === undefined || steadyW === undefined ? '– (1 scoring)' : `${f1(r.cpu[0] - steadyC)} / ${f1(r.wall[0] - steadyW)}`
  return `batch ${r.batch} ${r.checkpoint === 'on' ? 'ckpt' : 'plain'} | ${f1(steadyC ?? r.cpu[0])} / ${f1(steadyW ?? r.wall[0])}${steadyC === undefined ? ' (first)' : ''} | ${f1(r.cpu[0])} / ${f1(r.wall[0])} | ${growth} | ${r.peakRssGB?.toFixed(2) ?? '–'} GB, heap ${r.heapMB?.toFixed(0) ?? '–'} MB`
}

const cb = Number(values['checkpointed-batch'])
const table: string[] = []
for (const R of values.resolutions.split(',').map(Number)) {
  const flops = mbv2ReferenceCount({ ...base, resolution: R }).flops
  const head = `| ${R} (${(flops / 1e6).toFixed(0)} M) | `
  if (cb > 0) table.push(head + cells(attemptIn(R, cb, 'on')) + ' |')
  let fitted: Row | undefined
  for (const batch of values.batches.split(',').map(Number)) {
    const r = attemptIn(R, batch, 'off')
    if (r.ok) {
      fitted = r
      break
    }
  }
  table.push(head + (fitted === undefined ? 'no plain batch fitted | | | |' : cells(fitted) + ' |'))
}
console.log(`\nTable 11 arch, [${values.proxies}], wasm 1 thread; s/arch = steady mean of scorings 2..${reps} (CPU-s user+sys / wall s); growth = first − steady`)
console.log('| R (FLOPs) | attempt | s/arch CPU / wall | first CPU / wall | growth CPU / wall | peak RSS, wasm heap |')
console.log('|---|---|---|---|---|---|')
for (const l of table) console.log(l)
