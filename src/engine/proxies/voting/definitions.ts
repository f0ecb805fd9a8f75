/**
 * Voting proxies (reference notes §2, wrcor-method.md §2): a voting proxy is a
 * set of member proxies compared pairwise by the majority comparator
 * (`majorityCompare` in src/engine/search/compare.ts): x beats y iff more than
 * half of the members give x a strictly higher (sign-adjusted, higher = better)
 * score; otherwise a tie; NaN differences count as neither.
 *
 * Members are proxy registry ids. Every member's registered score is already
 * "higher = better" (SynFlow, JacCor, SNIP, PNorm and WRCor all have sign +1 on
 * NB201 in the reference, `nasbench201_correlations.ipynb` and README `+measure`),
 * so the member values are compared as they are.
 *
 * This table is the single source of truth: the search (`zsnas search`,
 * src/engine/search) and the evaluation (`zsnas evaluate`) both read it.
 */

import { SEW } from './sew'

export interface VotingProxyDef {
  /** registry id, e.g. 'sjw' */
  id: string
  label: string
  /** one-line explanation for menus and reports */
  description: string
  /** member proxy ids (proxy registry), in the reference's order */
  members: readonly string[]
}

/** SJW = SynFlow + JacCor + WRCor (paper's "our vote"; ρ 0.851 on NB201/CIFAR-10). */
export const SJW: VotingProxyDef = {
  id: 'sjw',
  label: 'SJW (SynFlow+JacCor+WRCor vote)',
  description: 'majority vote of SynFlow, JacCor and WRCor',
  members: ['synflow', 'jaccor', 'wrcor'],
}

/** SPW = SynFlow + PNorm + WRCor (paper Table 4: 0.789). */
export const SPW: VotingProxyDef = {
  id: 'spw',
  label: 'SPW (SynFlow+PNorm+WRCor vote)',
  description: 'majority vote of SynFlow, PNorm and WRCor',
  members: ['synflow', 'pnorm', 'wrcor'],
}

/** ZeroCost (Abdelfattah et al. 2021) = SynFlow + JacCor + SNIP (paper Table 4: 0.775). */
export const ZEROCOST: VotingProxyDef = {
  id: 'zerocost',
  label: 'ZeroCost (SynFlow+JacCor+SNIP vote)',
  description: 'majority vote of SynFlow, JacCor and SNIP (Abdelfattah et al.)',
  members: ['synflow', 'jaccor', 'snip'],
}

/** All voting proxies, in menu order. */
export const VOTING_PROXIES: readonly VotingProxyDef[] = [SJW, SPW, ZEROCOST, SEW]

/** The voting proxy with this id (case-insensitive), or undefined. */
export function getVotingProxy(id: string): VotingProxyDef | undefined {
  const k = id.trim().toLowerCase()
  return VOTING_PROXIES.find((v) => v.id === k)
}

/**
 * The plain (non-voting) proxy ids needed to evaluate `ids`, which may mix
 * plain and voting proxies: voting proxies are replaced by their members,
 * duplicates removed, first-appearance order kept.
 */
export function expandProxyIds(ids: readonly string[]): string[] {
  const out: string[] = []
  for (const id of ids) {
    const v = getVotingProxy(id)
    for (const m of v ? v.members : [id.trim().toLowerCase()]) if (!out.includes(m)) out.push(m)
  }
  return out
}

/**
 * The member score vector of one architecture for a voting proxy, read from a
 * map of plain proxy scores (missing member ⇒ NaN, which the comparator treats
 * as "neither larger nor smaller").
 */
export function memberScores(def: Pick<VotingProxyDef, 'members'>, scores: Readonly<Record<string, number | null | undefined>>): number[] {
  return def.members.map((m) => {
    const v = scores[m]
    return typeof v === 'number' ? v : NaN
  })
}
