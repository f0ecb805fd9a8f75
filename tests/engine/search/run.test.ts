import { describe, expect, it } from 'vitest'
import { createStrategy } from '../../../src/engine/search/registry'
import { runSearch, type SearchEvent } from '../../../src/engine/search/run'
import { ZsnasError } from '../../../src/engine/core/errors'
import { conv3Count, evaluator, nb201 } from './toy'

describe('runSearch events', () => {
  it('emits evaluated per candidate, progress with ETA from the clock, bestChanged on improvement, done at the end', async () => {
    let t = 0
    const now = () => t
    const events: SearchEvent[] = []
    const f = evaluator((a) => [conv3Count(a)])
    const strategy = createStrategy('random', { space: nb201, budget: 10, seed: 3 })
    const out = await runSearch({
      strategy, concurrency: 4, now, onEvent: (e) => events.push(e),
      evaluate: async (cs) => { t += 1000 * cs.length; return f(cs) }, // 1 s per candidate
    })
    expect(out.status).toBe('done')
    const progress = events.filter((e): e is Extract<SearchEvent, { type: 'progress' }> => e.type === 'progress')
    expect(progress.map((p) => p.done)).toEqual([4, 8, 10])
    expect(progress.map((p) => p.etaMs)).toEqual([6000, 2000, 0]) // 1 s/candidate × remaining
    expect(events.filter((e) => e.type === 'evaluated').length).toBe(10)
    // bestChanged events track strictly better-or-tied newer scores; the last one is the final best
    const bc = events.filter((e): e is Extract<SearchEvent, { type: 'bestChanged' }> => e.type === 'bestChanged')
    expect(bc.length).toBeGreaterThan(0)
    expect(bc[bc.length - 1].best).toEqual(out.best)
    const last = events[events.length - 1]
    expect(last).toEqual({ type: 'done', best: out.best, evaluations: 10, cancelled: false })
  })

  it('an already-aborted signal evaluates nothing and reports cancelled', async () => {
    const ctl = new AbortController()
    ctl.abort()
    const events: SearchEvent[] = []
    const strategy = createStrategy('re', { space: nb201, budget: 10, seed: 3 })
    const out = await runSearch({ strategy, signal: ctl.signal, evaluate: evaluator(() => [0]), onEvent: (e) => events.push(e) })
    expect(out.status).toBe('cancelled')
    expect(events).toEqual([{ type: 'done', best: null, evaluations: 0, cancelled: true }])
  })

  it('rejects a bad concurrency', async () => {
    const strategy = createStrategy('random', { space: nb201, budget: 2, seed: 0 })
    await expect(runSearch({ strategy, concurrency: 0, evaluate: evaluator(() => [0]) })).rejects.toThrowError(ZsnasError)
  })
})
