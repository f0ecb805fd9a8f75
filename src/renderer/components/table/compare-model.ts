/**
 * Compare-runs model (pure): per-run headline numbers, the configuration diff
 * and the overlaid chart options.
 *  - A vote run (SJW, SPW, a custom vote) is labelled as a vote; its ρ/τ are
 *    the vote's own ranking against ground truth (`voteTruthCorrelation`), its
 *    best is the run's (majority-vote) best — never a member's score passed off as the run's.
 *  - Best-so-far (overlaid): after k evaluations, the ground-truth accuracy of the
 *    architecture the run ranks best so far (the reference's best-so-far rule,
 *    `replacesBest` with the majority comparator; one member = plain max). Runs
 *    without ground truth are drawn with their own best score on a second axis.
 *  - Score vs accuracy (overlaid): x = the score's percentile rank within its own
 *    run (so proxies with different scales share an axis), y = accuracy.
 *  - Config diff: every configuration field (dotted path) whose value differs between
 *    the runs; identical fields are counted, not listed.
 */
import type { CatalogEntry, EvaluationRow, RunDetail } from '../../../shared/schemas'
import { decodeScore } from '../../../shared/score-value'
import { majorityCompare, replacesBest } from '../../../engine/search/compare'
import { isVote, memberIds, primaryProxy } from '../../lib/evaluations'
import { scoreTruthCorrelation, type Correlation } from '../../lib/chartOptions'
import { toPoints } from '../../lib/points'
import { voteTruthCorrelation } from '../../lib/vote-correlation'
import { VOTE_RANK_LIMIT } from '../../lib/vote-correlation'

export interface CompareSide {
  detail: RunDetail
  rows: EvaluationRow[]
}

export interface SideView extends CompareSide {
  label: string
  vote: boolean
  members: string[]
  proxy: string
  corr: Correlation | null
  bestAcc: number | null
  /** [evaluations so far, accuracy (or score) of the best-so-far architecture] */
  bestCurve: [number, number][]
  curveIsAccuracy: boolean
}

export function sideView(s: CompareSide, catalog: readonly CatalogEntry[], proxyLabel: (id: string) => string): SideView {
  const cfg = s.detail.config
  const members = memberIds(cfg.proxy, catalog)
  const vote = isVote(cfg.proxy, catalog)
  const proxy = primaryProxy(cfg.proxy, catalog)
  const named = cfg.proxy.mode === 'single' ? proxyLabel(cfg.proxy.id) : null
  const label = !vote ? proxyLabel(proxy) : named && /vote/i.test(named) ? named : `${named ? named + ': ' : ''}majority vote of ${members.map(proxyLabel).join(', ')}`
  const corr = vote ? (s.rows.length > VOTE_RANK_LIMIT ? null : voteTruthCorrelation(s.rows, members)) : scoreTruthCorrelation(toPoints(s.rows, proxy))
  let bestAcc: number | null = null
  for (const r of s.rows) if (r.status === 'ok' && r.groundTruth !== null && (bestAcc === null || r.groundTruth > bestAcc)) bestAcc = r.groundTruth
  const curveIsAccuracy = !!cfg.groundTruth
  const bestCurve: [number, number][] = []
  let best: number[] | null = null
  let bestRow: EvaluationRow | null = null
  let k = 0
  for (const r of s.rows) {
    if (r.phase === 'warmup') continue
    k++
    if (r.status === 'ok') {
      const v = members.map((m) => decodeScore(r.scores[m]))
      if (replacesBest(v, best, majorityCompare)) {
        best = v
        bestRow = r
      }
    }
    if (bestRow) {
      const y = curveIsAccuracy ? bestRow.groundTruth : decodeScore(bestRow.scores[proxy])
      if (y !== null && Number.isFinite(y)) bestCurve.push([k, y])
    }
  }
  return { ...s, label, vote, members, proxy, corr, bestAcc, bestCurve, curveIsAccuracy }
}

/** Flattens a JSON value to dotted paths ('strategyOptions.populationSize' → 10). */
export function flatten(v: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(x, prefix ? `${prefix}.${k}` : k, out)
  } else out[prefix] = JSON.stringify(v)
  return out
}

/** The differing fields: path → one value per run ('' = absent); plus how many fields are identical. */
export function configDiff(configs: readonly unknown[]): { rows: { path: string; values: string[] }[]; same: number } {
  const flat = configs.map((c) => flatten(c))
  const paths = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort()
  const rows: { path: string; values: string[] }[] = []
  let same = 0
  for (const p of paths) {
    const values = flat.map((f) => (p in f ? f[p] : ''))
    if (values.every((v) => v === values[0])) same++
    else rows.push({ path: p, values })
  }
  return { rows, same }
}

/** Percentile ranks in [0, 1] of finite-or-±∞ values (average rank for ties; NaN → null). */
export function percentiles(xs: readonly number[]): (number | null)[] {
  const idx = xs.map((x, i) => ({ x, i })).filter((o) => !Number.isNaN(o.x)).sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0))
  const out: (number | null)[] = xs.map(() => null)
  const n = idx.length
  for (let a = 0; a < n; ) {
    let b = a
    while (b + 1 < n && idx[b + 1].x === idx[a].x) b++
    const rank = (a + b) / 2
    for (let j = a; j <= b; j++) out[idx[j].i] = n > 1 ? rank / (n - 1) : 0.5
    a = b + 1
  }
  return out
}

const PALETTE = ['#2f6fb3', '#c0392b', '#2e7d32', '#8e44ad', '#d68910', '#17a589', '#7f8c8d', '#b03a2e']
export const runColor = (i: number) => PALETTE[i % PALETTE.length]

const axisName = { nameLocation: 'middle' as const, nameGap: 34 }

export function overlayBestOption(views: readonly SideView[]) {
  const anyAcc = views.some((v) => v.curveIsAccuracy)
  return {
    animation: false,
    backgroundColor: 'transparent',
    color: views.map((_, i) => runColor(i)),
    title: { text: anyAcc ? 'Accuracy of the best-so-far architecture' : 'Best score so far', left: 8, textStyle: { fontSize: 13 } },
    legend: { top: 30, type: 'scroll' },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : String(v)) },
    grid: { left: 64, right: 20, top: 70, bottom: 46 },
    xAxis: { type: 'value', name: 'architectures evaluated', minInterval: 1, ...axisName },
    yAxis: { type: 'value', name: anyAcc ? 'accuracy (%)' : 'score', scale: true, ...axisName, nameGap: 46 },
    series: views.map((v) => ({ type: 'line', step: 'end', name: v.detail.name || v.detail.id, showSymbol: false, data: v.bestCurve })),
  }
}

export function overlayTruthOption(views: readonly SideView[]) {
  return {
    animation: false,
    backgroundColor: 'transparent',
    color: views.map((_, i) => runColor(i)),
    title: { text: 'Score (percentile within its run) vs accuracy', left: 8, textStyle: { fontSize: 13 } },
    legend: { top: 30, type: 'scroll' },
    tooltip: { trigger: 'item', formatter: (p: { seriesName: string; value: [number, number, string] }) => `${p.seriesName}<br/>#${p.value[2]} · percentile ${(100 * p.value[0]).toFixed(1)} · ${p.value[1].toFixed(2)} %` },
    grid: { left: 64, right: 20, top: 70, bottom: 46 },
    xAxis: { type: 'value', name: 'score percentile within the run (vote: first member)', min: 0, max: 1, ...axisName },
    yAxis: { type: 'value', name: 'accuracy (%)', scale: true, ...axisName, nameGap: 46 },
    series: views.map((v) => {
      const ok = v.rows.filter((r) => r.status === 'ok' && r.groundTruth !== null)
      const pct = percentiles(ok.map((r) => decodeScore(r.scores[v.proxy])))
      return {
        type: 'scatter',
        name: v.detail.name || v.detail.id,
        symbolSize: 6,
        data: ok.flatMap((r, i) => (pct[i] === null ? [] : [[pct[i], r.groundTruth, String(r.index)]])),
      }
    }),
  }
}
