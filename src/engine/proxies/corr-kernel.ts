import { logAbsDet, type CorrelationResult } from '../linalg'

/**
 * The N×N float64 kernel K = Σ w·|Σ| of the correlation-proxy family
 * (reference §1.3–1.5). `add` skips a matrix that has any zero-variance row
 * (numpy's corrcoef would contain NaN; the reference skips such matrices) and
 * reports whether it was added. `score()` = log|det K| (sign discarded, LU in
 * float64); a kernel to which nothing was added is all zeros, so the score is
 * −Infinity — the documented value for degenerate networks (e.g. all-`none`
 * cells), never NaN.
 */
export class CorrKernel {
  readonly k: Float64Array
  added = 0
  skipped = 0

  constructor(readonly n: number) {
    this.k = new Float64Array(n * n)
  }

  add(corr: CorrelationResult, weight: number): boolean {
    if (corr.n !== this.n) throw new RangeError(`CorrKernel: ${corr.n}×${corr.n} matrix for an ${this.n}×${this.n} kernel`)
    if (corr.zeroVarianceRows.length > 0) {
      this.skipped++
      return false
    }
    const m = corr.matrix
    for (let i = 0; i < m.length; i++) this.k[i] += weight * Math.abs(m[i])
    this.added++
    return true
  }

  score(): number {
    return logAbsDet(this.k, this.n)
  }
}
