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
 * The subset is scored COARSE TO FINE (`scoringOrder`): positions 0, then
 * every 64th, 32nd, … (powers of two), each level in increasing order. Any
 * prefix of that order is spread over 0..n−1, so a run stopped early is a
 * smaller subset of the same range, not its first indices.
 *
 * A cap `proxy=N` means "the first N indices of the subset in scoring
 * order", so a capped proxy is also spread over 0..n−1, never squeezed into
 * indices 0..N−1.
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
 * The subset's indices in scoring order, coarse to fine: with m indices and
 * S the largest power of two < m, first the positions divisible by S, then
 * those divisible by S/2 not yet taken, …, down to 1; each level in
 * increasing position. E.g. m = 5: positions 0, 4, 2, 1, 3.
 */
export function scoringOrder(indices: readonly number[]): number[] {
  const m = indices.length
  let step = 1
  while (step * 2 < m) step *= 2
  const taken = new Uint8Array(m)
  const out: number[] = []
  for (; step >= 1; step /= 2) {
    for (let p = 0; p < m; p += step) {
      if (taken[p]) continue
      taken[p] = 1
      out.push(indices[p])
    }
  }
  return out
}

/**
 * Per capped proxy: the indices it is scored on, the first `cap` of
 * `ordered` (the scoring order). Proxies without a cap are absent (all).
 */
export function cappedIndices(ordered: readonly number[], caps: Readonly<Record<string, number>>): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>()
  for (const [p, c] of Object.entries(caps)) out.set(p, new Set(ordered.slice(0, c)))
  return out
}

/** Note beside the table for one cap (how many indices of the subset the capped proxy covers, and their range). */
export function capNote(proxy: string, cap: number, ordered: readonly number[]): string {
  if (cap === 0) return `${proxy}: not scored (--cap ${proxy}=0).`
  const used = ordered.slice(0, cap)
  if (used.length === ordered.length) return `${proxy}: --cap ${cap} covers the whole subset.`
  return `${proxy}: scored on ${used.length} of the ${ordered.length} subset indices only (--cap; the first ${used.length} in coarse-to-fine order, spread over ${Math.min(...used)}..${Math.max(...used)}), n in its cells.`
}
