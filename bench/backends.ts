/**
 * Backend bench (issue #17 item 4; not part of CI). Prints ONE Markdown table.
 *
 *   nice npx tsx bench/backends.ts [--backends tensorflow,webgpu,wasm,cpu] [--cells 10] [--nb201-batch 64]
 *        [--mbv2-batch 64] [--resolution 224] [--mbv2-reps 2] [--epads-batch 128] [--cap-s 300] [--mbv2-cap-s 300]
 *        [--data shared|noise] [--out FILE.md] [--parallel] [--spaces nb201,mbv2] [--per-set]
 *
 * On every backend that loads (each probed first, in its own process, by src/backend/backend-status.ts; the
 * others get a "not available: reason" row):
 *  - NB201: the same `--cells` cells (Rng(2025) samples, printed) scored with WRCor, SJW (SynFlow+JacCor+WRCor
 *    in one call) and ePADS at `--nb201-batch`, CIFAR-10 from ../shared/data (or noise with --data noise);
 *  - MobileNetV2: the paper's Table 11 architecture at `--resolution` px, batch `--mbv2-batch` (paper: 64 at 224),
 *    WRCor and SJW, `--mbv2-reps` scorings after one warm-up, on N(0,1) noise images (the cost does not depend
 *    on the pixels; the shared ImageNet sample is 16 px only).
 * Each (backend, space) runs in its own child process with ZSNAS_BACKEND forced (a tfjs backend is chosen once
 * per process, and a wasm out-of-memory abort kills its instance), capped at `--cap-s` / `--mbv2-cap-s` seconds:
 * a child killed at its cap keeps the architectures it finished ("timeout", mean over those).
 * `--spaces` picks the spaces run (default both). `--per-set` runs every workload set (e.g. 'NB201 SJW') in a child
 * of its own with the whole cap, so a slow set cannot eat the next set's time (default: one child per space).
 * Columns: mean seconds per architecture after one warm-up scoring (the warm-up includes shader compilation
 * / heap growth and is shown apart), peak process RSS, and for webgpu the peak bytes the tfjs buffer manager
 * held on the GPU (sampled after each architecture).
 */
import { cpus, loadavg } from 'node:os'
import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'
import { probeBackends, PROBE_ORDER } from '../src/backend/backend-status'
import { BENCH_MARKER, MBV2_SETS, NB201_SETS, markdownTable, parseBenchLines, summarise, type BenchLine, type Row } from './gpu/table'
import { benchCells, runChildWorkload, type ChildConfig } from './gpu/child'

const here = dirname(fileURLToPath(import.meta.url))
const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: PROBE_ORDER.join(',') },
    cells: { type: 'string', default: '10' },
    'nb201-batch': { type: 'string', default: '64' },
    'mbv2-batch': { type: 'string', default: '64' },
    resolution: { type: 'string', default: '224' },
    'mbv2-reps': { type: 'string', default: '2' },
    'epads-batch': { type: 'string', default: '128' },
    'cap-s': { type: 'string', default: '300' },
    'mbv2-cap-s': { type: 'string', default: '300' },
    data: { type: 'string', default: 'shared' },
    out: { type: 'string' },
    parallel: { type: 'boolean', default: false },
    spaces: { type: 'string', default: 'nb201,mbv2' },
    'per-set': { type: 'boolean', default: false },
    child: { type: 'string' }, // internal: 'nb201' | 'mbv2'
    'only-set': { type: 'string' }, // internal: run only this set label in the child
  },
})

function int(name: keyof typeof values, min: number): number {
  const v = Number(values[name])
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}, got '${String(values[name])}'`)
  return v
}

const cifar = resolve(process.env.ZSNAS_SHARED_DATA ?? resolve(here, '../../shared/data'), 'cifar10/data_batch_1_first4000_exact.bin')
const useCifar = values.data === 'shared' && existsSync(cifar)
const config: ChildConfig = {
  cells: int('cells', 1),
  nb201Batch: int('nb201-batch', 2),
  mbv2Batch: int('mbv2-batch', 2),
  resolution: int('resolution', 32),
  mbv2Reps: int('mbv2-reps', 1),
  epadsBatch: int('epads-batch', 2),
  nb201Data: useCifar ? { kind: 'cifar10', path: cifar } : { kind: 'noise', imageSize: 32, numClasses: 10 },
}

if (values.child !== undefined) {
  await runChildWorkload(values.child === 'mbv2' ? 'mbv2' : 'nb201', config, values['only-set'])
  process.stdout.write('', () => process.exit(0))
} else {
  await parent()
}

/** Runs one (backend, space) child under its cap; resolves with its rows. */
function runChild(backend: string, space: 'nb201' | 'mbv2', capS: number, only?: string): Promise<Row[]> {
  const sets = (space === 'nb201' ? NB201_SETS : MBV2_SETS).filter((s) => only === undefined || s.label === only)
  const planned = space === 'nb201' ? config.cells : config.mbv2Reps
  const self = fileURLToPath(import.meta.url)
  const execArgv = self.endsWith('.ts') ? ['--import', 'tsx'] : []
  const { ZSNAS_BACKEND: _drop, ...env } = process.env
  return new Promise((done) => {
    const child = spawn(process.execPath, [...execArgv, self, ...process.argv.slice(2), '--child', space, ...(only !== undefined ? ['--only-set', only] : [])], {
      env: { ...env, ZSNAS_BACKEND: backend },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      for (const l of parseBenchLines(d.toString())) progress(backend, l)
    })
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, capS * 1000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const lines = parseBenchLines(out)
      const lastErr = err.trim().split('\n').filter((l) => l.trim() !== '' && !l.startsWith('[zsnas]')).slice(-1)[0] ?? ''
      const how = timedOut
        ? ({ kind: 'timeout', capS } as const)
        : code === 0 && lines.some((l) => l.type === 'done')
          ? ({ kind: 'exit' } as const)
          : ({ kind: 'crash', reason: `${signal ?? `exit ${code}`}${lastErr ? `: ${lastErr.slice(0, 160)}` : ''}` } as const)
      done(summarise(backend, sets, planned, lines, how))
    })
  })
}

function progress(backend: string, l: BenchLine): void {
  if (l.type === 'arch') process.stderr.write(`  [${backend}] ${l.set} #${l.i}: ${l.seconds.toFixed(2)} s\n`)
  else if (l.type === 'warmup') process.stderr.write(`  [${backend}] ${l.set} warm-up: ${l.seconds.toFixed(2)} s\n`)
  else if (l.type === 'error') process.stderr.write(`  [${backend}] ${l.set}: ${l.code}: ${l.message}\n`)
}

async function parent(): Promise<void> {
  const spaces = values.spaces.split(',').map((s) => s.trim()) as Array<'nb201' | 'mbv2'>
  for (const s of spaces) if (s !== 'nb201' && s !== 'mbv2') throw new Error(`--spaces: '${s}' is not a bench space (expected nb201 and/or mbv2)`)
  const wanted = values.backends.split(',').map((s) => s.trim()).filter((s) => s !== '')
  const t0 = performance.now()
  process.stderr.write(`probing ${wanted.join(', ')}…\n`)
  const report = await probeBackends({ backends: wanted, timeoutMs: 120_000 })
  const rows: Row[] = []
  const jobs: Array<() => Promise<Row[]>> = []
  for (const b of report.backends) {
    if (!b.available) {
      const why = b.candidates.map((c) => `${c.name !== b.backend ? `${c.name}: ` : ''}${c.reason}`).join('; ')
      rows.push({ backend: b.backend, workload: 'all', status: `not available: ${why}`, n: 0, planned: 0 })
      continue
    }
    for (const space of spaces) {
      const cap = int(space === 'nb201' ? 'cap-s' : 'mbv2-cap-s', 1)
      if (!values['per-set']) jobs.push(() => runChild(b.backend, space, cap))
      else for (const set of space === 'nb201' ? NB201_SETS : MBV2_SETS) jobs.push(() => runChild(b.backend, space, cap, set.label))
    }
  }
  const results = values.parallel ? await Promise.all(jobs.map((j) => j())) : await sequential(jobs)
  for (const r of results) rows.push(...r)
  const table = markdownTable(rows)
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  const header = [
    `Backend bench (bench/backends.ts), ${new Date().toISOString().slice(0, 16)}Z, ${cpu} × ${cpus().length}, Node ${process.version}, load ${loadavg().map((v) => v.toFixed(1)).join(' ')}${values.parallel ? ', children in parallel' : ''}`,
    `NB201: ${config.cells} cells (Rng(2025)), batch ${config.nb201Batch}, ${useCifar ? 'CIFAR-10 (shared data)' : 'N(0,1) noise 32 px'}, ePADS batch ${config.epadsBatch}; ` +
      `MBv2: Table 11 architecture at ${config.resolution} px, batch ${config.mbv2Batch}, ${config.mbv2Reps} reps, noise images; ` +
      `caps ${values['cap-s']} s / ${values['mbv2-cap-s']} s per child${values['per-set'] ? ' (one child per workload set)' : ''}; spaces ${spaces.join(',')}; total ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    `NB201 cells: ${benchCells(config.cells).join(' ')}`,
  ].join('\n')
  const text = `${header}\n\n${table}\n`
  process.stdout.write(text)
  if (values.out !== undefined) writeFileSync(values.out, text)
}

async function sequential<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = []
  for (const j of jobs) out.push(await j())
  return out
}
