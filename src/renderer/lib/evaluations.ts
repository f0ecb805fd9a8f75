/** Helpers over evaluation rows: loading every page, merging appended rows, the primary score. */
import type { Api } from '../api'
import type { CatalogEntry, EvaluationRow, ProxyChoice, RunConfig } from '../../shared/schemas'

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

/**
 * The proxies whose scores a run records: the single proxy, or the members of
 * a vote — an explicit vote (`mode: 'voting'`) or a named voting proxy such as
 * SJW (a catalog entry with `meta.voting` and `meta.members`).
 */
export function memberIds(proxy: ProxyChoice, catalog: readonly CatalogEntry[] = []): string[] {
  if (proxy.mode === 'voting') return [...proxy.ids]
  const meta = catalog.find((p) => p.id === proxy.id)?.meta
  const members = meta?.voting ? meta.members : undefined
  return Array.isArray(members) && members.length ? members.map(String) : [proxy.id]
}

/**
 * The score key charts use: the proxy itself, or for a vote its first member
 * (a majority vote ranks pairs and has no scalar score of its own).
 */
export function primaryProxy(proxy: ProxyChoice, catalog: readonly CatalogEntry[] = []): string {
  return memberIds(proxy, catalog)[0]
}

/** True when the run ranks by a majority vote. */
export function isVote(proxy: ProxyChoice, catalog: readonly CatalogEntry[] = []): boolean {
  return memberIds(proxy, catalog).length > 1 || proxy.mode === 'voting'
}

/** Every score key present in the rows (the run's proxies, voting members, extras). */
export function scoreKeys(rows: readonly EvaluationRow[], config?: RunConfig, catalog: readonly CatalogEntry[] = []): string[] {
  const keys = new Set<string>()
  if (config) memberIds(config.proxy, catalog).forEach((k) => keys.add(k))
  const limit = Math.min(rows.length, 200)
  for (let i = 0; i < limit; i++) for (const k of Object.keys(rows[i].scores)) keys.add(k)
  return [...keys]
}
