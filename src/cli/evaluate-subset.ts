/**
 * Which NB201 benchmark indices a `zsnas evaluate --paper` run scores, and
 * how `--cap` limits an expensive proxy within them.
 *
 * The subset is every `stride`-th index of 0..n−1 starting at `offset`:
 * offset, offset + stride, offset + 2·stride, … < n (stride 1, offset 0 =
 * the paper's indices 0..n−1). A stride spreads a small subset over the
 * whole range, so it is not biased the way the first n indices are (the
 * benchmark's index order is not random with respect to accuracy).
 *
 * A cap `proxy=N` means "the first N indices OF THE SUBSET" (positions
 * 0..N−1 in subset order), so a capped proxy is still spread over 0..n−1,
 * never squeezed into indices 0..N−1.
 *
 * Rows are keyed by benchmark index, so a resumed run reuses every finished
 * row whose index is in the current subset, whatever subset scored it.
 */
import { CliUsageError } from './args'

export interface Subset {
  /** indices are < n */
  n: number
  stride: number
  offset: number
}

/** Checks a subset's fields (CliUsageError naming the flag otherwise). */
export function checkSubset(s: Subset, tableSize: number): void {
  if (s.n > tableSize) throw new CliUsageError(`--n ${s.n} exceeds the ${tableSize} architectures of the benchmark table`)
  if (!Number.isSafeInteger(s.stride) || s.stride < 1) throw new CliUsageError(`--stride must be an integer ≥ 1, got ${s.stride}`)
  if (!Number.isSafeInteger(s.offset) || s.offset < 0 || s.offset >= s.stride) {
    throw new CliUsageError(`--offset must be an integer in 0..stride−1 (0..${s.stride - 1}), got ${s.offset}`)
  }
  if (s.offset >= s.n) throw new CliUsageError(`--offset ${s.offset} leaves no index below --n ${s.n}`)
}

/** The subset's benchmark indices in increasing order. */
export function subsetIndices(s: Subset): number[] {
  const out: number[] = []
  for (let i = s.offset; i < s.n; i += s.stride) out.push(i)
  return out
}

const ordinal = (k: number): string => {
  const t = k % 100
  if (t >= 11 && t <= 13) return `${k}th`
  return `${k}${({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[k % 10] ?? 'th'}`
}

/**
 * Human label of the subset, used in config.json and beside the table:
 * "indices 0..999, n = 1000" or "every 10th index of 0..999, n = 100"
 * (", from 5" when the offset is not 0).
 */
export function subsetLabel(s: Subset): string {
  const n = subsetIndices(s).length
  if (s.stride === 1) return `indices ${s.offset}..${s.n - 1}, n = ${n}`
  return `every ${ordinal(s.stride)} index of 0..${s.n - 1}${s.offset === 0 ? '' : `, from ${s.offset}`}, n = ${n}`
}

/**
 * Per proxy: the set of subset indices it is scored on (the first `cap`
 * of the subset; all of it without a cap).
 */
export function cappedIndices(indices: readonly number[], caps: Readonly<Record<string, number>>): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>()
  for (const [p, c] of Object.entries(caps)) out.set(p, new Set(indices.slice(0, c)))
  return out
}

/** Note beside the table for one cap (which indices the capped proxy covers). */
export function capNote(proxy: string, cap: number, indices: readonly number[]): string {
  if (cap === 0) return `${proxy}: not scored (--cap ${proxy}=0).`
  const used = indices.slice(0, cap)
  if (used.length === indices.length) return `${proxy}: --cap ${cap} covers the whole subset.`
  return `${proxy}: scored on the first ${used.length} indices of the subset only (${used[0]}..${used[used.length - 1]}, --cap), n in its cells.`
}
