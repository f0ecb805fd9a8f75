/**
 * Table 2 (NB201 block) of the WRCor paper: which datasets, where their
 * shared inputs live, the paper's |ρ| per proxy, and the comparison table
 * (text, Markdown, CSV) of a run against them.
 *
 * Paper values: plain proxies read `paperRho` from their own registry entry
 * (one source of truth); the voting proxies' values are below (reference
 * notes §8: SJW 0.851/0.846/0.847, SPW 0.789/0.823/0.808, ZeroCost
 * 0.775/0.802/0.775). The paper prints ABSOLUTE Spearman values (reference
 * §7); every proxy here is sign-adjusted so higher = better, so a faithful
 * proxy has a POSITIVE signed ρ close to the paper's value, and the table
 * shows the signed ρ (a proxy ranking the wrong way is visible).
 */
import { join } from 'node:path'
import type { DatasetSpec } from '../engine/core/data'
import { getProxy, type PaperRho } from '../engine/proxies'
import { getVotingProxy, votingRanks, type VotingRankMethod } from '../engine/proxies/voting'
import { summarize, type EvaluatedArch, type ProxyEvaluation } from '../engine/score/evaluate'

export interface Table2Dataset {
  /** id used in flags and file names; also the ground-truth metric */
  id: 'cifar10' | 'cifar100' | 'imagenet16-120'
  /** key of `PaperRho` */
  paperKey: keyof PaperRho
  label: string
  /** the scoring input under the shared data root */
  spec(root: string): DatasetSpec
  /** what the input is, printed with the table (the ImageNet one is a stand-in sample) */
  note: string
  /**
   * Proxy options this input forces where the user set none (proxy id → options), with the reason
   * printed beside the table: the ImageNet sample has only 120 images, fewer than ePADS's default 128.
   */
  forcedOptions?: { options: Record<string, Record<string, unknown>>; note: string }
}

/** The run's proxy options for `ds`: the user's, plus the dataset's forced ones where the user set that key nowhere. */
export function datasetProxyOptions(ds: Table2Dataset, user: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...user }
  for (const [id, opts] of Object.entries(ds.forcedOptions?.options ?? {})) {
    const mine = (user[id] ?? {}) as Record<string, unknown>
    const merged: Record<string, unknown> = { ...mine }
    for (const [k, v] of Object.entries(opts)) if (!(k in mine)) merged[k] = v
    out[id] = merged
  }
  return out
}

export const TABLE2_DATASETS: readonly Table2Dataset[] = [
  {
    id: 'cifar10',
    paperKey: 'cifar10',
    label: 'C10',
    spec: (root) => ({ kind: 'cifar10', path: join(root, 'cifar10', 'data_batch_1_first4000_exact.bin') }),
    note: 'CIFAR-10: the 4,000 bit-exact training images of data_batch_1',
  },
  {
    id: 'cifar100',
    paperKey: 'cifar100',
    label: 'C100',
    spec: (root) => ({ kind: 'cifar100', path: join(root, 'cifar100', 'train_first486_exact.bin') }),
    note: 'CIFAR-100: the 486 bit-exact training images',
  },
  {
    id: 'imagenet16-120',
    paperKey: 'imagenet16',
    label: 'IN16',
    spec: (root) => ({ kind: 'u8', path: join(root, 'imagenet_sample', 'imagenet1k_sample_1000x16x16x3.u8'), imageSize: 16, normalization: 'imagenet16' }),
    note: 'ImageNet16-120: a SAMPLE — 120 ImageNet images (one per class, class_idx 0..119, 16×16 box-downsampled), not the benchmark\'s own images',
    forcedOptions: { options: { epads: { batchSize: 120 } }, note: 'ePADS on IN16 uses batch 120 (all images of the sample; its default 128 exceeds them) unless --epads-batch-size is given' },
  },
]

export function getTable2Dataset(id: string): Table2Dataset | undefined {
  return TABLE2_DATASETS.find((d) => d.id === id)
}

/** Paper |ρ| of the voting proxies on NB201 (reference notes §8). */
export const VOTING_PAPER_RHO: Readonly<Record<string, PaperRho>> = {
  sjw: { cifar10: 0.851, cifar100: 0.846, imagenet16: 0.847, nb101: 0.383 },
  spw: { cifar10: 0.789, cifar100: 0.823, imagenet16: 0.808, nb101: 0.569 },
  zerocost: { cifar10: 0.775, cifar100: 0.802, imagenet16: 0.775, nb101: 0 },
}

/** The paper's |ρ| for proxy `id` on `ds`, or undefined when the paper has none. */
export function paperValue(id: string, ds: Table2Dataset): number | undefined {
  const rho = getVotingProxy(id) ? VOTING_PAPER_RHO[id] : getProxy(id).paperRho
  return rho?.[ds.paperKey]
}

export interface Table2Cell extends ProxyEvaluation {
  proxy: string
  dataset: Table2Dataset['id']
  paper?: number
}

/**
 * How Table 2 ranks a voting proxy: the reference notebook's `hard_vote`
 * (reference notes §2.2, §7): `sorted(range(n), key=cmp_to_key(cmp))` over the
 * architectures in BENCHMARK INDEX ORDER, score = position. The comparator is
 * intransitive, so this order-dependent method gives other positions than the
 * engine's order-independent default ('scc-copeland', used by `zsnas
 * evaluate` and searches); Table 2 compares with the paper, so it replays the
 * paper's method (V8's TimSort, the same algorithm as CPython's listsort;
 * checked against CPython in tests/cli/evaluate-vote-rank.test.ts).
 */
export const TABLE2_VOTE_RANKING: VotingRankMethod = 'sort'

/**
 * Statistics of one dataset's rows. A plain proxy uses the rows where it was
 * scored (value present; NaN dropped, ±∞ kept and ranked); a voting proxy the
 * rows where all its members were scored, in increasing benchmark index,
 * ranked over exactly those rows by `TABLE2_VOTE_RANKING`.
 */
export function table2Cells(ds: Table2Dataset, rows: readonly { index: number; accuracy: number; scores: Record<string, number | undefined> }[], proxies: readonly string[]): Table2Cell[] {
  return proxies.map((id) => {
    const v = getVotingProxy(id)
    const members = v ? [...v.members] : [id]
    const use: EvaluatedArch[] = rows
      .filter((r) => members.every((m) => r.scores[m] !== undefined))
      .map((r) => ({ index: r.index, arch: '', accuracy: r.accuracy, scores: { ...(r.scores as Record<string, number>) }, seconds: 0 }))
      .sort((a, b) => a.index - b.index)
    if (v && use.length > 0) {
      const pos = votingRanks(v, use.map((r) => r.scores), TABLE2_VOTE_RANKING)
      use.forEach((r, i) => (r.scores[id] = pos[i]))
    }
    const stat: ProxyEvaluation =
      use.length >= 2 ? summarize(use, [id])[id] : { spearman: NaN, kendall: NaN, top10Precision: NaN, n: use.length, nonFinite: 0 }
    return { proxy: id, dataset: ds.id, paper: paperValue(id, ds), ...stat }
  })
}

const f3 = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3))

/** Plain-text table: one row per proxy, per dataset ρ (signed), the paper's |ρ|, τ and n. */
export function table2Text(datasets: readonly Table2Dataset[], cells: readonly Table2Cell[], proxies: readonly string[]): string {
  const head = ['proxy'.padEnd(10), ...datasets.map((d) => `${`${d.label} ρ`.padStart(8)} ${'paper'.padStart(6)} ${'τ'.padStart(6)} ${'n'.padStart(5)}`)].join(' | ')
  const lines = proxies.map((p) =>
    [
      p.padEnd(10),
      ...datasets.map((d) => {
        const c = cells.find((x) => x.proxy === p && x.dataset === d.id)
        return `${f3(c?.spearman).padStart(8)} ${f3(c?.paper).padStart(6)} ${f3(c?.kendall).padStart(6)} ${String(c?.n ?? 0).padStart(5)}`
      }),
    ].join(' | '),
  )
  return [head, '-'.repeat(head.length), ...lines].join('\n')
}

/** Markdown table with the same columns plus non-finite counts. */
export function table2Markdown(datasets: readonly Table2Dataset[], cells: readonly Table2Cell[], proxies: readonly string[]): string {
  const head = `| proxy | ${datasets.map((d) => `${d.label} ρ | paper | τ | n (non-finite)`).join(' | ')} |`
  const sep = `|---|${datasets.map(() => '---:|---:|---:|---:').join('|')}|`
  const lines = proxies.map((p) => {
    const parts = datasets.map((d) => {
      const c = cells.find((x) => x.proxy === p && x.dataset === d.id)
      return `${f3(c?.spearman)} | ${f3(c?.paper)} | ${f3(c?.kendall)} | ${c?.n ?? 0} (${c?.nonFinite ?? 0})`
    })
    return `| ${p} | ${parts.join(' | ')} |`
  })
  return [head, sep, ...lines].join('\n') + '\n'
}

/** CSV: proxy,dataset,n,nonFinite,spearman,kendall,paper,delta (delta = signed ρ − paper |ρ|). */
export function table2Csv(cells: readonly Table2Cell[]): string {
  const head = 'proxy,dataset,n,nonFinite,spearman,kendall,paper,delta'
  const lines = cells.map((c) =>
    [c.proxy, c.dataset, c.n, c.nonFinite, c.spearman, c.kendall, c.paper ?? '', c.paper === undefined ? '' : c.spearman - c.paper].join(','),
  )
  return `${[head, ...lines].join('\n')}\n`
}
