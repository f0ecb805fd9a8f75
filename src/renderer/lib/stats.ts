/**
 * Rank correlations for the live "score vs ground truth" view.
 * Pure functions over plain arrays (no tfjs). Ties get average ranks
 * (Spearman = Pearson of average ranks, as scipy.stats.spearmanr) and
 * Kendall is tau-b (as scipy.stats.kendalltau). Return NaN when undefined
 * (fewer than 2 pairs or a constant input).
 */

/** 1-based average ranks (ties share the mean of their positions). */
export function averageRanks(xs: readonly number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b])
  const ranks = new Array<number>(xs.length)
  let i = 0
  while (i < idx.length) {
    let j = i
    while (j + 1 < idx.length && xs[idx[j + 1]] === xs[idx[i]]) j++
    const r = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) ranks[idx[k]] = r
    i = j + 1
  }
  return ranks
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length
  if (n < 2) return NaN
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    ma += a[i]
    mb += b[i]
  }
  ma /= n
  mb /= n
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma
    const db = b[i] - mb
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  if (saa === 0 || sbb === 0) return NaN
  return sab / Math.sqrt(saa * sbb)
}

function checkPairs(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new RangeError(`correlation needs equal lengths, got ${x.length} and ${y.length}`)
}

export function spearman(x: readonly number[], y: readonly number[]): number {
  checkPairs(x, y)
  return pearson(averageRanks(x), averageRanks(y))
}

/**
 * Kendall tau-b in O(n log n) (Knight's algorithm, as scipy.stats.kendalltau):
 * sort by (x, y), count x-ties and joint ties, then count discordant pairs as
 * the swaps of a merge sort by y, and y-ties in the y-sorted order.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  checkPairs(x, y)
  const n = x.length
  if (n < 2) return NaN
  const idx = x.map((_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b])
  const pairs = (t: number) => (t * (t - 1)) / 2
  let tiesX = 0
  let tiesXY = 0
  for (let i = 0, tx = 1, txy = 1; i < n; i++) {
    const last = i === n - 1
    const sameX = !last && x[idx[i + 1]] === x[idx[i]]
    const sameXY = sameX && y[idx[i + 1]] === y[idx[i]]
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
  // merge sort the y values (in x order) by y, counting swaps = discordant pairs
  let ys = idx.map((i) => y[i])
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
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY))
  if (denom === 0) return NaN
  return (n0 - tiesX - tiesY + tiesXY - 2 * swaps) / denom
}
