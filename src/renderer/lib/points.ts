/**
 * Evaluation rows → points for the run's primary proxy. Scores arrive decoded
 * from the client (±∞ kept: they rank in correlations; charts draw only finite scores);
 * NaN and absent scores and failed rows give no point.
 */
import type { EvaluationRow } from '../../shared/schemas'
import { scoreOf } from './score'
import type { EvalPoint } from './chartOptions'

export function toPoints(rows: readonly EvaluationRow[], proxy: string): EvalPoint[] {
  const out: EvalPoint[] = []
  for (const r of rows) {
    if (r.status !== 'ok') continue
    const s = scoreOf(r, proxy)
    if (Number.isNaN(s)) continue
    out.push({ index: r.index, arch: r.arch, score: s, flops: r.flops ?? undefined, truth: r.groundTruth ?? undefined })
  }
  return out
}
