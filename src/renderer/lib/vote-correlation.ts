/**
 * Spearman ρ / Kendall τ of a majority-vote proxy (SJW, SPW, a custom vote)
 * against ground truth, as `zsnas evaluate` computes them: the rows with
 * ground truth are ranked by the vote itself (engine `votingRanks`: the
 * reference majority comparator over the members' scores, order-independent
 * SCC–Copeland ranking), and that ranking is correlated with the accuracies.
 * A member's −∞ loses to every finite score; a NaN, missing or legacy-null
 * member score counts as neither higher nor lower (comparator semantics).
 * Rows that failed are left out.
 */
import type { EvaluationRow } from '../../shared/schemas'
import { scoreOf } from './score'
import { kendallTau, spearman } from '../../engine/metrics/rank'
import { votingRanks } from '../../engine/proxies/voting'
import { RANKING_CACHE_LIMIT } from '../../engine/proxies/voting/ranking'
import type { Correlation } from './chartOptions'

export function voteTruthCorrelation(rows: readonly EvaluationRow[], members: readonly string[]): Correlation {
  const kept = rows.filter((r) => r.status === 'ok' && r.groundTruth !== null && r.groundTruth !== undefined && Number.isFinite(r.groundTruth))
  if (kept.length < 2 || members.length === 0) return { n: kept.length, rho: NaN, tau: NaN }
  const ranks = votingRanks({ members }, kept.map((r) => Object.fromEntries(members.map((m) => [m, scoreOf(r, m)]))))
  const truth = kept.map((r) => r.groundTruth as number)
  return { n: kept.length, rho: spearman(ranks, truth), tau: kendallTau(ranks, truth) }
}

/** Above this many rows the vote ranking is not computed in the UI (O(n²) comparisons without a cache: seconds on the main thread). */
export const VOTE_RANK_LIMIT = RANKING_CACHE_LIMIT

/** Recompute once the rows grew by this factor since the last computation (amortised O(n²) while a run streams rows). */
const REGROW = 1.1

/**
 * A memo for a live view: returns the vote's correlation, recomputed only
 * when `key` (run and members) changed, the rows shrank, they grew by ≥ 10 %
 * since the last computation, or `final` (the run stopped) and the rows
 * changed; otherwise the previous value. null above `VOTE_RANK_LIMIT` rows.
 * Over a streaming run the total work is a small multiple of one final
 * computation, instead of one O(n²) ranking per update.
 */
export function voteCorrelationTracker(): (key: string, rows: readonly EvaluationRow[], members: readonly string[], final: boolean) => Correlation | null {
  let lastKey: string | null = null
  let lastLen = 0
  let last: Correlation | null = null
  return (key, rows, members, final) => {
    const n = rows.length
    if (n > VOTE_RANK_LIMIT) return null
    const stale = key !== lastKey || last === null || n < lastLen || n >= lastLen * REGROW || (final && n !== lastLen)
    if (stale) {
      last = voteTruthCorrelation(rows, members)
      lastKey = key
      lastLen = n
    }
    return last
  }
}
