/**
 * The majority-vote comparator of the reference (`search.py` `NAS.cmp`,
 * reference notes §2.1) and the "best so far" rule that consumes it (§2.2).
 *
 * Scores are per-member proxy values that are already sign-adjusted
 * (higher = better). For two candidates x, y with M members:
 *   d_k = x_k − y_k; x beats y iff #{d_k > 0} > M/2; y beats x iff #{d_k < 0} > M/2;
 *   otherwise a tie. A NaN difference (either value NaN, or ∞−∞) counts as
 *   neither larger nor smaller.
 * With a single member this is ordinary comparison with NaN ⇒ tie.
 *
 * Guarantees: antisymmetric (`compare(x,y) === -compare(y,x)`), `compare(x,x) === 0`
 * for NaN-free x. NOT transitive for M ≥ 3 (Condorcet cycles are possible), so
 * every consumer documents its iteration order.
 */
import { ZsnasError } from '../core/errors'

/** −1: x loses, 0: tie, +1: x wins. */
export type CompareResult = -1 | 0 | 1

/** Compares two architectures given their sign-adjusted member scores. */
export type Comparator = (x: readonly number[], y: readonly number[]) => CompareResult

/** The reference majority comparator (works for any number of members ≥ 1). */
export function majorityCompare(x: readonly number[], y: readonly number[]): CompareResult {
  if (x.length !== y.length || x.length === 0) {
    throw new ZsnasError(
      'INVALID_OPTION',
      `majority comparator needs two equally long, non-empty score vectors (got ${x.length} and ${y.length})`,
    )
  }
  let pos = 0
  let neg = 0
  for (let k = 0; k < x.length; k++) {
    const d = x[k] - y[k]
    if (d > 0) pos++
    else if (d < 0) neg++
  }
  const half = x.length / 2
  if (neg > half) return -1
  if (pos > half) return 1
  return 0
}

/**
 * Best-so-far update of the reference (`max([cur, best], key=cmp)`): the new
 * candidate replaces the incumbent unless the incumbent strictly beats it, so
 * ties go to the NEWER architecture. Returns true when `cur` becomes the best.
 */
export function replacesBest(cur: readonly number[], best: readonly number[] | null, cmp: Comparator): boolean {
  if (best === null) return true
  return cmp(best, cur) !== 1
}

/**
 * Sequential king-of-the-hill maximum of the reference (`max(sample, key=cmp)`):
 * the first element is kept unless a later one strictly beats the current king.
 * Returns the index of the winner within `items`.
 */
export function sequentialMax(items: readonly (readonly number[])[], cmp: Comparator): number {
  if (items.length === 0) throw new ZsnasError('INVALID_OPTION', 'sequentialMax needs at least one item')
  let king = 0
  for (let i = 1; i < items.length; i++) {
    if (cmp(items[i], items[king]) === 1) king = i
  }
  return king
}
