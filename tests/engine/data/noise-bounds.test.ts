/**
 * The noise dataset's bounds and the scoring batch size are declared once (NOISE_OPTIONS in
 * src/engine/data/noise.ts, BATCH_SIZE_OPTION in src/engine/score/request-spec.ts) and the engine, the CLI flag
 * parser and the worker/run-config zod schema all accept exactly the declared range. Before, they disagreed
 * (noise size: engine 1..4096, CLI 4..512, schema 1..512; batch: request schema ≥ 1, spec ≥ 2).
 */
import { describe, expect, it } from 'vitest'
import { NOISE_CLASSES_OPTION, NOISE_IMAGE_SIZE_OPTION, NoiseSource } from '../../../src/engine/data/noise'
import { DatasetSpecSchema, ScoreRequestSchema } from '../../../src/engine/score/request-schema'
import { BATCH_SIZE_OPTION } from '../../../src/engine/score/request-spec'
import { batchFlag, datasetFlag } from '../../../src/cli/args'
import { RunConfigSchema } from '../../../src/shared/schemas'

const SIZE = { min: NOISE_IMAGE_SIZE_OPTION.min as number, max: NOISE_IMAGE_SIZE_OPTION.max as number }
const CLASSES = { min: NOISE_CLASSES_OPTION.min as number, max: NOISE_CLASSES_OPTION.max as number }

function engineAccepts(size: number, classes: number): boolean {
  try {
    new NoiseSource(size, classes)
    return true
  } catch (e) {
    expect((e as { code?: string }).code).toBe('INVALID_OPTION')
    return false
  }
}

function cliAccepts(size: number, classes: number): boolean {
  try {
    datasetFlag(`noise:${size}:${classes}`)
    return true
  } catch {
    return false
  }
}

const schemaAccepts = (size: number, classes: number) =>
  DatasetSpecSchema.safeParse({ kind: 'noise', imageSize: size, numClasses: classes }).success

describe('noise dataset bounds: one declaration', () => {
  it('declares the values the paper setting needs (32 px, 10 classes default) inside a sane range', () => {
    expect(NOISE_IMAGE_SIZE_OPTION.default).toBe(32)
    expect(NOISE_CLASSES_OPTION.default).toBe(10)
    expect(SIZE).toEqual({ min: 1, max: 512 })
    expect(CLASSES).toEqual({ min: 2, max: 100000 })
  })

  const cases: [string, number, number, boolean][] = [
    ['smallest size', SIZE.min, 10, true],
    ['largest size', SIZE.max, 10, true],
    ['size below', SIZE.min - 1, 10, false],
    ['size above (the engine took up to 4096)', SIZE.max + 1, 10, false],
    ['fewest classes', 32, CLASSES.min, true],
    ['most classes (the CLI stopped at 10000)', 32, CLASSES.max, true],
    ['one class (the engine and schema took it)', 32, CLASSES.min - 1, false],
    ['too many classes', 32, CLASSES.max + 1, false],
  ]
  for (const [name, size, classes, ok] of cases) {
    it(`${name} (${size} px, ${classes} classes): engine, CLI and schema all ${ok ? 'accept' : 'refuse'}`, () => {
      expect([engineAccepts(size, classes), cliAccepts(size, classes), schemaAccepts(size, classes)]).toEqual([ok, ok, ok])
    })
  }

  it('the engine message names the option, the accepted range and the value', () => {
    expect(() => new NoiseSource(SIZE.max + 1, 10)).toThrow(`noise dataset imageSize must be an integer in 1..512, got 513`)
    expect(() => new NoiseSource(32, 1)).toThrow(`noise dataset numClasses must be an integer in 2..100000, got 1`)
  })

  it('the CLI defaults are the declared ones', () => {
    expect(datasetFlag('noise')).toEqual({ kind: 'noise', imageSize: 32, numClasses: 10 })
    expect(() => datasetFlag('noise:513')).toThrow(/1\.\.512, got '513'/)
  })
})

describe('batch size bounds: one declaration (BATCH_SIZE_OPTION)', () => {
  const base = { space: 'nb201', arch: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|', proxies: ['wrcor'], dataset: { kind: 'noise', imageSize: 8, numClasses: 10 }, seed: 0, init: 'pytorch' }
  const min = BATCH_SIZE_OPTION.min as number
  const max = BATCH_SIZE_OPTION.max as number
  it('the worker request schema, the run config schema and --batch accept exactly min..max (the request schema took 1)', () => {
    const run = { space: 'nb201', strategy: 'random', proxy: { mode: 'single', id: 'wrcor' }, n: 10, seed: 0, dataset: base.dataset }
    for (const [b, ok] of [[min - 1, false], [min, true], [max, true], [max + 1, false]] as const) {
      let cli = true
      try {
        batchFlag(String(b))
      } catch {
        cli = false
      }
      expect([ScoreRequestSchema.safeParse({ ...base, batchSize: b }).success, RunConfigSchema.safeParse({ ...run, batchSize: b }).success, cli]).toEqual([ok, ok, ok])
    }
    expect(min).toBe(2)
  })
})
