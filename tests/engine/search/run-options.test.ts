import { describe, expect, it } from 'vitest'
import { checkRunOptions } from '../../../src/engine/search/run-options'

describe('checkRunOptions: every option bag of a run against the registries, before it starts', () => {
  it('fills declared defaults for space, strategy and each member proxy', () => {
    const r = checkRunOptions({ space: 'mbv2', strategy: 're', proxies: ['wrcor', 'zico'], strategyOptions: { populationSize: 16 } })
    expect(r.spaceOptions).toEqual({ flopsLimit: 600e6, minResolution: 192, maxResolution: 320 })
    expect(r.strategyOptions).toEqual({ populationSize: 16, tournamentSize: 10, parallelChildren: 1, budgetMode: 'paper' })
    expect(r.proxyOptions).toEqual({ wrcor: { weighting: 'exp' }, zico: { batches: 2 } })
  })

  it('refuses a bad value, an undeclared key or an unknown id with a message naming it', () => {
    expect(() => checkRunOptions({ space: 'nb201', strategy: 'random', proxies: ['zico'], proxyOptions: { zico: { batches: 1 } } })).toThrow(
      'zico options: ZiCo batches (batches) must be an integer ≥ 2, got 1',
    )
    expect(() => checkRunOptions({ space: 'nb201', strategy: 'random', proxies: ['wrcor'], proxyOptions: { wrcr: {} } })).toThrow(/proxyOptions names unknown proxy 'wrcr'/)
    expect(() => checkRunOptions({ space: 'nb201', strategy: 'rl', proxies: ['wrcor'], strategyOptions: { warmUp: 5 } })).toThrow(/rl strategy options: no option 'warmUp'; expected one of warmup, lr, emaMomentum/)
    expect(() => checkRunOptions({ space: 'mbv2', strategy: 'random', proxies: ['wrcor'], spaceOptions: { maxResolution: 336 } })).toThrow(/mbv2 space options: Max resolution/)
    expect(() => checkRunOptions({ space: 'nb201', strategy: 'bo', proxies: ['wrcor'] })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
  })
})
