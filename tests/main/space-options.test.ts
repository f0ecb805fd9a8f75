import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/engine/core/rng'
import { spaceFor } from '../../src/backend/engine-adapter'
import { SPACE_OPTIONS } from '../../src/backend/catalog-data'
import { listSpaceDefs } from '../../src/engine/spaces/registry'
import { mbv2MinFlops } from '../../src/engine/spaces/mbv2/space'

describe('run config → MobileNetV2 space options', () => {
  it('passes the FLOPs limit and resolution range to the space the strategy samples from', () => {
    const space = spaceFor({ space: 'mbv2', spaceOptions: { flopsLimit: 400e6, minResolution: 256, maxResolution: 256 } })
    const rng = new Rng(3)
    for (let i = 0; i < 10; i++) {
      const a = space.sample(rng) as { resolution: number }
      expect(a.resolution).toBe(256)
    }
    expect(space.description).toMatch(/resolution 256–256; FLOPs ≤ 400 M/)
  })
  it('rejects an inverted range with a typed INVALID_OPTION error', () => {
    expect(() => spaceFor({ space: 'mbv2', spaceOptions: { minResolution: 320, maxResolution: 192 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
  })
  it('the catalog offers the space registry declarations, and their defaults are what the run gets without options', () => {
    for (const d of listSpaceDefs()) expect(SPACE_OPTIONS[d.id]).toEqual(d.options)
    const defaults = Object.fromEntries(SPACE_OPTIONS.mbv2.map((o) => [o.key, o.default]))
    const draw = (spaceOptions: Record<string, unknown>) => {
      const s = spaceFor({ space: 'mbv2', spaceOptions })
      const rng = new Rng(8)
      return Array.from({ length: 8 }, () => s.toString(s.sample(rng)))
    }
    expect(draw(defaults)).toEqual(draw({}))
  })
})

describe('benchmark tables opened by the app are indexed into its data folder', () => {
  it('validateTable writes the index to tableCacheDir and reopens the same table from it', async () => {
    const { mkdtempSync, readdirSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { createEngineAdapter } = await import('../../src/backend/engine-adapter')
    const { sharedPath } = await import('../helpers/shared-data')
    const dir = mkdtempSync(join(tmpdir(), 'zsnas-table-cache-'))
    try {
      const engine = createEngineAdapter({ tableCacheDir: dir })
      const csv = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')
      const first = engine.validateTable(csv, 'nb201')
      expect(readdirSync(dir).length).toBeGreaterThan(0)
      const second = engine.validateTable(csv, 'nb201')
      expect(second).toEqual(first)
      expect(first.size).toBe(15625)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe("the app's run validation checks every option bag against the registries before the run starts", () => {
  it('a bad proxy option, an undeclared strategy option and batch 1 are refused with the engine messages', async () => {
    const { createEngineAdapter } = await import('../../src/backend/engine-adapter')
    const { RunConfigSchema } = await import('../../src/shared/schemas')
    const engine = createEngineAdapter()
    const base = {
      space: 'nb201', strategy: 'random', proxy: { mode: 'single', id: 'zico' }, n: 10, seed: 0,
      dataset: { kind: 'noise', imageSize: 8, numClasses: 10 }, batchSize: 8,
    }
    const cfg = (extra: Record<string, unknown>) => RunConfigSchema.parse({ ...base, ...extra })
    expect(() => engine.validate(cfg({}))).not.toThrow()
    expect(() => engine.validate(cfg({ proxyOptions: { zico: { batches: 1 } } }))).toThrow('zico options: ZiCo batches (batches) must be an integer ≥ 2, got 1')
    expect(() => engine.validate(cfg({ strategy: 're', strategyOptions: { population: 8 } }))).toThrow(/re strategy options: no option 'population'/)
    expect(() => engine.validate(cfg({ space: 'mbv2', spaceOptions: { flopsLimit: 0 } }))).toThrow(new RegExp(`mbv2 space options: FLOPs limit \\(flopsLimit\\) must be a finite number ≥ ${mbv2MinFlops()}, got 0`))
    expect(() => engine.validate({ ...cfg({}), batchSize: 1 })).toThrow('batchSize must be an integer in 2..4096, got 1')
    // the contract's schema has the same bounds (read from the request spec)
    expect(RunConfigSchema.safeParse({ ...base, batchSize: 1 }).success).toBe(false)
    expect(RunConfigSchema.safeParse({ ...base, batchSize: 2 }).success).toBe(true)
    expect(RunConfigSchema.safeParse({ ...base, batchSize: 4097 }).success).toBe(false)
  })
})
