/** Evaluation rows → chart points for the run's primary proxy. */
import type { EvaluationRow } from '../../shared/schemas'
import type { EvalPoint } from './chartOptions'

export function toPoints(rows: readonly EvaluationRow[], proxy: string): EvalPoint[] {
  const out: EvalPoint[] = []
  for (const r of rows) {
    if (r.status !== 'ok') continue
    const s = r.scores[proxy]
    if (s === undefined || s === null) continue
    out.push({ index: r.index, arch: r.arch, score: s, flops: r.flops ?? undefined, truth: r.groundTruth ?? undefined })
  }
  return out
}
