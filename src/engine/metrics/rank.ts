/**
 * Rank correlation metrics used to evaluate proxies against benchmark accuracy.
 *
 * Missing-value policy (scipy `nan_policy='omit'`, as the reference does):
 * a pair where either value is NaN is dropped before anything else.
 * ±Infinity is an ordinary, orderable value: a −Infinity proxy score (a
 * degenerate network) is kept and ranks lowest. Fewer than 2 remaining pairs,
 * or a constant side, gives NaN (undefined correlation).
 */

/** Pairs with no NaN on either side, as two parallel arrays. */
export function dropNaNPairs(x: ArrayLike<number>, y: ArrayLike<number>): { x: number[]; y: number[] } {
  if (x.length !== y.length) throw new RangeError(`rank metrics need equal lengths (got ${x.length} and ${y.length})`)
  const xs: number[] = []
  const ys: number[] = []
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue
    xs.push(x[i])
    ys.push(y[i])
  }
  return { x: xs, y: ys }
}

/** 1-based ranks with ties sharing their average rank (scipy `rankdata(method='average')`). */
export function averageRanks(v: readonly number[]): Float64Array {
  const n = v.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (v[a] < v[b] ? -1 : v[a] > v[b] ? 1 : 0))
  const ranks = new Float64Array(n)
  let i = 0
  while (i < n) {
    let j = i
    while (j + 1 < n && v[order[j + 1]] === v[order[i]]) j++
    const r = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) ranks[order[k]] = r
    i = j + 1
  }
  return ranks
}

/** Pearson correlation of two equal-length float arrays (NaN if either is constant). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length
  if (n < 2) return NaN
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) {
    mx += x[i]
    my += y[i]
  }
  mx /= n
  my /= n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx
    const b = y[i] - my
    sxy += a * b
    sxx += a * a
    syy += b * b
  }
  if (sxx === 0 || syy === 0) return NaN
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)))
}

/** Spearman's ρ: Pearson correlation of average ranks, NaN pairs dropped. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const p = dropNaNPairs(x, y)
  if (p.x.length < 2) return NaN
  return pearson(averageRanks(p.x), averageRanks(p.y))
}

/**
 * Kendall's τ-b (scipy's default): (C − D) / sqrt((n0 − n1)(n0 − n2)) with
 * n0 = n(n−1)/2 and n1, n2 the tied pairs in x and in y. NaN pairs dropped;
 * ±Infinity are ordinary values. O(n log n) (Knight's algorithm, as scipy):
 * sort by (x, y), count x-ties and joint ties, count discordant pairs as the
 * swaps of a merge sort by y, then y-ties in y order — fast enough for live
 * updates over thousands of architectures.
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const p = dropNaNPairs(x, y)
  const n = p.x.length
  if (n < 2) return NaN
  const px = p.x
  const py = p.y
  const cmp = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0)
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => cmp(px[a], px[b]) || cmp(py[a], py[b]))
  const pairs = (t: number): number => (t * (t - 1)) / 2
  let tiesX = 0
  let tiesXY = 0
  for (let i = 0, tx = 1, txy = 1; i < n; i++) {
    const sameX = i < n - 1 && px[idx[i + 1]] === px[idx[i]]
    const sameXY = sameX && py[idx[i + 1]] === py[idx[i]]
    if (sameX) tx++
    else {
      tiesX += pairs(tx)
      tx = 1
    }
    if (sameXY) txy++
    else {
      tiesXY += pairs(txy)
      txy = 1
    }
  }
  let ys = idx.map((i) => py[i])
  let buf = new Array<number>(n)
  let swaps = 0
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n)
      const hi = Math.min(lo + 2 * width, n)
      let i = lo
      let j = mid
      let k = lo
      while (i < mid && j < hi) {
        if (ys[i] <= ys[j]) buf[k++] = ys[i++]
        else {
          swaps += mid - i
          buf[k++] = ys[j++]
        }
      }
      while (i < mid) buf[k++] = ys[i++]
      while (j < hi) buf[k++] = ys[j++]
    }
    ;[ys, buf] = [buf, ys]
  }
  let tiesY = 0
  for (let i = 0, ty = 1; i < n; i++) {
    if (i < n - 1 && ys[i + 1] === ys[i]) ty++
    else {
      tiesY += pairs(ty)
      ty = 1
    }
  }
  const n0 = pairs(n)
  const den = Math.sqrt((n0 - tiesX) * (n0 - tiesY))
  if (den === 0) return NaN
  return (n0 - tiesX - tiesY + tiesXY - 2 * swaps) / den
}

/**
 * Top-k% precision: of the ⌈k%·n⌉ architectures with the highest proxy score,
 * the fraction that are also among the ⌈k%·n⌉ with the highest ground truth.
 * NaN pairs dropped; ties broken by original order (stable sort). `percent`
 * in (0, 100].
 */
export function topKPrecision(proxy: ArrayLike<number>, truth: ArrayLike<number>, percent: number): number {
  if (!(percent > 0 && percent <= 100)) throw new RangeError(`topKPrecision: percent must be in (0, 100], got ${percent}`)
  const p = dropNaNPairs(proxy, truth)
  const n = p.x.length
  if (n === 0) return NaN
  const k = Math.max(1, Math.ceil((percent / 100) * n))
  const idx = Array.from({ length: n }, (_, i) => i)
  const byProxy = idx.slice().sort((a, b) => p.x[b] - p.x[a] || a - b || 0)
  const byTruth = idx.slice().sort((a, b) => p.y[b] - p.y[a] || a - b || 0)
  const top = new Set(byTruth.slice(0, k))
  let hit = 0
  for (const i of byProxy.slice(0, k)) if (top.has(i)) hit++
  return hit / k
}
