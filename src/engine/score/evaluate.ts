import type { DatasetSpec, GroundTruth } from '../core/data'
import type { InitScheme } from '../core/network'
import { Rng } from '../core/rng'
import { ZsnasError } from '../core/errors'
import { spearman, kendallTau, topKPrecision } from '../metrics'
import { fnv1a, getProxy, type ProxyMode } from '../proxies'
import { expandProxyIds, getVotingProxy, votingRanks, type VotingRankMethod } from '../proxies/voting'
import { scoreArchitecture, type ScoreRequest, type ScoreResult } from './score'
import { getSpace } from '../spaces/registry'

/**
 * Which architectures to evaluate. Positions refer to `groundTruth.keys()`
 * (for NB201 the table order = the official benchmark index).
 * - random (default): `count` distinct rows drawn with `seed`;
 * - indices: exactly these rows, in this order;
 * - paper: rows 0..999 (the paper's "1000 random architectures" are the
 *   first 1000 benchmark indices — reference §7).
 */
export type EvaluationSample =
  | { kind: 'random'; count: number; seed: number }
  | { kind: 'indices'; indices: number[] }
  | { kind: 'paper' }

export interface EvaluateProgress {
  done: number
  total: number
  arch: string
  elapsedSeconds: number
  /** remaining time at the mean rate so far */
  etaSeconds: number
}

export interface EvaluateRequest {
  space: string
  sample: EvaluationSample
  proxies: string[]
  dataset: DatasetSpec
  groundTruth: GroundTruth
  /** ground-truth metric (one of `groundTruth.metrics`), e.g. 'cifar10' */
  metric: string
  /** base scoring seed; architecture a is scored with seed (seed ⊕ fnv1a(hash(a))) */
  seed: number
  batchSize?: number
  init?: InitScheme
  mode?: ProxyMode
  proxyOptions?: Record<string, unknown>
  /**
   * How a voting proxy's rows are ranked (proxies/voting/ranking.ts):
   * 'scc-copeland' (default, independent of row order) or 'sort' (the
   * reference's `hard_vote`: positions after sorting with the comparator in
   * the sample's order — benchmark index order for `{ kind: 'paper' }`).
   */
  voteRanking?: VotingRankMethod
  onProgress?(p: EvaluateProgress): void
  /** scoring function (default: in-process `scoreArchitecture`; a worker pool can be injected) */
  scorer?(req: ScoreRequest): Promise<ScoreResult>
  signal?: AbortSignal
}

export interface EvaluatedArch {
  /** position in the ground-truth table (NB201: benchmark index) */
  index: number
  arch: string
  accuracy: number
  scores: Record<string, number>
  seconds: number
  /** seconds per scoring stage of this architecture (ScoreResult.timings: 'responses' = shared ReLU pass, standalone proxy ids, …) */
  timings?: Record<string, number>
}

export interface ProxyEvaluation {
  /** Spearman ρ (signed; the paper reports |ρ|), NaN pairs dropped, −∞ ranked lowest */
  spearman: number
  /** Kendall τ-b, same pair policy */
  kendall: number
  /** fraction of the proxy's top 10% that is in the ground truth's top 10% */
  top10Precision: number
  /** pairs used (non-NaN) */
  n: number
  /** scores that were ±Infinity (kept) or NaN (dropped) */
  nonFinite: number
}

export interface EvaluateResult {
  metric: string
  rows: EvaluatedArch[]
  stats: Record<string, ProxyEvaluation>
  seconds: number
}

/** Rows of the ground-truth table chosen by `sample` (validated). */
export function chooseRows(sample: EvaluationSample, tableSize: number): number[] {
  switch (sample.kind) {
    case 'random': {
      if (!Number.isInteger(sample.count) || sample.count < 2 || sample.count > tableSize) {
        throw new ZsnasError('INVALID_OPTION', `sample count must be an integer in 2..${tableSize}, got ${sample.count}`)
      }
      const all = Array.from({ length: tableSize }, (_, i) => i)
      return new Rng(sample.seed >>> 0).sample(all, sample.count)
    }
    case 'indices': {
      for (const i of sample.indices) {
        if (!Number.isInteger(i) || i < 0 || i >= tableSize) {
          throw new ZsnasError('INVALID_OPTION', `index ${i} is outside the table (0..${tableSize - 1})`)
        }
      }
      if (new Set(sample.indices).size !== sample.indices.length) throw new ZsnasError('INVALID_OPTION', 'indices repeat')
      if (sample.indices.length < 2) throw new ZsnasError('INVALID_OPTION', 'need at least 2 indices')
      return sample.indices.slice()
    }
    case 'paper':
      if (tableSize < 1000) throw new ZsnasError('INVALID_OPTION', `the paper protocol needs ≥ 1000 table rows, the table has ${tableSize}`)
      return Array.from({ length: 1000 }, (_, i) => i)
    default:
      throw new ZsnasError('INVALID_OPTION', `unknown sample kind '${(sample as { kind: string }).kind}'`)
  }
}

/** ρ, τ and top-10% precision of each proxy's scores against the accuracies. */
export function summarize(rows: readonly EvaluatedArch[], proxies: readonly string[]): Record<string, ProxyEvaluation> {
  const acc = rows.map((r) => r.accuracy)
  const out: Record<string, ProxyEvaluation> = {}
  for (const p of proxies) {
    const s = rows.map((r) => r.scores[p])
    out[p] = {
      spearman: spearman(s, acc),
      kendall: kendallTau(s, acc),
      top10Precision: topKPrecision(s, acc, 10),
      n: s.filter((v) => !Number.isNaN(v)).length,
      nonFinite: s.filter((v) => !Number.isFinite(v)).length,
    }
  }
  return out
}

/**
 * Proxy evaluation: scores the chosen architectures one by one and reports
 * Spearman ρ, Kendall τ and top-10% precision per proxy against
 * `groundTruth.get(hash, metric)`. Everything is validated before the first
 * (expensive) score: proxy ids, metric, sample. Progress is reported after
 * each architecture. A failed score (NaN) is kept in the rows and dropped
 * from the statistics; errors a user can cause abort with a ZsnasError.
 */
export async function evaluateProxies(req: EvaluateRequest): Promise<EvaluateResult> {
  const t0 = performance.now()
  const space = getSpace(req.space)
  // voting proxies (SJW, SPW, ZeroCost) are computed from their members' scores
  for (const id of req.proxies) if (getVotingProxy(id) === undefined) getProxy(id)
  if (req.proxies.length === 0) throw new ZsnasError('INVALID_OPTION', 'no proxies requested')
  const plain = expandProxyIds(req.proxies)
  const gt = req.groundTruth
  if (!gt.metrics.includes(req.metric)) {
    throw new ZsnasError('INVALID_OPTION', `ground truth has no metric '${req.metric}'; available: ${gt.metrics.join(', ')}`)
  }
  if (gt.space !== req.space) {
    throw new ZsnasError('INVALID_OPTION', `ground truth is for space '${gt.space}', not '${req.space}'`)
  }
  if (req.voteRanking !== undefined && req.voteRanking !== 'scc-copeland' && req.voteRanking !== 'sort') {
    throw new ZsnasError('INVALID_OPTION', `voteRanking must be 'scc-copeland' or 'sort', got '${String(req.voteRanking)}'`)
  }
  const keys = gt.keys()
  const chosen = chooseRows(req.sample, keys.length)
  const scorer = req.scorer ?? scoreArchitecture
  const rows: EvaluatedArch[] = []
  for (const index of chosen) {
    if (req.signal?.aborted) throw new ZsnasError('CANCELLED', 'evaluation cancelled')
    const arch = space.fromString(keys[index])
    const hash = space.hash(arch)
    const accuracy = gt.get(keys[index], req.metric) ?? NaN
    const r = await scorer({
      space: req.space,
      arch: space.toString(arch),
      proxies: plain,
      dataset: req.dataset,
      batchSize: req.batchSize ?? 64,
      seed: ((req.seed >>> 0) ^ fnv1a(hash)) >>> 0,
      init: req.init ?? 'pytorch',
      mode: req.mode,
      proxyOptions: req.proxyOptions,
    })
    rows.push({ index, arch: r.arch, accuracy, scores: r.scores, seconds: r.seconds, timings: r.timings })
    const elapsed = (performance.now() - t0) / 1000
    req.onProgress?.({
      done: rows.length,
      total: chosen.length,
      arch: r.arch,
      elapsedSeconds: elapsed,
      etaSeconds: (elapsed / rows.length) * (chosen.length - rows.length),
    })
  }
  // a voting proxy's score = its position in the comparator-derived ranking of all rows (proxies/voting/ranking.ts)
  for (const id of req.proxies) {
    const v = getVotingProxy(id)
    if (v === undefined) continue
    const pos = votingRanks(v, rows.map((r) => r.scores), req.voteRanking ?? 'scc-copeland')
    rows.forEach((r, i) => (r.scores[id] = pos[i]))
  }
  return { metric: req.metric, rows, stats: summarize(rows, req.proxies), seconds: (performance.now() - t0) / 1000 }
}
