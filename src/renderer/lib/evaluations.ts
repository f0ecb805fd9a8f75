/** Helpers over evaluation rows: loading every page, merging appended rows, the primary score. */
import type { Api } from '../api'
import type { EvaluationRow, ProxyChoice, RunConfig } from '../../shared/schemas'

const PAGE = 5000

/** All evaluations of a run in index order (pages of 5000). */
export async function loadAllEvaluations(api: Api, runId: string): Promise<EvaluationRow[]> {
  const out: EvaluationRow[] = []
  for (;;) {
    const page = await api.runs.evaluations(runId, { offset: out.length, limit: PAGE, sort: { key: 'index', dir: 'asc' } })
    out.push(...page.rows)
    if (page.rows.length === 0 || out.length >= page.total) return out
  }
}

/** Appends rows whose index is new (events may overlap an initial page load); keeps index order. */
export function mergeRows(existing: readonly EvaluationRow[], incoming: readonly EvaluationRow[]): EvaluationRow[] {
  const seen = new Set(existing.map((r) => r.index))
  const fresh = incoming.filter((r) => !seen.has(r.index) && (seen.add(r.index), true))
  if (fresh.length === 0) return existing as EvaluationRow[]
  const out = existing.concat(fresh)
  for (let i = existing.length; i < out.length; i++) {
    if (i > 0 && out[i].index < out[i - 1].index) {
      out.sort((a, b) => a.index - b.index)
      break
    }
  }
  return out
}

/** The score key the run ranks by: the single proxy's id, or 'vote' for voting runs (first member shown). */
export function primaryProxy(proxy: ProxyChoice): string {
  return proxy.mode === 'single' ? proxy.id : proxy.ids[0]
}

/** Every score key present in the rows (the run's proxies, voting members, extras). */
export function scoreKeys(rows: readonly EvaluationRow[], config?: RunConfig): string[] {
  const keys = new Set<string>()
  if (config) {
    if (config.proxy.mode === 'single') keys.add(config.proxy.id)
    else config.proxy.ids.forEach((k) => keys.add(k))
  }
  const limit = Math.min(rows.length, 200)
  for (let i = 0; i < limit; i++) for (const k of Object.keys(rows[i].scores)) keys.add(k)
  return [...keys]
}
