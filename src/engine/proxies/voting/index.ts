/**
 * Voting proxies: definitions (SJW, SPW, ZeroCost), the comparator built from
 * their member scores, and the comparator-derived ranking used for Spearman.
 */
import { majorityCompare, type Comparator } from '../../search/compare'
import { comparatorRanking, type VotingRankMethod } from './ranking'
import { memberScores, type VotingProxyDef } from './definitions'

export * from './definitions'
export { comparatorRanking, copelandScores, beatsComponents, type VotingRankMethod, type IndexComparator } from './ranking'

/**
 * Compares two architectures for a voting proxy from their plain proxy score
 * maps (ids → sign-adjusted value): +1 a wins, −1 b wins, 0 tie (majority rule
 * of the reference, `majorityCompare`).
 */
export function votingCompare(
  def: VotingProxyDef,
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
  cmp: Comparator = majorityCompare,
): -1 | 0 | 1 {
  return cmp(memberScores(def, a), memberScores(def, b))
}

/**
 * The voting proxy's "score" per architecture for rank correlation: its
 * position (0 = worst … n−1 = best) in the comparator-derived ranking of all
 * `rows` (see ranking.ts for the method and its guarantees). Only meaningful
 * relative to the same set of rows.
 */
export function votingRanks(
  def: Pick<VotingProxyDef, 'members'>,
  rows: readonly Readonly<Record<string, number | null | undefined>>[],
  method: VotingRankMethod = 'scc-copeland',
): Float64Array {
  const vecs = rows.map((r) => memberScores(def, r))
  return comparatorRanking(vecs.length, (i, j) => majorityCompare(vecs[i], vecs[j]), method)
}
