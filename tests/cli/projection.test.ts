/**
 * The MobileNetV2 paper protocol (SpaceDef.protocol, declared once in
 * src/engine/spaces/mbv2/protocol.ts) as `zsnas search --space mbv2`'s
 * defaults, and the first line's projected wall time: N × s/arch over the
 * scoring processes (hand-computed below).
 */
import { describe, expect, it } from 'vitest'
import { projectionLine } from '../../src/cli/projection'
import { getSpaceDef } from '../../src/engine/spaces/registry'
import { searchMain } from '../../src/cli/search'
import type { CliIO } from '../../src/cli/io'

const P = { source: 'test', batchSize: 64, proxy: 'sjw', strategy: 're', strategyOptions: { populationSize: 64, tournamentSize: 10 }, budget: 5000, measured: { secondsPerArch: 36, batchSize: 64, where: 'here' } }
const run = { n: 5000, workers: 1, batchSize: 64, proxy: 'sjw', strategy: 're', strategyOptions: { populationSize: 64, tournamentSize: 10 }, cores: 16 }

describe('paper protocol projection', () => {
  it('projects N × s/arch over the workers and over one process per core', () => {
    // 5000 × 36 s = 180000 s = 50.0 h on one worker; / 16 = 11250 s = 3.1 h
    const line = projectionLine('mbv2', P, run)
    expect(line).toMatch(/batch 64, sjw, re \(populationSize 64, tournamentSize 10\), N 5000/)
    expect(line).toMatch(/measured 36 s\/arch at batch 64 \(here\) → N 5000 projected 50\.0 h on 1 worker, 3\.1 h with --workers 16/)
    expect(line).not.toMatch(/this run:/)
    // batch 32: 36 s × 32/64 = 18 s/arch; 64 × 18 s / 2 workers = 576 s ≈ 10 min; the departures are named
    const small = projectionLine('mbv2', P, { ...run, n: 64, workers: 2, batchSize: 32, proxy: 'wrcor', strategyOptions: { populationSize: 8 } })
    expect(small).toMatch(/this run: batch 32, proxy wrcor, populationSize 8, N 64/)
    expect(small).toMatch(/≈ 18 s\/arch at batch 32 \(extrapolated, linear in batch\) → N 64 projected 10 min on 2 workers/)
  })

  it('MobileNetV2 declares the paper protocol once; NB201 declares none', () => {
    const p = getSpaceDef('mbv2').protocol!
    expect(p).toMatchObject({ batchSize: 64, proxy: 'sjw', strategy: 're', strategyOptions: { populationSize: 64, tournamentSize: 10 }, budget: 5000 })
    expect(p.measured!.secondsPerArch).toBeGreaterThan(0)
    expect(getSpaceDef('nb201').protocol).toBeUndefined()
  })

  it('zsnas search --space mbv2 prints the protocol and projection first and uses it for unset flags', { timeout: 120_000 }, async () => {
    const io = { stdout: '', stderr: '', errIsTTY: false, out(t: string) { io.stdout += t }, err(t: string) { io.stderr += t } } as CliIO & { stdout: string; stderr: string }
    const stop = new AbortController()
    stop.abort() // cancelled before the first scoring: only the set-up runs
    const code = await searchMain(['--space', 'mbv2', '--dataset', 'noise:32:10', '--population', '8'], io, stop.signal)
    expect(code).toBe(130)
    const first = io.stderr.split('\n')[0]
    expect(first).toMatch(/^mbv2 protocol \(paper §5\.3/)
    expect(first).toMatch(/this run: populationSize 8$|this run: populationSize 8;/)
    expect(first).toMatch(/N 5000 projected/)
    // the summary shows the protocol's proxy (SJW members) and N
    expect(io.stderr).toMatch(/"proxy":"sjw"/)
    expect(io.stderr).toMatch(/"n":5000/)
  })
})
