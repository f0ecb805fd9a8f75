/**
 * Adapter from a worker job to the engine's `scoreArchitecture`
 * (src/engine/score/score.ts). Scores keep their value on the wire (NaN and
 * ±∞ as strings, src/shared/score-value.ts); non-finite params/FLOPs become null.
 */
import { finiteOrNull, type Scorer } from './worker-loop'
import { encodeScore, type WireScore } from '../shared/score-value'
import type { ScoreOutcome } from './protocol'

export const engineScorer: Scorer = async (job) => {
  const { scoreArchitecture } = await import('../engine/score/score')
  const r = await scoreArchitecture({
    space: job.space,
    arch: job.arch,
    proxies: job.proxies,
    dataset: job.dataset,
    batchSize: job.batchSize,
    seed: job.seed,
    init: job.init,
    proxyOptions: job.proxyOptions,
  } as Parameters<typeof scoreArchitecture>[0])
  const scores: Record<string, WireScore> = {}
  for (const [k, v] of Object.entries(r.scores)) scores[k] = encodeScore(v)
  const out: ScoreOutcome = {
    arch: r.arch,
    hash: r.hash,
    scores,
    params: finiteOrNull(r.params),
    flops: finiteOrNull(r.flops),
    seconds: r.seconds,
    backend: String(r.backend),
  }
  return out
}
