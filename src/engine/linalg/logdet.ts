/**
 * log|det A| of a square float64 matrix by LU factorisation with partial
 * pivoting (the numerically sound route numpy's `slogdet` takes via LAPACK
 * getrf). K in WRCor is symmetric but not guaranteed positive definite, so
 * Cholesky is not used.
 *
 * Guarantees: the input is not modified; the sign of the determinant is
 * returned separately (WRCor discards it); an exactly zero pivot (singular
 * matrix, e.g. the all-zero K of a net whose responses were all skipped)
 * gives `logAbsDet = −Infinity` and `sign = 0`, never NaN and never a throw.
 * A matrix containing NaN gives NaN.
 */
export interface SlogdetResult {
  sign: -1 | 0 | 1
  logAbsDet: number
}

export function slogdet(a: ArrayLike<number>, n: number): SlogdetResult {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`slogdet: bad size ${n}`)
  if (a.length !== n * n) throw new RangeError(`slogdet: matrix has ${a.length} entries, expected ${n}×${n}`)
  if (n === 0) return { sign: 1, logAbsDet: 0 }
  const m = Float64Array.from(a as ArrayLike<number>)
  let sign: -1 | 1 = 1
  let logAbs = 0
  for (let k = 0; k < n; k++) {
    // partial pivoting: the largest |entry| in column k at or below the diagonal
    let p = k
    let best = Math.abs(m[k * n + k])
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(m[i * n + k])
      if (v > best) {
        best = v
        p = i
      }
    }
    if (Number.isNaN(best)) return { sign: 1, logAbsDet: NaN }
    if (best === 0) return { sign: 0, logAbsDet: -Infinity }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j]
        m[k * n + j] = m[p * n + j]
        m[p * n + j] = t
      }
      sign = sign === 1 ? -1 : 1
    }
    const pivot = m[k * n + k]
    if (pivot < 0) sign = sign === 1 ? -1 : 1
    logAbs += Math.log(Math.abs(pivot))
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k] / pivot
      if (f === 0) continue
      m[i * n + k] = 0
      for (let j = k + 1; j < n; j++) m[i * n + j] -= f * m[k * n + j]
    }
  }
  return { sign, logAbsDet: logAbs }
}

/** log|det A| (sign discarded), −Infinity when singular. */
export function logAbsDet(a: ArrayLike<number>, n: number): number {
  return slogdet(a, n).logAbsDet
}
