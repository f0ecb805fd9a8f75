/**
 * Eigenvalues of a real symmetric matrix by the cyclic Jacobi method, float64.
 *
 * Contract: `a` (row-major n×n) must be symmetric up to `symTol` (relative to
 * its largest entry), else RangeError; it is not modified. Returns the n
 * eigenvalues sorted ascending. Converges quadratically; stops when the
 * off-diagonal Frobenius norm is below 1e-14 of the matrix norm or after
 * `maxSweeps` sweeps (then the current diagonal is returned — accurate to the
 * remaining off-diagonal mass). Used by JacCor (numpy takes `eig` of the
 * symmetric correlation matrix; for symmetric input the values agree).
 */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number, maxSweeps = 100, symTol = 1e-9): Float64Array {
  if (a.length !== n * n) throw new RangeError(`symmetricEigenvalues: expected ${n}×${n} entries, got ${a.length}`)
  const m = Float64Array.from(a as ArrayLike<number>)
  let scale = 0
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(m[i]))
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(m[i * n + j] - m[j * n + i]) > symTol * Math.max(scale, 1e-300)) {
        throw new RangeError(`symmetricEigenvalues: matrix is not symmetric at (${i}, ${j})`)
      }
    }
  }
  let total = 0
  for (let i = 0; i < n * n; i++) total += m[i] * m[i]
  const stop = 1e-28 * total
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += 2 * m[i * n + j] * m[i * n + j]
    if (off <= stop) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]
        if (apq === 0) continue
        const app = m[p * n + p]
        const aqq = m[q * n + q]
        // rotation angle that zeroes (p,q): tan(2θ) = 2apq/(aqq−app), stable form
        const theta = (aqq - app) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]
          const akq = m[k * n + q]
          m[k * n + p] = c * akp - s * akq
          m[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]
          const aqk = m[q * n + k]
          m[p * n + k] = c * apk - s * aqk
          m[q * n + k] = s * apk + c * aqk
        }
        m[p * n + q] = 0
        m[q * n + p] = 0
      }
    }
  }
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = m[i * n + i]
  return out.sort()
}
