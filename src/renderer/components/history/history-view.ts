/**
 * History table model (pure): one row of display values per run, the sortable
 * columns and the filter. Sort keys are stable (ties keep the list's newest-first
 * order); empty values (no ground truth, no ρ) sort last in both directions.
 * Filter: case-insensitive substring over name, id, status, space, dataset,
 * proxy, strategy, notes and the failure reason, plus an optional status.
 */
import type { CatalogEntry, RunSummary } from '../../../shared/schemas'
import { decodeScore } from '../../../shared/score-value'
import { isVote, primaryProxy } from '../../lib/evaluations'

export interface HistoryLabels {
  spaceLabel(id: string): string
  strategyLabel(id: string): string
  proxyLabel(id: string): string
  proxies: readonly CatalogEntry[]
}

export interface HistoryRow {
  run: RunSummary
  dataset: string
  proxy: string
  vote: boolean
  /** the score key of "best score": the proxy, or for a vote its first member (said in the cell) */
  scoreKey: string
  bestScore: number | null
  bestAccuracy: number | null
  rho: number | null
  tau: number | null
  /** active scoring seconds (null for runs recorded before timing existed and never launched since) */
  duration: number | null
  failure: string | null
}

/** "CIFAR-10", "noise 16 px", "folder" … from the run's dataset spec. */
export function datasetText(d: RunSummary['config']['dataset']): string {
  switch (d.kind) {
    case 'noise':
      return `noise ${d.imageSize} px`
    case 'cifar10':
      return 'CIFAR-10'
    case 'cifar100':
      return 'CIFAR-100'
    case 'imagenet16':
      return `ImageNet16${d.classes ? `-${d.classes}` : ''}`
    default:
      return d.kind
  }
}

export function historyRow(r: RunSummary, l: HistoryLabels): HistoryRow {
  const vote = isVote(r.config.proxy, l.proxies)
  const scoreKey = primaryProxy(r.config.proxy, l.proxies)
  const raw = r.best ? decodeScore(r.best.scores[scoreKey]) : NaN
  const proxy = r.config.proxy.mode === 'single' ? l.proxyLabel(r.config.proxy.id) : `vote(${r.config.proxy.ids.map(l.proxyLabel).join(', ')})`
  const timed = r.timing && (r.timing.startedAt !== null || r.timing.activeSeconds > 0)
  return {
    run: r,
    dataset: datasetText(r.config.dataset),
    proxy,
    vote,
    scoreKey,
    bestScore: Number.isNaN(raw) ? null : raw,
    bestAccuracy: r.stats?.bestAccuracy ?? r.best?.groundTruth ?? null,
    rho: r.stats?.rho ?? null,
    tau: r.stats?.tau ?? null,
    duration: timed ? r.timing!.activeSeconds : null,
    failure: r.status === 'failed' ? (r.error?.message ?? 'failed (no reason recorded)') : null,
  }
}

export type HistorySortKey = 'name' | 'status' | 'space' | 'dataset' | 'proxy' | 'strategy' | 'n' | 'bestScore' | 'bestAccuracy' | 'rho' | 'tau' | 'duration' | 'created'

export const SORT_GETTERS: Record<HistorySortKey, (h: HistoryRow) => number | string | null> = {
  name: (h) => h.run.name || h.run.id,
  status: (h) => h.run.status,
  space: (h) => h.run.config.space,
  dataset: (h) => h.dataset,
  proxy: (h) => h.proxy,
  strategy: (h) => h.run.config.strategy,
  n: (h) => h.run.total,
  bestScore: (h) => h.bestScore,
  bestAccuracy: (h) => h.bestAccuracy,
  rho: (h) => h.rho,
  tau: (h) => h.tau,
  duration: (h) => h.duration,
  created: (h) => h.run.createdAt,
}

export interface HistoryQuery {
  text: string
  status: string
  sort: { key: HistorySortKey; dir: 'asc' | 'desc' } | null
}

export function applyHistoryView(rows: readonly HistoryRow[], q: HistoryQuery): HistoryRow[] {
  const needle = q.text.trim().toLowerCase()
  let out = rows.filter((h) => {
    if (q.status && h.run.status !== q.status) return false
    if (!needle) return true
    const hay = [h.run.name, h.run.id, h.run.status, h.run.config.space, h.dataset, h.proxy, h.run.config.strategy, h.run.notes, h.failure ?? ''].join('\n').toLowerCase()
    return hay.includes(needle)
  })
  if (q.sort) {
    const get = SORT_GETTERS[q.sort.key]
    const sign = q.sort.dir === 'asc' ? 1 : -1
    out = out
      .map((h, i) => ({ h, i, v: get(h) }))
      .sort((a, b) => {
        const ea = a.v === null || (typeof a.v === 'number' && Number.isNaN(a.v))
        const eb = b.v === null || (typeof b.v === 'number' && Number.isNaN(b.v))
        if (ea || eb) return ea === eb ? a.i - b.i : ea ? 1 : -1
        const d = typeof a.v === 'number' && typeof b.v === 'number' ? (a.v < b.v ? -1 : a.v > b.v ? 1 : 0) : String(a.v).localeCompare(String(b.v))
        return d !== 0 ? sign * Math.sign(d) : a.i - b.i
      })
      .map((x) => x.h)
  }
  return out
}
