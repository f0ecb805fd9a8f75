import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { ZsnasError } from '../../../src/engine/core/errors'
import { optionDefaults } from '../../../src/engine/core/options'
import { createSpace, getSpace, getSpaceDef, listSpaces, loadGroundTruth } from '../../../src/engine/spaces/registry'
import { mbv2Flops } from '../../../src/engine/spaces/mbv2/space'
import type { Mbv2Arch } from '../../../src/engine/spaces/mbv2/arch'
import { sharedPath } from '../../helpers/shared-data'

const draws = (id: string, options: Record<string, unknown> | undefined, n: number) => {
  const s = createSpace(id, options)
  const rng = new Rng(21)
  return Array.from({ length: n }, () => s.toString(s.sample(rng)))
}

describe('spaces declare their options once; the declared defaults are the behaviour without options', () => {
  it('every space: sampling with no options = sampling with the declared defaults given explicitly', () => {
    for (const d of listSpaces()) {
      expect(draws(d.id, optionDefaults(d.options), 12), d.id).toEqual(draws(d.id, undefined, 12))
    }
  })

  it('MBv2 defaults do what the paper says: FLOPs ≤ 600 M by the reference counter, R over all of 192..320', () => {
    const s = getSpace('mbv2')
    const rng = new Rng(4)
    const rs = new Set<number>()
    for (let i = 0; i < 150; i++) {
      const a = s.sample(rng) as Mbv2Arch
      expect(mbv2Flops(a)).toBeLessThanOrEqual(600e6)
      rs.add(a.resolution)
    }
    expect([...rs].sort((x, y) => x - y)).toEqual([192, 224, 256, 288, 320])
  })

  it('MBv2 options change the space: a 300 M limit and R fixed at 224', () => {
    const s = createSpace('mbv2', { flopsLimit: 300e6, minResolution: 224, maxResolution: 224 })
    const rng = new Rng(5)
    for (let i = 0; i < 20; i++) {
      const a = s.sample(rng) as Mbv2Arch
      expect(a.resolution).toBe(224)
      expect(mbv2Flops(a)).toBeLessThanOrEqual(300e6)
    }
    expect(s.description).toMatch(/resolution 224–224; FLOPs ≤ 300 M/)
  })

  it('bad options: typed INVALID_OPTION naming the option and its declared bound', () => {
    const err = (o: Record<string, unknown>): ZsnasError => {
      try {
        createSpace('mbv2', o)
      } catch (e) {
        return e as ZsnasError
      }
      throw new Error('no error')
    }
    expect(err({ minResolution: 200 }).message).toBe(
      'mbv2 space options: Min resolution (minResolution) must be an integer in 192..320, a multiple of 32, got 200',
    )
    expect(err({ minResolution: 320, maxResolution: 192 }).message).toMatch(/Min resolution \(minResolution\) must not exceed Max resolution \(maxResolution\): 320 > 192/)
    expect(err({ flopsLimt: 1 }).message).toMatch(/no option 'flopsLimt'; expected one of flopsLimit, minResolution, maxResolution/)
    expect(err({ flopsLimit: 0 }).code).toBe('INVALID_OPTION')
    expect(() => createSpace('nb201', { pool: 'x' })).toThrow(/nb201 space options: no option 'pool'; expected no options/)
    expect(() => createSpace('darts', {})).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
  })
})

describe('each space owns its ground-truth lookup', () => {
  it('NB201 opens the NATS-Bench table through its own entry: 15,625 rows, a known accuracy', () => {
    const gt = loadGroundTruth('nb201', sharedPath('nb201', 'nats_bench_tss_test_acc.csv'))
    expect(gt.size).toBe(15625)
    // first data row of the shared CSV
    expect(gt.get('|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|', 'cifar10')).toBeCloseTo(85.86333333333334, 10)
  })

  it('MBv2 has no tabular benchmark: a clear INVALID_OPTION; the listing says which spaces have one', () => {
    expect(() => loadGroundTruth('mbv2', '/tmp/x.csv')).toThrow(/search space 'mbv2' has no benchmark table; tables exist for nb201, nb101/)
    expect(listSpaces().map((s) => [s.id, s.hasGroundTruth])).toEqual([
      ['nb201', true],
      ['nb101', true],
      ['mbv2', false],
    ])
    expect(getSpaceDef('mbv2').options.map((o) => o.key)).toEqual(['flopsLimit', 'minResolution', 'maxResolution'])
  })
})
