/**
 * bench/gpu/table.ts: how the backend bench turns a child's streamed lines into rows (a child killed at its
 * cap keeps what it finished; later sets are "skipped"), and the Markdown table. Hand-computed expectations.
 */
import { describe, expect, it } from 'vitest'
import { BENCH_MARKER, NB201_SETS, MBV2_SETS, markdownTable, parseBenchLines, summarise, type BenchLine } from '../../bench/gpu/table'

const stdout = (lines: BenchLine[], junk = ''): string => `${junk}${lines.map((l) => `${BENCH_MARKER}${JSON.stringify(l)}`).join('\n')}\n`

describe('backend bench rows', () => {
  it('parses only BENCH lines and drops a line torn by a kill', () => {
    const text = `[zsnas] tfjs backend: wasm\n${stdout([{ type: 'done' }])}${BENCH_MARKER}{"type":"arch","se`
    expect(parseBenchLines(text)).toEqual([{ type: 'done' }])
  })

  it('a complete run: mean after the warm-up, peaks, adapter', () => {
    const lines: BenchLine[] = [
      { type: 'start', backend: 'webgpu', adapter: 'nvidia hopper' },
      { type: 'warmup', set: 'MBv2 T11 WRCor', seconds: 9 },
      { type: 'arch', set: 'MBv2 T11 WRCor', i: 0, seconds: 0.5, rssMB: 900, gpuMB: 3000 },
      { type: 'arch', set: 'MBv2 T11 WRCor', i: 1, seconds: 0.7, rssMB: 950, gpuMB: 2500 },
      { type: 'warmup', set: 'MBv2 T11 SJW', seconds: 4 },
      { type: 'arch', set: 'MBv2 T11 SJW', i: 0, seconds: 1.0, rssMB: 990, gpuMB: 4000 },
      { type: 'arch', set: 'MBv2 T11 SJW', i: 1, seconds: 2.0, rssMB: 1000, gpuMB: 4100 },
      { type: 'done' },
    ]
    const rows = summarise('webgpu', MBV2_SETS, 2, parseBenchLines(stdout(lines, 'noise\n')), { kind: 'exit' })
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatchObject({ backend: 'webgpu', adapter: 'nvidia hopper', status: 'ok', n: 2, planned: 2, warmupS: 9, peakRssMB: 950, peakGpuMB: 3000 })
    expect(rows[0].meanS).toBeCloseTo(0.6, 12)
    expect(rows[1].meanS).toBeCloseTo(1.5, 12)
    expect(rows[1].peakGpuMB).toBe(4100)
  })

  it('killed at the cap in the second set: partial mean there, third set skipped', () => {
    const lines: BenchLine[] = [
      { type: 'start', backend: 'webgpu', adapter: 'google swiftshader (software)' },
      ...[0, 1, 2].map((i): BenchLine => ({ type: 'arch', set: 'NB201 WRCor', i, seconds: i + 1, rssMB: 100 })),
      { type: 'arch', set: 'NB201 SJW', i: 0, seconds: 7, rssMB: 120 },
    ]
    const rows = summarise('webgpu', NB201_SETS, 3, lines, { kind: 'timeout', capS: 60 })
    expect(rows.map((r) => r.status)).toEqual(['ok', 'timeout (cap 60 s)', 'skipped (time cap 60 s spent)'])
    expect(rows[0].meanS).toBe(2)
    expect(rows[1]).toMatchObject({ n: 1, meanS: 7 })
    expect(rows[2].n).toBe(0)
    expect(rows[2].meanS).toBeUndefined()
  })

  it('errors are per set (out of memory, then the lost wasm instance); a crash names its reason', () => {
    const lines: BenchLine[] = [
      { type: 'error', set: 'MBv2 T11 WRCor', code: 'OUT_OF_MEMORY', message: 'batch 64 at 224 px does not fit | try 32' },
      { type: 'error', set: 'MBv2 T11 SJW', code: 'SKIPPED', message: 'not run' },
      { type: 'done' },
    ]
    const rows = summarise('wasm', MBV2_SETS, 2, lines, { kind: 'exit' })
    expect(rows.map((r) => r.status)).toEqual(['error: OUT_OF_MEMORY: batch 64 at 224 px does not fit | try 32', 'error: SKIPPED: not run'])
    const crashed = summarise('webgpu', MBV2_SETS, 2, [], { kind: 'crash', reason: 'SIGSEGV' })
    expect(crashed.map((r) => r.status)).toEqual(['crashed: SIGSEGV', 'skipped (process ended)'])
    const md = markdownTable(rows)
    expect(md.split('\n')).toHaveLength(4)
    expect(md).toContain('does not fit \\| try 32') // a '|' in a message must not open a column
    expect(md.split('\n')[2].split(/(?<!\\)\|/)).toHaveLength(11)
  })

  it('formats numbers: 3 decimals under one second, an unavailable backend as one row', () => {
    const md = markdownTable([
      { backend: 'wasm', workload: 'NB201 ePADS', status: 'ok', n: 10, planned: 10, meanS: 0.7714, warmupS: 1.04, peakRssMB: 288.4 },
      { backend: 'tensorflow', workload: 'all', status: 'not available: native addon not installed', n: 0, planned: 0 },
    ])
    expect(md).toContain('| wasm |  | NB201 ePADS | 0.771 | 10/10 | 1.04 | 288 | – | ok |')
    expect(md).toContain('| tensorflow |  | all | – |  | – | – | – | not available: native addon not installed |')
  })
})
