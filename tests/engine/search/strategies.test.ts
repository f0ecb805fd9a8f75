import { describe, expect, it } from 'vitest'
import { ZsnasError } from '../../../src/engine/core/errors'
import type { SearchSpace } from '../../../src/engine/core/space'
import { createStrategy, listStrategies } from '../../../src/engine/search/registry'
import { runSearch, type SearchEvent } from '../../../src/engine/search/run'
import { Reinforce } from '../../../src/engine/search/rl'
import { nb101Space } from '../../../src/engine/spaces/nb101/space'
import { mbv2Flops, mbv2Space } from '../../../src/engine/spaces/mbv2/space'
import type { Mbv2Arch } from '../../../src/engine/spaces/mbv2/arch'
import { conv3Count, evaluator, nb201, toyVote } from './toy'

const single = evaluator((a) => [conv3Count(a)])

async function run(id: string, budget: number, seed: number, concurrency = 1, options?: Record<string, unknown>, f = single) {
  const strategy = createStrategy(id, { space: nb201, budget, seed, options })
  const events: SearchEvent[] = []
  await runSearch({ strategy, evaluate: f, concurrency, onEvent: (e) => events.push(e) })
  const evaluated = events.filter((e): e is Extract<SearchEvent, { type: 'evaluated' }> => e.type === 'evaluated')
  return { strategy, events, evaluated }
}

describe('strategy registry', () => {
  it('lists random, rl, re and rejects unknown ids', () => {
    expect(listStrategies().map((s) => s.id)).toEqual(['random', 'rl', 're'])
    expect(() => createStrategy('bo', { space: nb201, budget: 1, seed: 0 })).toThrowError(/random, rl, re/)
    expect(() => createStrategy('re', { space: nb201, budget: 0, seed: 0 })).toThrowError(ZsnasError)
    expect(() => createStrategy('re', { space: nb201, budget: 5, seed: 0, options: { budgetMode: 'both' } })).toThrowError(/budgetMode/)
    expect(() => createStrategy('rl', { space: nb201, budget: 5, seed: 0, options: { warmup: -1 } })).toThrowError(/warmup/)
  })
})

describe('declared strategy options (what menus and the CLI help show)', () => {
  it('each declared default is what the strategy does without the option, and each option is read', async () => {
    const trace = async (id: string, options: Record<string, unknown>) => {
      const r = await run(id, 120, 5, 1, options) // past RE's initial population of 64 and RL's 100 warm-up samples
      return { archs: r.evaluated.map((e) => e.candidate.arch), best: r.strategy.best()!.candidate.id, total: r.strategy.total() }
    }
    for (const s of listStrategies()) {
      const none = await trace(s.id, {})
      const defaults = Object.fromEntries(s.options.map((o) => [o.key, o.default]))
      expect(await trace(s.id, defaults)).toEqual(none)
      for (const o of s.options) {
        const other =
          o.type === 'enum' ? o.choices!.find((c) => c.value !== o.default)!.value
          : o.key === 'emaMomentum' ? 0.5
          : o.type === 'int' ? (o.default as number) + 1
          : (o.default as number) * 10
        expect(await trace(s.id, { [o.key]: other }), `${s.id}.${o.key} = ${String(other)}`).not.toEqual(none)
      }
    }
    expect(listStrategies().find((s) => s.id === 're')!.options.map((o) => o.key)).toEqual(['populationSize', 'tournamentSize', 'parallelChildren', 'budgetMode'])
    expect(listStrategies().find((s) => s.id === 'rl')!.options.map((o) => o.key)).toEqual(['warmup', 'lr', 'emaMomentum'])
  })
})

describe('known-optimum toy proxy (#nor_conv_3x3 edges on NB201, optimum 6)', () => {
  it('RE finds the optimum within N = 300 (3 seeds) and best = max of everything evaluated', async () => {
    for (const seed of [1, 2, 3]) {
      const { strategy, evaluated } = await run('re', 300, seed, 4)
      expect(strategy.best()!.scores[0]).toBe(6)
      expect(strategy.best()!.candidate.arch).toBe('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|')
      expect(evaluated.length).toBe(300)
    }
  })

  it('RL finds the optimum within N = 2000 and its policy concentrates on conv3x3', async () => {
    for (const seed of [1, 2, 3]) {
      const { strategy } = await run('rl', 2000, seed, 8)
      expect(strategy.best()!.scores[0]).toBe(6)
      const probs = (strategy as Reinforce).policyProbs()
      for (const p of probs) expect(p[3]).toBeGreaterThan(0.35) // started at 0.2
    }
  })

  it('random search with a large enough budget finds the optimum of an easier toy (2 edges, 1/25 of cells)', async () => {
    const f = evaluator((a) => [nb201.toDecisions(nb201.fromString(a)).slice(0, 2).filter((o) => o === 3).length])
    const { strategy, evaluated } = await run('random', 500, 4, 16, undefined, f)
    expect(strategy.best()!.scores[0]).toBe(2)
    expect(evaluated.length).toBe(500)
  })

  it('RE beats random search on average at equal budget (the evolution is doing work)', async () => {
    let re = 0, rnd = 0
    for (const seed of [11, 12, 13, 14]) {
      re += (await run('re', 150, seed, 4)).strategy.best()!.scores[0]
      rnd += (await run('random', 150, seed, 4)).strategy.best()!.scores[0]
    }
    expect(re).toBeGreaterThan(rnd)
  })
})

describe('budgets and batching', () => {
  it('RE: paper mode evaluates N in total, reference mode N + P; batches ≤ max during the population, then 1', async () => {
    const paper = await run('re', 100, 1, 16, { populationSize: 20 })
    expect(paper.evaluated.length).toBe(100)
    const ref = await run('re', 100, 1, 16, { populationSize: 20, budgetMode: 'reference' })
    expect(ref.evaluated.length).toBe(120)
    const s = createStrategy('re', { space: nb201, budget: 30, seed: 1, options: { populationSize: 20 } })
    const sizes: number[] = []
    while (!s.done()) {
      const b = s.ask(8)
      sizes.push(b.length)
      s.tell(b.map((c) => ({ id: c.id, scores: [conv3Count(c.arch)] })))
    }
    expect(sizes).toEqual([8, 8, 4, ...new Array(10).fill(1)])
  })

  it('RL: 100 warm-up evaluations first (not counted, never best), then one at a time', async () => {
    const { strategy, evaluated } = await run('rl', 20, 5, 32)
    expect(evaluated.length).toBe(120)
    expect(evaluated.slice(0, 100).every((e) => e.candidate.phase === 'warmup')).toBe(true)
    expect(evaluated.slice(100).every((e) => e.candidate.phase === 'search')).toBe(true)
    expect(strategy.best()!.candidate.phase).toBe('search')
    expect(strategy.total()).toBe(120)
    const n = (strategy as Reinforce).normalisation()!
    const w = evaluated.slice(0, 100).map((e) => e.scores[0])
    const mean = w.reduce((a, b) => a + b, 0) / 100
    expect(n.mu[0]).toBeCloseTo(mean, 12)
    expect(n.sigma[0]).toBeCloseTo(Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 100), 12)
  })

  it('RL skips updates for NaN rewards (policy unchanged) and still tracks best', async () => {
    const s = createStrategy('rl', { space: nb201, budget: 5, seed: 2, options: { warmup: 4 } }) as Reinforce
    const b = s.ask(4)
    s.tell(b.map((c, i) => ({ id: c.id, scores: [i] })))
    const before = JSON.stringify(s.policyProbs())
    const c = s.ask(1)
    s.tell([{ id: c[0].id, scores: [NaN] }])
    expect(JSON.stringify(s.policyProbs())).toBe(before)
    // first finite reward: the bias-corrected baseline updated BEFORE the advantage equals r ⇒ A = 0, no move
    const d = s.ask(1)
    s.tell([{ id: d[0].id, scores: [10] }])
    expect(JSON.stringify(s.policyProbs())).toBe(before)
    const e = s.ask(1)
    s.tell([{ id: e[0].id, scores: [20] }])
    expect(JSON.stringify(s.policyProbs())).not.toBe(before)
    expect(s.best()!.candidate.id).toBe(e[0].id)
  })

  it('tell() enforces the protocol', () => {
    const s = createStrategy('random', { space: nb201, budget: 5, seed: 1 })
    const b = s.ask(2)
    expect(() => s.tell([{ id: b[0].id, scores: [1] }])).toThrowError(/2 outstanding/)
    expect(() => s.tell([{ id: b[1].id, scores: [1] }, { id: b[0].id, scores: [1] }])).toThrowError(/ask order/)
    expect(s.ask(3)).toEqual(b) // re-issued while outstanding
  })

  it('ties go to the newer architecture (constant proxy ⇒ best = last evaluated)', async () => {
    const { strategy, evaluated } = await run('random', 40, 9, 7, undefined, evaluator(() => [1]))
    expect(strategy.best()!.candidate.id).toBe(evaluated[evaluated.length - 1].candidate.id)
  })
})

describe('resume equals uninterrupted', () => {
  for (const [id, budget, options] of [
    ['random', 60, undefined],
    ['re', 90, { populationSize: 16, tournamentSize: 5 }],
    ['rl', 60, { warmup: 12 }],
  ] as const) {
    it(`${id}: abort mid-run, checkpoint through JSON, restore, finish → same sequence and best`, async () => {
      const f = evaluator(toyVote)
      const full = await run(id, budget, 42, 1, options as Record<string, unknown> | undefined, f)
      const ctl = new AbortController()
      const s1 = createStrategy(id, { space: nb201, budget, seed: 42, options: options as Record<string, unknown> | undefined })
      const seq: string[] = []
      const out1 = await runSearch({
        strategy: s1, evaluate: f, concurrency: 3, signal: ctl.signal,
        onEvent: (e) => { if (e.type === 'evaluated') { seq.push(e.candidate.arch); if (seq.length >= 37) ctl.abort() } },
      })
      expect(out1.status).toBe('cancelled')
      expect(seq.length).toBeLessThan(full.evaluated.length)
      const state = JSON.parse(JSON.stringify(out1.checkpoint))
      const s2 = createStrategy(id, { space: nb201, budget, seed: 42, options: options as Record<string, unknown> | undefined })
      s2.restore(state)
      const out2 = await runSearch({ strategy: s2, evaluate: f, concurrency: 2, onEvent: (e) => { if (e.type === 'evaluated') seq.push(e.candidate.arch) } })
      expect(out2.status).toBe('done')
      expect(seq).toEqual(full.evaluated.map((e) => e.candidate.arch))
      expect(out2.best).toEqual(full.strategy.best())
      expect(out2.checkpoint).toEqual(full.strategy.checkpoint())
    })
  }

  it('a checkpoint taken with candidates outstanding re-issues them after restore', () => {
    const s = createStrategy('re', { space: nb201, budget: 10, seed: 3, options: { populationSize: 4 } })
    const b = s.ask(3)
    const s2 = createStrategy('re', { space: nb201, budget: 10, seed: 3, options: { populationSize: 4 } })
    s2.restore(JSON.parse(JSON.stringify(s.checkpoint())))
    expect(s2.ask(1)).toEqual(b)
    expect(() => s2.restore({ ...s.checkpoint(), seed: 4 })).toThrowError(/seed/)
    expect(() => s2.restore({ ...s.checkpoint(), strategy: 'rl' })).toThrowError(ZsnasError)
  })
})

describe('RE with parallel children (asynchronous variant)', () => {
  const opts = (k: number) => ({ populationSize: 16, tournamentSize: 5, parallelChildren: k })
  const archs = (r: Awaited<ReturnType<typeof run>>) => r.evaluated.map((e) => e.candidate.arch)

  it('k = 1 is the default sequential algorithm; k > 1 gives the same run whatever the worker count', async () => {
    const f = evaluator(toyVote)
    expect(archs(await run('re', 80, 5, 1, opts(1), f))).toEqual(archs(await run('re', 80, 5, 1, { populationSize: 16, tournamentSize: 5 }, f)))
    for (const k of [2, 3]) {
      const ref = await run('re', 80, 5, 1, opts(k), f)
      expect(ref.evaluated.length).toBe(80)
      for (const c of [2, 3, 5]) {
        const other = await run('re', 80, 5, c, opts(k), f)
        expect(archs(other)).toEqual(archs(ref))
        expect(other.strategy.checkpoint()).toEqual(ref.strategy.checkpoint())
      }
    }
    expect(archs(await run('re', 80, 5, 2, opts(2), f))).not.toEqual(archs(await run('re', 80, 5, 2, opts(1), f)))
    expect(() => createStrategy('re', { space: nb201, budget: 5, seed: 0, options: { parallelChildren: 0 } })).toThrowError(/parallelChildren/)
    // the group size callers use to queue a whole group on a worker pool
    expect(createStrategy('re', { space: nb201, budget: 5, seed: 0, options: opts(6) }).groupSize?.()).toBe(6)
    expect(createStrategy('re', { space: nb201, budget: 5, seed: 0 }).groupSize?.()).toBe(1)
    expect(createStrategy('random', { space: nb201, budget: 5, seed: 0 }).groupSize?.() ?? 1).toBe(1)
  })

  it('every child of a group mutates (one edge) a member of the population as it was before the group', async () => {
    const P = 16
    const k = 3
    const { evaluated } = await run('re', 100, 8, 2, opts(k), evaluator(toyVote))
    const seq = evaluated.map((e) => nb201.toDecisions(nb201.fromString(e.candidate.arch)))
    const dist = (a: number[], b: number[]) => a.reduce((n, v, i) => n + (v === b[i] ? 0 : 1), 0)
    for (let g = P; g < seq.length; g += k) {
      const population = seq.slice(g - P, g) // aging: the P newest before the group
      for (let j = g; j < Math.min(g + k, seq.length); j++) {
        expect(population.some((m) => dist(m, seq[j]) === 1)).toBe(true)
      }
    }
    // one group holding every child: all are one mutation away from the initial population
    const one = await run('re', 40, 8, 4, { populationSize: P, tournamentSize: 5, parallelChildren: 24 }, evaluator(toyVote))
    const s1 = one.evaluated.map((e) => nb201.toDecisions(nb201.fromString(e.candidate.arch)))
    for (const c of s1.slice(P)) expect(s1.slice(0, P).some((m) => dist(m, c) === 1)).toBe(true)
  })

  it('finds the toy optimum and resumes mid-group to the uninterrupted result', async () => {
    const best = await run('re', 300, 2, 2, { parallelChildren: 2 })
    expect(best.strategy.best()!.scores[0]).toBe(6)
    const f = evaluator(toyVote)
    const full = await run('re', 90, 42, 1, opts(3), f)
    const ctl = new AbortController()
    const s1 = createStrategy('re', { space: nb201, budget: 90, seed: 42, options: opts(3) })
    const seq: string[] = []
    const out1 = await runSearch({
      strategy: s1, evaluate: f, concurrency: 1, signal: ctl.signal,
      onEvent: (e) => { if (e.type === 'evaluated') { seq.push(e.candidate.arch); if (seq.length === 17) ctl.abort() } },
    })
    // stopped after the first child of the first group: two siblings are queued in the checkpoint
    expect((out1.checkpoint.data as { queued: unknown[] }).queued.length).toBe(2)
    const s2 = createStrategy('re', { space: nb201, budget: 90, seed: 42, options: opts(3) })
    s2.restore(JSON.parse(JSON.stringify(out1.checkpoint)))
    await runSearch({ strategy: s2, evaluate: f, concurrency: 3, onEvent: (e) => { if (e.type === 'evaluated') seq.push(e.candidate.arch) } })
    expect(seq).toEqual(archs(full))
    expect(s2.best()).toEqual(full.strategy.best())
  })
})

describe('strategies on NB101 and MobileNetV2', () => {
  it('RE on NB101: mutation never grows cells (reference), and RE reaches the toy optimum reachable from its population', async () => {
    // Toy: number of conv3x3 vertices. The reference mutation edits the PRUNED parent, so a child
    // never has more vertices than its parent; with V0 = the largest initial cell, the reachable
    // optimum is V0 − 2 (all interior vertices conv3x3).
    const sp = nb101Space as SearchSpace<unknown>
    const f = evaluator((a) => [nb101Space.fromString(a).ops.filter((o) => o === 'conv3x3-bn-relu').length])
    for (const seed of [1, 2]) {
      const re = createStrategy('re', { space: sp, budget: 600, seed })
      const sizes: number[] = []
      await runSearch({ strategy: re, evaluate: f, concurrency: 8, onEvent: (e) => { if (e.type === 'evaluated') sizes.push(nb101Space.fromString(e.candidate.arch).matrix.length) } })
      const v0 = Math.max(...sizes.slice(0, 64))
      expect(Math.max(...sizes)).toBe(v0)
      if (v0 <= 6) expect(re.best()!.scores[0]).toBe(v0 - 2)
    }
  })

  it('RL on NB101 proposes only valid (pruned, canonical) cells', async () => {
    const sp = nb101Space as SearchSpace<unknown>
    const f = evaluator((a) => [nb101Space.fromString(a).ops.filter((o) => o === 'conv3x3-bn-relu').length])
    const rl = createStrategy('rl', { space: sp, budget: 50, seed: 1, options: { warmup: 10 } })
    const archs: string[] = []
    await runSearch({ strategy: rl, evaluate: f, onEvent: (e) => { if (e.type === 'evaluated') archs.push(e.candidate.arch) } })
    expect(archs.length).toBe(60)
    for (const a of archs) expect(nb101Space.toString(nb101Space.fromString(a))).toBe(a)
  })

  it('every MBv2 candidate of RE and RL is under 600 M FLOPs with exactly 4 stride-2 stages', async () => {
    const sp = mbv2Space as SearchSpace<unknown>
    const f = evaluator((a) => [mbv2Space.fromString(a).resolution])
    for (const id of ['re', 'rl']) {
      const s = createStrategy(id, { space: sp, budget: 40, seed: 2, options: id === 're' ? { populationSize: 10 } : { warmup: 10 } })
      const archs: Mbv2Arch[] = []
      await runSearch({ strategy: s, evaluate: f, concurrency: 4, onEvent: (e) => { if (e.type === 'evaluated') archs.push(mbv2Space.fromString(e.candidate.arch)) } })
      expect(archs.length).toBe(id === 're' ? 40 : 50)
      for (const a of archs) {
        expect(mbv2Flops(a)).toBeLessThanOrEqual(600e6)
        expect(a.stages.filter((x) => x.s === 2).length).toBe(4)
      }
    }
  })
})
