import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/engine/core/rng'
import { CliUsageError } from '../../src/cli/args'
import { spaceFromFlags } from '../../src/cli/space-flags'
import { getSpace } from '../../src/engine/spaces/registry'
import { mbv2Flops } from '../../src/engine/spaces/mbv2/space'
import type { Mbv2Arch } from '../../src/engine/spaces/mbv2/arch'

const draws = (s: ReturnType<typeof getSpace>, n = 6) => {
  const rng = new Rng(2)
  return Array.from({ length: n }, () => s.toString(s.sample(rng)))
}

describe('zsnas search space flags → the space registry', () => {
  it('no flags = the space with its declared defaults', () => {
    expect(draws(spaceFromFlags('mbv2', {}).space)).toEqual(draws(getSpace('mbv2')))
    expect(spaceFromFlags('nb201', {}).options).toEqual({})
  })

  it('--flops-limit 300 --resolutions 224-224 constrain MBv2 samples', () => {
    const { space, options } = spaceFromFlags('mbv2', { flopsLimit: '300', resolutions: '224-224' })
    expect(options).toEqual({ flopsLimit: 300e6, minResolution: 224, maxResolution: 224 })
    const rng = new Rng(3)
    for (let i = 0; i < 10; i++) {
      const a = space.sample(rng) as Mbv2Arch
      expect(a.resolution).toBe(224)
      expect(mbv2Flops(a)).toBeLessThanOrEqual(300e6)
    }
  })

  it('flags a space does not declare, and bad values, are refused with the declaration\'s message', () => {
    expect(() => spaceFromFlags('nb201', { flopsLimit: '300' })).toThrow(CliUsageError)
    expect(() => spaceFromFlags('nb201', { flopsLimit: '300' })).toThrow("--flops-limit only applies to --space mbv2 (option 'flopsLimit'), not nb201")
    expect(() => spaceFromFlags('mbv2', { pool: 'x.csv' })).toThrow(/--pool only applies to --space nb101 \(option 'pool'\), not mbv2/)
    expect(() => spaceFromFlags('mbv2', { resolutions: '200-320' })).toThrow(
      'mbv2 space options: Min resolution (minResolution) must be an integer in 192..320, a multiple of 32, got 200',
    )
    expect(() => spaceFromFlags('mbv2', { resolutions: '320-192' })).toThrow(/must not exceed Max resolution/)
    expect(() => spaceFromFlags('mbv2', { resolutions: '192' })).toThrow(/--resolutions must look like 192-320/)
  })
})
