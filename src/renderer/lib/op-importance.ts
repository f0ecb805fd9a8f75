/**
 * NB201 op importance (pure): for each of the cell's six edges and each of
 * the five operations, the architectures of the run whose cell has that op on
 * that edge, with the mean proxy score and the mean ground-truth accuracy.
 * "Which op on which edge do good architectures use, and does the proxy
 * agree?" at a glance.
 *
 * Guarantees: only rows with status 'ok' and a decodable NB201 string count;
 * the mean score is over FINITE scores (a degenerate −∞ would make every
 * mean −∞; `nonFinite` counts what was left out), the mean accuracy over
 * rows with finite ground truth; NaN when a cell has nothing to average.
 * Edges are in the arch string's order: 0→1, 0→2, 1→2, 0→3, 1→3, 2→3.
 */
import type { EvaluationRow } from '../../shared/schemas'
import { decodeNb201, NB201_OPS } from './arch'
import { scoreOf } from './score'

export const NB201_EDGES = ['0→1', '0→2', '1→2', '0→3', '1→3', '2→3'] as const

export interface OpStat {
  edge: string
  op: string
  /** architectures with this op on this edge */
  count: number
  meanScore: number
  meanAccuracy: number
  /** of `count`, how many had a non-finite (−∞/+∞/NaN) score, left out of meanScore */
  nonFinite: number
}

export interface OpImportance {
  edges: readonly string[]
  ops: readonly string[]
  /** stats[e][o]: edge NB201_EDGES[e], op NB201_OPS[o] */
  stats: OpStat[][]
  /** rows used */
  n: number
}

export function opImportance(rows: readonly EvaluationRow[], proxy: string): OpImportance {
  const acc = NB201_EDGES.map((edge) => NB201_OPS.map((op) => ({ edge, op, count: 0, sumS: 0, nS: 0, sumA: 0, nA: 0 })))
  let n = 0
  for (const r of rows) {
    if (r.status !== 'ok') continue
    const dag = decodeNb201(r.arch)
    if (!dag) continue
    n++
    const s = scoreOf(r, proxy)
    const a = r.groundTruth
    dag.edges.forEach((e, k) => {
      const c = acc[k][NB201_OPS.indexOf(e.op as (typeof NB201_OPS)[number])]
      c.count++
      if (Number.isFinite(s)) {
        c.sumS += s
        c.nS++
      }
      if (typeof a === 'number' && Number.isFinite(a)) {
        c.sumA += a
        c.nA++
      }
    })
  }
  const stats = acc.map((row) =>
    row.map((c) => ({ edge: c.edge, op: c.op, count: c.count, meanScore: c.nS ? c.sumS / c.nS : NaN, meanAccuracy: c.nA ? c.sumA / c.nA : NaN, nonFinite: c.count - c.nS })),
  )
  return { edges: NB201_EDGES, ops: NB201_OPS, stats, n }
}
