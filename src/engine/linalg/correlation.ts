/**
 * Per-sample Pearson correlation in float64 (numpy `corrcoef` over rows).
 *
 * Contract:
 *  - rows are samples, columns are features (`data` is row-major n×d);
 *  - every statistic is accumulated in float64, whatever the input precision;
 *  - entries are clipped to [−1, 1] (as numpy does);
 *  - a row whose centred values are all zero (zero variance) cannot be
 *    correlated: it is reported in `zeroVarianceRows`, and its row and column
 *    of `matrix` are NaN (numpy gives NaN there). Callers that follow the
 *    reference (skip any matrix containing NaN) test `zeroVarianceRows.length`.
 */
export interface CorrelationResult {
  /** n×n row-major, symmetric, unit diagonal for non-degenerate rows */
  matrix: Float64Array
  n: number
  zeroVarianceRows: number[]
}

/** Pearson correlation between the `n` rows of a row-major `n×d` array. */
export function pearsonRows(data: ArrayLike<number>, n: number, d: number): CorrelationResult {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1) {
    throw new RangeError(`pearsonRows needs positive integer n, d (got ${n}, ${d})`)
  }
  if (data.length !== n * d) throw new RangeError(`pearsonRows: data has ${data.length} values, expected ${n}×${d}`)
  const centred = new Float64Array(n * d)
  const norms = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let k = 0; k < d; k++) s += data[i * d + k]
    const mean = s / d
    let ss = 0
    for (let k = 0; k < d; k++) {
      const v = data[i * d + k] - mean
      centred[i * d + k] = v
      ss += v * v
    }
    norms[i] = Math.sqrt(ss)
  }
  const gram = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0
      for (let k = 0; k < d; k++) s += centred[i * d + k] * centred[j * d + k]
      gram[i * n + j] = s
      gram[j * n + i] = s
    }
  }
  return correlationFromGram(gram, norms, n)
}

/**
 * Turns the Gram matrix of centred rows (G_ij = Σ_k c_ik c_jk) and the row
 * norms (‖c_i‖) into the correlation matrix, in float64, clipped to [−1, 1].
 * Rows with norm ≤ `zeroTol` are zero-variance rows (NaN row/column).
 * This is the half of `pearsonRows` that proxies run after computing the
 * Gram matrix on the tensor backend.
 */
export function correlationFromGram(
  gram: ArrayLike<number>,
  norms: ArrayLike<number>,
  n: number,
  zeroTol = 0,
): CorrelationResult {
  if (gram.length !== n * n || norms.length !== n) {
    throw new RangeError(`correlationFromGram: expected ${n}×${n} gram and ${n} norms`)
  }
  const matrix = new Float64Array(n * n)
  const zeroVarianceRows: number[] = []
  for (let i = 0; i < n; i++) if (!(norms[i] > zeroTol)) zeroVarianceRows.push(i)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const den = norms[i] * norms[j]
      if (!(norms[i] > zeroTol) || !(norms[j] > zeroTol)) {
        matrix[i * n + j] = NaN
        continue
      }
      let r = i === j ? 1 : gram[i * n + j] / den
      if (r > 1) r = 1
      else if (r < -1) r = -1
      matrix[i * n + j] = r
    }
  }
  return { matrix, n, zeroVarianceRows }
}
