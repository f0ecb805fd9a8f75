/**
 * Reading a proxy score off an evaluation row in the renderer. The client
 * (src/shared/client.ts) decodes the wire's 'NaN' / 'Infinity' / '-Infinity'
 * once, at the transport edge, so a row's score is already a plain number
 * (NaN, ±Infinity included). Absent ⇒ NaN ("no score"). Nothing here decodes:
 * a value that is not a number (it cannot pass the client) reads as NaN.
 */
import type { EvaluationRow } from '../../shared/schemas'

export function scoreOf(r: Pick<EvaluationRow, 'scores'>, key: string): number {
  const v = r.scores[key]
  return typeof v === 'number' ? v : NaN
}
