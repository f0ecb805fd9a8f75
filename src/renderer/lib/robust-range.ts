/**
 * Robust axis ranges for the run-view charts. One degenerate cell (an NB201
 * cell whose output is cut off: WRCor −16.8 at 10 % accuracy) must not squash
 * every other point into a corner, so an axis spans the values inside
 * Tukey's FAR fences [Q1 − k·IQR, Q3 + k·IQR] (k = 3; quartiles by linear
 * interpolation, R's type 7), padded by 5 %. Values outside are "degenerate"
 * for the chart: left off the axis (counted, and drawn again when the user
 * asks to show degenerate cells).
 *
 * Guarantees: with IQR = 0 (too few distinct values to judge) or when the
 * fences would leave out more than `maxOutside` (10 %) of the values (a heavy
 * tail, not a few broken cells) the full range is used and nothing is left
 * out; non-finite values never count.
 */

/** The q-quantile (0 ≤ q ≤ 1) of ascending `sorted` values, linearly interpolated (type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const h = (sorted.length - 1) * q
  const lo = Math.floor(h)
  const hi = Math.ceil(h)
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo])
}

export interface RobustRange {
  /** axis bounds (padded); NaN when there is no finite value */
  min: number
  max: number
  /** values inside [lo, hi] are kept on the axis */
  lo: number
  hi: number
  /** how many finite values fall outside [lo, hi] */
  outside: number
}

export const FENCE_K = 3
export const MAX_OUTSIDE = 0.1
const PAD = 0.05

function padded(lo: number, hi: number): [number, number] {
  const span = hi - lo
  const p = span > 0 ? span * PAD : Math.max(Math.abs(lo) * PAD, 0.5)
  return [lo - p, hi + p]
}

export function robustRange(values: readonly number[], k = FENCE_K, maxOutside = MAX_OUTSIDE): RobustRange {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) return { min: NaN, max: NaN, lo: NaN, hi: NaN, outside: 0 }
  const full = (): RobustRange => {
    const [min, max] = padded(v[0], v[v.length - 1])
    return { min, max, lo: v[0], hi: v[v.length - 1], outside: 0 }
  }
  const q1 = quantile(v, 0.25)
  const q3 = quantile(v, 0.75)
  const iqr = q3 - q1
  if (!(iqr > 0)) return full()
  const fenceLo = q1 - k * iqr
  const fenceHi = q3 + k * iqr
  const kept = v.filter((x) => x >= fenceLo && x <= fenceHi)
  const outside = v.length - kept.length
  if (outside === 0 || outside > maxOutside * v.length) return full()
  const [min, max] = padded(kept[0], kept[kept.length - 1])
  return { min, max, lo: kept[0], hi: kept[kept.length - 1], outside }
}
