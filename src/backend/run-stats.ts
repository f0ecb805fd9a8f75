/**
 * Headline statistics of one run for lists (History, Compare): the best
 * ground-truth accuracy seen and the Spearman ρ / Kendall τ of the run's own
 * ranking against ground truth — a single proxy's score, or, for a vote
 * (SJW, SPW, a custom vote), the majority vote's ranking (engine
 * `votingRanks`, as `zsnas evaluate` and the run view compute it), never a
 * member's score. Failed rows, rows without ground truth and NaN scores are
 * left out; ±∞ rank as values. ρ/τ are null when fewer than 2 rows qualify,
 * when undefined (constant input), or for a vote above `RANKING_CACHE_LIMIT`
 * rows (O(n²) ranking). Results are memoised per (run, row count, status).
 */
import { kendallTau, spearman } from '../engine/metrics/rank'
import { votingRanks } from '../engine/proxies/voting'
import { RANKING_CACHE_LIMIT } from '../engine/proxies/voting/ranking'
import type { EvaluationRow, RunStats } from '../shared/schemas'
import { decodeScore } from '../shared/score-value'

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null)

/** Pure: statistics of `rows` ranked by `members` (one id = a single proxy; several = a majority vote). */
export function runStats(rows: readonly EvaluationRow[], members: readonly string[], vote: boolean): RunStats {
  let bestAccuracy: number | null = null
  for (const r of rows) if (r.status === 'ok' && r.groundTruth !== null && Number.isFinite(r.groundTruth) && (bestAccuracy === null || r.groundTruth > bestAccuracy)) bestAccuracy = r.groundTruth
  const withTruth = rows.filter((r) => r.status === 'ok' && r.groundTruth !== null && Number.isFinite(r.groundTruth))
  if (vote) {
    if (withTruth.length < 2 || withTruth.length > RANKING_CACHE_LIMIT) return { bestAccuracy, n: withTruth.length, rho: null, tau: null, vote }
    const ranks = votingRanks({ members }, withTruth.map((r) => Object.fromEntries(members.map((m) => [m, decodeScore(r.scores[m])]))))
    const truth = withTruth.map((r) => r.groundTruth as number)
    return { bestAccuracy, n: withTruth.length, rho: finiteOrNull(spearman(Array.from(ranks), truth)), tau: finiteOrNull(kendallTau(Array.from(ranks), truth)), vote }
  }
  const xs: number[] = []
  const ys: number[] = []
  for (const r of withTruth) {
    const s = decodeScore(r.scores[members[0]])
    if (Number.isNaN(s)) continue
    xs.push(s)
    ys.push(r.groundTruth as number)
  }
  if (xs.length < 2) return { bestAccuracy, n: xs.length, rho: null, tau: null, vote }
  return { bestAccuracy, n: xs.length, rho: finiteOrNull(spearman(xs, ys)), tau: finiteOrNull(kendallTau(xs, ys)), vote }
}

/** A memo of `runStats` per run: recomputed only when the run's row count or status changed. */
export function runStatsCache(): (id: string, version: string, compute: () => RunStats) => RunStats {
  const memo = new Map<string, { version: string; stats: RunStats }>()
  return (id, version, compute) => {
    const hit = memo.get(id)
    if (hit && hit.version === version) return hit.stats
    const stats = compute()
    memo.set(id, { version, stats })
    return stats
  }
}
