/**
 * NAS-Bench-101 cells: a strictly upper-triangular adjacency matrix (≤ 7
 * vertices) plus one op label per vertex, first 'input', last 'output', the
 * interior ones from `NB101_OPS`. Validity and pruning follow nasbench's
 * `ModelSpec`: vertices not on an input→output path are removed, and a cell is
 * valid iff after pruning it has ≤ 7 vertices and ≤ 9 edges and the output is
 * reachable from the input.
 */
import { ZsnasError } from '../../core/errors'

export const NB101_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const
export type Nb101Op = (typeof NB101_OPS)[number]
export const NB101_MAX_VERTICES = 7
export const NB101_MAX_EDGES = 9

/** A cell. `matrix[i][j] === 1` means an edge i → j (only i < j allowed). */
export interface Nb101Cell {
  matrix: number[][]
  /** length = matrix.length; ops[0] = 'input', ops[n-1] = 'output' */
  ops: string[]
}

export function edgeCount(m: readonly (readonly number[])[]): number {
  let e = 0
  for (const row of m) for (const v of row) e += v
  return e
}

/** Structural checks independent of pruning; throws INVALID_ARCH. */
export function checkShape(c: Nb101Cell): void {
  const n = c.matrix.length
  if (n < 2) throw new ZsnasError('INVALID_ARCH', `NB101 cell needs at least 2 vertices, got ${n}`)
  if (c.ops.length !== n) {
    throw new ZsnasError('INVALID_ARCH', `NB101 cell has ${n} matrix rows but ${c.ops.length} ops`)
  }
  for (let i = 0; i < n; i++) {
    if (c.matrix[i].length !== n) throw new ZsnasError('INVALID_ARCH', `NB101 matrix row ${i} has ${c.matrix[i].length} entries, expected ${n}`)
    for (let j = 0; j < n; j++) {
      const v = c.matrix[i][j]
      if (v !== 0 && v !== 1) throw new ZsnasError('INVALID_ARCH', `NB101 matrix entry (${i},${j}) = ${v}, expected 0 or 1`)
      if (v === 1 && j <= i) throw new ZsnasError('INVALID_ARCH', `NB101 matrix must be strictly upper-triangular; edge ${i}→${j} is not`)
    }
  }
  if (c.ops[0] !== 'input') throw new ZsnasError('INVALID_ARCH', `NB101 first op must be 'input', got '${c.ops[0]}'`)
  if (c.ops[n - 1] !== 'output') throw new ZsnasError('INVALID_ARCH', `NB101 last op must be 'output', got '${c.ops[n - 1]}'`)
  for (let i = 1; i < n - 1; i++) {
    if (!(NB101_OPS as readonly string[]).includes(c.ops[i])) {
      throw new ZsnasError('INVALID_ARCH', `NB101 op ${i} '${c.ops[i]}' is not one of ${NB101_OPS.join(', ')}`)
    }
  }
}

/**
 * Removes vertices that are not on any input→output path (nasbench `_prune`).
 * Returns null when the output is unreachable from the input (invalid cell).
 * The input cell must pass `checkShape`.
 */
export function prune(c: Nb101Cell): Nb101Cell | null {
  const n = c.matrix.length
  // vertices are topologically sorted (upper-triangular), so one sweep each way suffices
  const fwd = new Array<boolean>(n).fill(false)
  fwd[0] = true
  for (let j = 1; j < n; j++) for (let i = 0; i < j; i++) if (fwd[i] && c.matrix[i][j]) { fwd[j] = true; break }
  const bwd = new Array<boolean>(n).fill(false)
  bwd[n - 1] = true
  for (let i = n - 2; i >= 0; i--) for (let j = i + 1; j < n; j++) if (bwd[j] && c.matrix[i][j]) { bwd[i] = true; break }
  if (!fwd[n - 1]) return null
  const keep: number[] = []
  for (let v = 0; v < n; v++) if (fwd[v] && bwd[v]) keep.push(v)
  return {
    matrix: keep.map((i) => keep.map((j) => c.matrix[i][j])),
    ops: keep.map((v) => c.ops[v]),
  }
}

/**
 * Validates and prunes a raw cell: returns the pruned cell, or null when the
 * cell is not a valid NB101 cell (disconnected, > 7 vertices or > 9 edges after
 * pruning). Throws INVALID_ARCH on malformed input (bad shape/labels).
 */
export function pruneAndValidate(c: Nb101Cell): Nb101Cell | null {
  checkShape(c)
  const p = prune(c)
  if (p === null) return null
  if (p.matrix.length > NB101_MAX_VERTICES || edgeCount(p.matrix) > NB101_MAX_EDGES) return null
  return p
}

export function cellsEqual(a: Nb101Cell, b: Nb101Cell): boolean {
  if (a.matrix.length !== b.matrix.length) return false
  for (let i = 0; i < a.ops.length; i++) if (a.ops[i] !== b.ops[i]) return false
  for (let i = 0; i < a.matrix.length; i++) for (let j = 0; j < a.matrix.length; j++) if (a.matrix[i][j] !== b.matrix[i][j]) return false
  return true
}
