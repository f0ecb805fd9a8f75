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

/** Kendall tau-b, O(n²) — fine for the live view (a few thousand points). */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  checkPairs(x, y)
  const n = x.length
  if (n < 2) return NaN
  let concordant = 0
  let discordant = 0
  let tiesX = 0
  let tiesY = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j])
      const dy = Math.sign(y[i] - y[j])
      if (dx === 0 && dy === 0) continue
      if (dx === 0) tiesX++
      else if (dy === 0) tiesY++
      else if (dx === dy) concordant++
      else discordant++
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY))
  return denom === 0 ? NaN : (concordant - discordant) / denom
}
