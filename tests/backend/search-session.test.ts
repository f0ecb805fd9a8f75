/**
 * The search session on its own, with a scripted Scorer (no tfjs, no
 * processes): seeds, group checkpoints, failed records told as −∞, the
 * fatal-error split, cancel discarding in-flight scores, and resume reusing
 * stored records so that only the missing evaluations are scored.
 */
import { describe, expect, it } from 'vitest'
import { ZsnasError } from '../../src/engine/core/errors'
import { createStrategy } from '../../src/engine/search/registry'
import { getSpace } from '../../src/engine/spaces/registry'
import type { ScoreRequest } from '../../src/engine/score/score'
import type { ScoreAttempt, Scorer } from '../../src/backend/scorer'
import { SearchSession, type EvaluationRecord, type SessionCheckpoint, type SessionSink } from '../../src/backend/search-session'
import { evaluationSeed } from '../../src/backend/seeds'

const space = getSpace('nb201')
const RUN_SEED = 11
/** deterministic pseudo-score of (arch, seed) in [0, 1) */
const score = (arch: string, seed: number) => {
  let h = seed >>> 0
  for (let i = 0; i < arch.length; i++) h = Math.imul(h ^ arch.charCodeAt(i), 0x01000193) >>> 0
  return h / 2 ** 32
}

type Fate = (req: ScoreRequest, call: number) => ScoreAttempt | 'hang'
function scripted(fate: Fate = () => ({ ok: true, outcome: null as never, attempts: 1 }), size = 2): Scorer & { calls: ScoreRequest[]; hung: number } {
  const hanging: Array<() => void> = []
  const s = {
    size, calls: [] as ScoreRequest[], hung: 0,
    score(req: ScoreRequest): Promise<ScoreAttempt> {
      const f = fate(req, s.calls.push(req) - 1)
      if (f === 'hang') {
        s.hung++
        return new Promise((r) => hanging.push(() => r({ ok: false, error: { code: 'CANCELLED', message: 'closed' }, attempts: 1 })))
      }
      const ok: ScoreAttempt = { ok: true, attempts: 1, outcome: { arch: req.arch, hash: space.hash(space.fromString(req.arch)), scores: { acor: score(req.arch, req.seed) }, params: 1, flops: 2, seconds: 0, backend: 'fake' } }
      return Promise.resolve(f.ok && f.outcome === null ? ok : f)
    },
    close() {
      hanging.splice(0).forEach((r) => r())
    },
  }
  return s
}

function memorySink(stored: EvaluationRecord[] = []) {
  const records: EvaluationRecord[] = [...stored]
  const checkpoints: { after: number; c: SessionCheckpoint }[] = []
  const sink: SessionSink = {
    stored: (i) => stored.find((r) => r.index === i) ?? null,
    record(rec, c) {
      records.push(rec)
      if (c) checkpoints.push({ after: rec.index, c })
    },
    checkpoint: (c) => checkpoints.push({ after: -1, c }),
  }
  return { sink, records, checkpoints }
}

function session(scorer: Scorer, sink: SessionSink, strategy = createStrategy('re', { space, budget: 10, seed: RUN_SEED, options: { populationSize: 4, tournamentSize: 2, parallelChildren: 2 } })) {
  const s = new SearchSession({
    strategy, hashOf: (a) => space.hash(space.fromString(a)), runSeed: RUN_SEED, scorer, sink,
    request: { space: 'nb201', proxies: ['acor'], dataset: { kind: 'noise', imageSize: 8, numClasses: 10 }, batchSize: 4, init: 'pytorch' },
  })
  return { s, strategy }
}

describe('SearchSession', () => {
  it('scores candidate i with evaluationSeed(runSeed, i), checkpoints after each group, and tells a failure as −∞', async () => {
    const bad = new Set<string>()
    const scorer = scripted((req, call) => {
      if (call === 5) { bad.add(req.arch); return { ok: false, error: { code: 'INVALID_ARCH', message: 'no' }, attempts: 1 } }
      return { ok: true, outcome: null as never, attempts: 1 }
    })
    const { sink, records, checkpoints } = memorySink()
    const { s, strategy } = session(scorer, sink)
    expect(await s.run()).toBe('done')
    expect(scorer.calls.map((c) => c.seed)).toEqual([...Array(10).keys()].map((i) => evaluationSeed(RUN_SEED, i)))
    expect(records.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(10).keys()])
    // population of 4 asked as 2 groups of size max(scorer.size 2, k 2), then 3 groups of 2 children
    expect(checkpoints.map((c) => c.c.told)).toEqual([2, 4, 6, 8, 10])
    const failed = records.find((r) => r.status === 'failed')!
    expect(failed).toMatchObject({ index: 5, scores: {}, error: { code: 'INVALID_ARCH' } })
    expect(bad.has(failed.arch)).toBe(true)
    // never best: the best is the maximal score among the ok records (ties → newer)
    const ok = records.filter((r) => r.status === 'ok' && r.phase === 'search')
    const max = Math.max(...ok.map((r) => r.scores.acor))
    expect(strategy.best()!.candidate.id).toBe(Math.max(...ok.filter((r) => r.scores.acor === max).map((r) => r.index)))
  })

  it('a configuration error stops the session with its typed error', async () => {
    const scorer = scripted((_r, call) => (call === 2 ? { ok: false, error: { code: 'BAD_FORMAT', message: 'not a CIFAR file' }, attempts: 1 } : { ok: true, outcome: null as never, attempts: 1 }))
    const { s } = session(scorer, memorySink().sink)
    const err = await s.run().then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(ZsnasError)
    expect(err).toMatchObject({ code: 'BAD_FORMAT', message: expect.stringMatching(/^evaluation 2 \(.*\): not a CIFAR file$/) })
  })

  it('cancel discards in-flight scores; a resumed session reuses the stored records and ends like an uninterrupted one', async () => {
    const full = memorySink()
    await session(scripted(), full.sink).s.run()
    // first attempt: evaluation 7 hangs until cancelled (6 is scored in the same group)
    const part = memorySink()
    const scorer = scripted((req) => (req.seed === evaluationSeed(RUN_SEED, 7) ? 'hang' : { ok: true, outcome: null as never, attempts: 1 }))
    const a = session(scorer, part.sink)
    const running = a.s.run()
    await new Promise((r) => setTimeout(r, 20))
    expect(scorer.hung).toBe(1)
    a.s.cancel()
    expect(await running).toBe('cancelled')
    expect(part.records.map((r) => r.index).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6])
    const last = part.checkpoints.at(-1)!.c
    expect(last.told).toBe(6) // the unfinished group (6, 7) is not checkpointed
    // resume: restore the checkpoint, the sink offers the stored record of 6 → only 7, 8, 9 are scored
    const again = scripted()
    const restored = createStrategy('re', { space, budget: 10, seed: RUN_SEED, options: { populationSize: 4, tournamentSize: 2, parallelChildren: 2 } })
    restored.restore(last.state)
    const resumedSink = memorySink(part.records)
    expect(await session(again, resumedSink.sink, restored).s.run()).toBe('done')
    expect(again.calls.map((c) => c.seed)).toEqual([7, 8, 9].map((i) => evaluationSeed(RUN_SEED, i)))
    const byIndex = (rs: EvaluationRecord[]) => [...rs].sort((x, y) => x.index - y.index)
    expect(byIndex(resumedSink.records)).toEqual(byIndex(full.records))
    expect(restored.best()!.candidate.id).toBe(full.checkpoints.at(-1)!.c.bestIndex)
  })
})
