/**
 * Spearman ρ / Kendall τ of a majority-vote proxy (SJW, SPW, a custom vote)
 * against ground truth, as `zsnas evaluate` computes them: the rows with
 * ground truth are ranked by the vote itself (the reference majority
 * comparator over the members' scores, order-independent SCC–Copeland
 * ranking, engine `comparatorRanking`), and that ranking is correlated with
 * the accuracies. A missing or non-finite member score counts as neither
 * higher nor lower (comparator semantics). Rows that failed are left out.
 */
import type { EvaluationRow } from '../../shared/schemas'
import { kendallTau, spearman } from '../../engine/metrics/rank'
import { majorityCompare } from '../../engine/search/compare'
import { comparatorRanking } from '../../engine/proxies/voting/ranking'
import type { Correlation } from './chartOptions'

export function voteTruthCorrelation(rows: readonly EvaluationRow[], members: readonly string[]): Correlation {
  const vecs: number[][] = []
  const truth: number[] = []
  for (const r of rows) {
    if (r.status !== 'ok' || r.groundTruth === null || r.groundTruth === undefined || !Number.isFinite(r.groundTruth)) continue
    vecs.push(members.map((m) => {
      const v = r.scores[m]
      return typeof v === 'number' ? v : NaN
    }))
    truth.push(r.groundTruth)
  }
  if (vecs.length < 2 || members.length === 0) return { n: vecs.length, rho: NaN, tau: NaN }
  const ranks = Array.from(comparatorRanking(vecs.length, (i, j) => majorityCompare(vecs[i], vecs[j])))
  return { n: vecs.length, rho: spearman(ranks, truth), tau: kendallTau(ranks, truth) }
}
