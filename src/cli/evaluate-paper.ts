/**
 * `zsnas evaluate --paper` without `--dataset`: the paper's Table 2 (NB201
 * block) in one resumable run.
 *
 * Protocol (reference notes §7): NB201 benchmark indices 0..n−1 (paper:
 * n = 1000; ρ does not depend on the scoring order), a fresh batch of 64 and a fresh PyTorch-default
 * init per architecture (seed = seed ⊕ fnv1a(arch hash), as `zsnas evaluate`),
 * each dataset scored with its OWN input (CIFAR-10 and CIFAR-100 from the
 * shared images, ImageNet16-120 from the shared 16×16 ImageNet SAMPLE) and
 * ranked against that dataset's 200-epoch test accuracy. Every plain proxy
 * of the registry and every voting proxy with `--proxies all`.
 *
 * A representative subset: `--stride K [--offset O]` scores every K-th index
 * of 0..n−1 from O, coarse to fine (evaluate-subset.ts: a run stopped early
 * is spread over the range). Expensive proxies may be capped: `--cap
 * grasp=25` scores GraSP on the first 25 indices of the subset in that order
 * (spread over 0..n−1, not indices 0..24); the
 * table says n per cell. Results go to `--out` one row at a time
 * (evaluate-partial.ts); `--resume` continues a run and reuses every finished
 * row whose index is in the subset (the subset and the caps may change on
 * resume; everything that decides a score may not).
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { CliIO } from './io'
import { CliUsageError } from './args'
import { createProgress, formatDuration } from './progress'
import { ZsnasError } from '../engine/core/errors'
import type { InitScheme } from '../engine/core/network'
import { listProxies, fnv1a, getProxy, type ProxyMode } from '../engine/proxies'
import { expandProxyIds, getVotingProxy, VOTING_PROXIES } from '../engine/proxies/voting'
import { loadNb201Table } from '../engine/benchmarks/nb201-csv'
import type { GroundTruth } from '../engine/core/data'
import { scoreArchitecture, type ScoreRequest, type ScoreResult } from '../engine/score/score'
import { nb201Space } from '../engine/spaces/nb201'
import { appendRow, openRunDir, readPartial, scoresPath, type PartialRow } from './evaluate-partial'
import { datasetProxyOptions, getTable2Dataset, table2Cells, table2Csv, table2Markdown, table2Text, TABLE2_DATASETS, type Table2Cell, type Table2Dataset } from './evaluate-table2'
import { capNote, cappedIndices, checkSubset, scoringOrder, subsetIndices, subsetLabel } from './evaluate-subset'

export interface PaperRunOptions {
  table: string
  dataRoot: string
  datasets: string[]
  /** proxy ids (plain and voting) or ['all'] */
  proxies: string[]
  /** indices are < n */
  n: number
  /** every stride-th index of 0..n−1 (default 1) … */
  stride?: number
  /** … starting at offset (0..stride−1, default 0) */
  offset?: number
  /** proxy id → scored only on the first N indices of the subset in scoring order (spread over 0..n−1) */
  caps: Record<string, number>
  out: string
  resume: boolean
  /** no scoring: the table over the rows already in `out` (a run still going, or stopped early) */
  reportOnly?: boolean
  seed: number
  batchSize: number
  init: InitScheme
  mode?: ProxyMode
  proxyOptions: Record<string, unknown>
  /** injected scorer (tests, worker pools); default in-process */
  scorer?(req: ScoreRequest): Promise<ScoreResult>
}

export interface PaperRunResult {
  cells: Table2Cell[]
  proxies: string[]
  datasets: Table2Dataset[]
  /** architectures scored by this invocation (not counting resumed rows) */
  scored: number
}

/** Config keys that choose WHICH rows are scored, not their scores: they may change on `--resume`. */
export const SELECTION_KEYS: readonly string[] = ['protocol', 'n', 'stride', 'offset', 'caps']

/** `all` → every registered plain proxy then every voting proxy; otherwise the list, validated. */
export function resolveTable2Proxies(ids: readonly string[]): string[] {
  if (ids.length === 1 && ids[0] === 'all') return [...listProxies().map((p) => p.id), ...VOTING_PROXIES.map((v) => v.id)]
  for (const id of ids) if (getVotingProxy(id) === undefined) getProxy(id)
  return [...ids]
}

/** Parses `--cap grasp=100,zen=500` (ids must be plain proxies of the run). */
export function parseCaps(raw: string | undefined, plain: readonly string[]): Record<string, number> {
  const caps: Record<string, number> = {}
  if (raw === undefined || raw.trim() === '') return caps
  for (const part of raw.split(',')) {
    const m = /^\s*([a-z0-9_-]+)\s*=\s*(\d+)\s*$/i.exec(part)
    if (!m) throw new CliUsageError(`--cap must be a list of PROXY=N (e.g. grasp=100), got '${part}'`)
    if (!plain.includes(m[1])) throw new CliUsageError(`--cap names '${m[1]}', which is not a scored proxy of this run (${plain.join(', ')})`)
    caps[m[1]] = Number(m[2])
  }
  return caps
}

/** A run's resolved inputs: proxies, datasets, ground truth, subset and the config stored in `out`. */
interface PaperRunPlan {
  proxies: string[]
  plain: string[]
  datasets: Table2Dataset[]
  dataRoot: string
  gt: GroundTruth
  /** the subset's indices in increasing order */
  indices: number[]
  /** the same in scoring order (coarse to fine: every prefix spread over 0..n−1) */
  ordered: number[]
  label: string
  config: Record<string, unknown>
}

function planRun(o: PaperRunOptions): PaperRunPlan {
  const proxies = resolveTable2Proxies(o.proxies)
  const datasets = o.datasets.map((id) => {
    const d = getTable2Dataset(id)
    if (d === undefined) throw new CliUsageError(`--datasets: unknown dataset '${id}'; expected ${TABLE2_DATASETS.map((x) => x.id).join(', ')}`)
    return d
  })
  // absolute, so `--resume` matches the stored config whatever the cwd or the spelling of --data-root
  const dataRoot = resolve(o.dataRoot)
  const gt = loadNb201Table(o.table)
  for (const d of datasets) {
    if (!gt.metrics.includes(d.id)) throw new ZsnasError('INVALID_OPTION', `${o.table} has no '${d.id}' accuracy column; available: ${gt.metrics.join(', ')}`)
  }
  const subset = { n: o.n, stride: o.stride ?? 1, offset: o.offset ?? 0 }
  checkSubset(subset, gt.size)
  const label = subsetLabel(subset)
  const indices = subsetIndices(subset)
  const config = {
    protocol: `nb201 ${label}`,
    n: o.n,
    stride: subset.stride,
    offset: subset.offset,
    proxies,
    caps: o.caps,
    datasets: datasets.map((d) => ({ id: d.id, input: d.spec(dataRoot), proxyOptions: datasetProxyOptions(d, o.proxyOptions) })),
    seed: o.seed,
    batchSize: o.batchSize,
    init: o.init,
    mode: o.mode ?? 'paper',
    proxyOptions: o.proxyOptions,
  }
  return { proxies, plain: expandProxyIds(proxies), datasets, dataRoot, gt, indices, ordered: scoringOrder(indices), label, config }
}

/** Scores every (subset index, dataset) pair not yet in `done`, index-major, appending each row. */
async function scoreMissing(o: PaperRunOptions, plan: PaperRunPlan, done: Map<string, PartialRow[]>, io: CliIO): Promise<{ scored: number; remaining: number }> {
  const { plain, datasets, gt, ordered } = plan
  const keys = gt.keys()
  const capped = cappedIndices(ordered, o.caps)
  const wantAt = (i: number) => plain.filter((p) => capped.get(p)?.has(i) ?? true)
  const have = new Map(datasets.map((d) => [d.id, new Set((done.get(d.id) as PartialRow[]).map((r) => r.index))]))
  const todo = ordered.flatMap((i) => (wantAt(i).length === 0 ? [] : datasets.filter((d) => !have.get(d.id)?.has(i)).map((d) => ({ i, d }))))
  const total = ordered.length * datasets.length
  if (todo.length < total) io.err(`resuming: ${total - todo.length} of ${total} rows already in ${o.out}\n`)
  if (o.reportOnly) return { scored: 0, remaining: todo.length }
  const progress = createProgress(io)
  const scorer = o.scorer ?? scoreArchitecture
  const t0 = performance.now()
  let scored = 0
  // index-major (each index on every dataset before the next): a run stopped early has equal n per dataset;
  // coarse-to-fine over the subset: its indices are spread over 0..n−1
  for (const { i, d } of todo) {
    const arch = nb201Space.fromString(keys[i])
    const want = wantAt(i)
    const r = await scorer({
      space: 'nb201',
      arch: nb201Space.toString(arch),
      proxies: want,
      dataset: d.spec(plan.dataRoot),
      batchSize: o.batchSize,
      seed: ((o.seed >>> 0) ^ fnv1a(nb201Space.hash(arch))) >>> 0,
      init: o.init,
      mode: o.mode,
      proxyOptions: datasetProxyOptions(d, o.proxyOptions),
    })
    const row: PartialRow = { index: i, arch: r.arch, accuracy: gt.get(keys[i], d.id) ?? NaN, scores: {}, seconds: r.seconds }
    for (const p of want) row.scores[p] = r.scores[p]
    appendRow(scoresPath(o.out, d.id), plain, row)
    ;(done.get(d.id) as PartialRow[]).push(row)
    scored++
    const el = (performance.now() - t0) / 1000
    progress.update(scored, todo.length, el, (el / scored) * (todo.length - scored))
  }
  progress.end()
  return { scored, remaining: todo.length }
}

/** Writes table2.{csv,md,txt} over the subset's rows of `done`; returns the cells and the text. */
function writeTables(o: PaperRunOptions, plan: PaperRunPlan, done: Map<string, PartialRow[]>, partial: boolean): { cells: Table2Cell[]; text: string } {
  const { datasets, proxies, plain, indices, ordered } = plan
  const inSubset = new Set(indices)
  const rowsOf = (d: Table2Dataset) => (done.get(d.id) as PartialRow[]).filter((r) => inSubset.has(r.index))
  const cells = datasets.flatMap((d) => table2Cells(d, rowsOf(d), proxies))
  writeFileSync(join(o.out, 'table2.csv'), table2Csv(cells))
  const rowsDone = datasets.map((d) => `${d.label} ${rowsOf(d).length}/${indices.length}`).join(', ')
  const notes = [
    ...(partial ? [`PARTIAL: rows scored so far ${rowsDone} (stopped early or --report; scored coarse to fine, so they are spread over the range); n per cell below.`] : []),
    `NB201 ${plan.label}, batch ${o.batchSize}, init ${o.init}, seed ${o.seed}; ρ = signed Spearman (higher-is-better proxies: the paper's |ρ| should match a positive ρ), τ = Kendall τ-b.`,
    ...datasets.map((d) => `${d.label}: ${d.note}.`),
    ...datasets.filter((d) => d.forcedOptions && plain.some((p) => p in (d.forcedOptions?.options ?? {}))).map((d) => `${d.label}: ${d.forcedOptions?.note}.`),
    ...Object.entries(o.caps).map(([p, c]) => capNote(p, c, ordered)),
  ]
  writeFileSync(join(o.out, 'table2.md'), `${table2Markdown(datasets, cells, proxies)}\n${notes.map((l) => `- ${l}`).join('\n')}\n`)
  const text = `${table2Text(datasets, cells, proxies)}\n${notes.join('\n')}\n`
  writeFileSync(join(o.out, 'table2.txt'), text)
  return { cells, text }
}

/** Runs (or resumes) the Table 2 evaluation and writes table2.{txt,md,csv} into `out`. */
export async function runPaperTable(o: PaperRunOptions, io: CliIO): Promise<PaperRunResult> {
  const plan = planRun(o)
  if (o.reportOnly && !existsSync(join(o.out, 'config.json'))) {
    throw new ZsnasError('FILE_NOT_FOUND', `--report: ${o.out} holds no run (no config.json); start one with --out ${o.out}`, { path: o.out })
  }
  openRunDir(o.out, plan.config, o.resume, SELECTION_KEYS)
  const done = new Map<string, PartialRow[]>()
  for (const d of plan.datasets) done.set(d.id, readPartial(scoresPath(o.out, d.id), plan.plain))
  const t0 = performance.now()
  const { scored, remaining } = await scoreMissing(o, plan, done, io)
  const { cells, text } = writeTables(o, plan, done, remaining - scored > 0)
  io.err(`${scored} architecture(s) scored in ${formatDuration((performance.now() - t0) / 1000)}; results in ${o.out} (table2.csv, table2.md, scores-*.csv)\n`)
  io.out(text)
  return { cells, proxies: plan.proxies, datasets: plan.datasets, scored }
}

/** Default data root: env ZSNAS_SHARED_DATA, else ../shared/data (the project's shared folder). */
export function defaultDataRoot(): string {
  return process.env.ZSNAS_SHARED_DATA ?? join('..', 'shared', 'data')
}
