/**
 * The projection arithmetic shared by `zsnas search` and the wizard
 * (src/shared/projection.ts), against hand-computed values.
 */
import { describe, expect, it } from 'vitest'
import { formatDuration, processesFor, projectedSeconds, projectionLine, protocolDepartures, secondsAtBatch, workstationProjection, workstationText } from '../../src/shared/projection'

const P = { source: 'test', batchSize: 64, proxy: 'sjw', strategy: 're', strategyOptions: { populationSize: 64, tournamentSize: 10 }, budget: 5000 }

describe('projection arithmetic', () => {
  it('N × s/arch ÷ processes', () => {
    // 5064 × 36 s = 182304 s; ÷ 13 = 14023.38… s; ÷ 16 = 11394 s
    expect(projectedSeconds(5064, 36, 1)).toBe(182304)
    expect(projectedSeconds(5064, 36, 13)).toBeCloseTo(14023.3846, 3)
    expect(projectedSeconds(5064, 36, 16)).toBe(11394)
    expect(() => projectedSeconds(10, 1, 0)).toThrow(RangeError)
  })

  it('processes = min(cores, ⌊memory ÷ peak RSS⌋)', () => {
    // 64 ÷ 4.62 = 13.85 → 13 < 16: memory-bound
    expect(processesFor({ cores: 16, memoryGB: 64, peakRssGB: 4.62 })).toEqual({ processes: 13, byMemory: 13, limitedBy: 'memory' })
    // 64 ÷ 3.5 = 18.3 → 18 ≥ 16: core-bound
    expect(processesFor({ cores: 16, memoryGB: 64, peakRssGB: 3.5 })).toEqual({ processes: 16, byMemory: 18, limitedBy: 'cores' })
    // 64 ÷ 4 = exactly 16: cores (tie)
    expect(processesFor({ cores: 16, memoryGB: 64, peakRssGB: 4 }).processes).toBe(16)
    // more memory per process than the machine has: still one process
    expect(processesFor({ cores: 16, memoryGB: 4, peakRssGB: 4.62 })).toEqual({ processes: 1, byMemory: 0, limitedBy: 'memory' })
    // no peak RSS: memory unknown, one per core
    expect(processesFor({ cores: 2 })).toEqual({ processes: 2, byMemory: null, limitedBy: 'cores' })
  })

  it('a measurement at another batch scales linearly and says so', () => {
    expect(secondsAtBatch({ secondsPerArch: 36, batchSize: 64 }, 16)).toEqual({ seconds: 9, extrapolated: true })
    expect(secondsAtBatch({ secondsPerArch: 36, batchSize: 64 }, 64)).toEqual({ seconds: 36, extrapolated: false })
  })

  it('the 16-core 64 GB workstation line', () => {
    const w = workstationProjection(5064, 36, 4.62)
    expect(w).toMatchObject({ cores: 16, memoryGB: 64, processes: 13, limitedBy: 'memory' })
    // 14023 s = 3.895 h → "3.9 h"
    expect(workstationText(w, 5064)).toBe('16 cores, 64 GB: 13 processes by memory (⌊64 ÷ 4.62 GB⌋) → N 5064 in 3.9 h')
    expect(workstationText(workstationProjection(5064, 36, 3.5), 5064)).toBe('16 cores, 64 GB: 16 processes, one per core (memory allows 18 at 3.50 GB each) → N 5064 in 3.2 h')
  })

  it('durations: hours from 1 h, minutes from 1 min, else seconds', () => {
    expect(formatDuration(11394)).toBe('3.2 h')
    expect(formatDuration(576)).toBe('10 min')
    expect(formatDuration(42.4)).toBe('42 s')
    expect(formatDuration(Number.NaN)).toBe('–')
  })

  it('departures from the protocol are named; none when the run follows it', () => {
    const run = { n: 5000, batchSize: 64, proxy: 'sjw', strategy: 're', strategyOptions: { populationSize: 64, tournamentSize: 10, parallelChildren: 1 } }
    expect(protocolDepartures(P, run)).toEqual([])
    expect(protocolDepartures(P, { ...run, n: 64, batchSize: 2, strategyOptions: { populationSize: 8, tournamentSize: 10 } })).toEqual(['batch 2', 'populationSize 8', 'N 64'])
    expect(protocolDepartures(P, { ...run, strategy: 'random', proxy: 'wrcor' })).toEqual(['proxy wrcor', 'strategy random'])
  })

  it('the line adds the workstation when the measurement has a peak RSS', () => {
    const line = projectionLine('mbv2', { ...P, measured: { secondsPerArch: 36, batchSize: 64, where: 'here', peakRssGB: 4.62 } }, { n: 5064, workers: 2, batchSize: 64, proxy: 'sjw', strategy: 're', strategyOptions: {}, cores: 2 })
    // 182304 s ÷ 2 = 91152 s = 25.3 h
    expect(line).toMatch(/→ N 5064 projected 25\.3 h on 2 workers; 16 cores, 64 GB: 13 processes by memory \(⌊64 ÷ 4\.62 GB⌋\) → N 5064 in 3\.9 h$/)
  })
})
