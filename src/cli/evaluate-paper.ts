/**
 * `zsnas evaluate --paper` without `--dataset`: the paper's Table 2 (NB201
 * block) in one resumable run.
 *
 * Protocol (reference notes §7): NB201 benchmark indices 0..n−1 in index
 * order (paper: n = 1000), a fresh batch of 64 and a fresh PyTorch-default
 * init per architecture (seed = seed ⊕ fnv1a(arch hash), as `zsnas evaluate`),
 * each dataset scored with its OWN input (CIFAR-10 and CIFAR-100 from the
 * shared images, ImageNet16-120 from the shared 16×16 ImageNet SAMPLE) and
 * ranked against that dataset's 200-epoch test accuracy. Every plain proxy
 * of the registry and every voting proxy with `--proxies all`.
 *
 * Expensive proxies may be capped: with `--cap grasp=100` GraSP is scored
 * only on indices < 100; the table says n per cell. Results go to `--out`
 * one row at a time (evaluate-partial.ts); `--resume` continues a run.
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
import { scoreArchitecture, type ScoreRequest, type ScoreResult } from '../engine/score/score'
import { nb201Space } from '../engine/spaces/nb201'
import { appendRow, openRunDir, readPartial, scoresPath, type PartialRow } from './evaluate-partial'
import { datasetProxyOptions, getTable2Dataset, table2Cells, table2Csv, table2Markdown, table2Text, TABLE2_DATASETS, type Table2Cell, type Table2Dataset } from './evaluate-table2'

export interface PaperRunOptions {
  table: string
  dataRoot: string
  datasets: string[]
  /** proxy ids (plain and voting) or ['all'] */
  proxies: string[]
  /** first n benchmark indices */
  n: number
  /** proxy id → only indices < cap are scored */
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

/** Runs (or resumes) the Table 2 evaluation and writes table2.{txt,md,csv} into `out`. */
export async function runPaperTable(o: PaperRunOptions, io: CliIO): Promise<PaperRunResult> {
  const proxies = resolveTable2Proxies(o.proxies)
  const plain = expandProxyIds(proxies)
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
  if (o.n > gt.size) throw new CliUsageError(`--n ${o.n} exceeds the ${gt.size} architectures of ${o.table}`)
  const config = {
    protocol: 'nb201 indices 0..n-1',
    n: o.n,
    proxies,
    caps: o.caps,
    datasets: datasets.map((d) => ({ id: d.id, input: d.spec(dataRoot), proxyOptions: datasetProxyOptions(d, o.proxyOptions) })),
    seed: o.seed,
    batchSize: o.batchSize,
    init: o.init,
    mode: o.mode ?? 'paper',
    proxyOptions: o.proxyOptions,
  }
  if (o.reportOnly && !existsSync(join(o.out, 'config.json'))) {
    throw new ZsnasError('FILE_NOT_FOUND', `--report: ${o.out} holds no run (no config.json); start one with --out ${o.out}`, { path: o.out })
  }
  openRunDir(o.out, config, o.resume)
  const keys = gt.keys()
  const capOf = (p: string) => Math.min(o.n, o.caps[p] ?? o.n)
  const done = new Map<string, PartialRow[]>()
  let remaining = 0
  for (const d of datasets) {
    const rows = readPartial(scoresPath(o.out, d.id), plain)
    done.set(d.id, rows)
    remaining += o.n - new Set(rows.map((r) => r.index)).size
  }
  if (remaining < datasets.length * o.n) io.err(`resuming: ${datasets.length * o.n - remaining} of ${datasets.length * o.n} rows already in ${o.out}\n`)
  const progress = createProgress(io)
  const scorer = o.scorer ?? scoreArchitecture
  const t0 = performance.now()
  let scored = 0
  // index-major order (each index on every dataset before the next index): a run stopped early has equal n per dataset
  const have = new Map(datasets.map((d) => [d.id, new Set((done.get(d.id) as PartialRow[]).map((r) => r.index))]))
  for (let i = 0; i < o.n && !o.reportOnly; i++) {
    for (const d of datasets) {
      if (have.get(d.id)?.has(i)) continue
      const arch = nb201Space.fromString(keys[i])
      const want = plain.filter((p) => i < capOf(p))
      const r = await scorer({
        space: 'nb201',
        arch: nb201Space.toString(arch),
        proxies: want,
        dataset: d.spec(dataRoot),
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
      progress.update(scored, remaining, el, (el / scored) * (remaining - scored))
    }
  }
  progress.end()
  const cells = datasets.flatMap((d) => table2Cells(d, done.get(d.id) as PartialRow[], proxies))
  writeFileSync(join(o.out, 'table2.csv'), table2Csv(cells))
  const rowsDone = datasets.map((d) => `${d.label} ${(done.get(d.id) as PartialRow[]).length}/${o.n}`).join(', ')
  const notes = [
    ...(remaining - scored > 0 ? [`PARTIAL: rows scored so far ${rowsDone} (stopped early or --report); n per cell below.`] : []),
    `NB201 indices 0..${o.n - 1}, batch ${o.batchSize}, init ${o.init}, seed ${o.seed}; ρ = signed Spearman (higher-is-better proxies: the paper's |ρ| should match a positive ρ), τ = Kendall τ-b.`,
    ...datasets.map((d) => `${d.label}: ${d.note}.`),
    ...datasets.filter((d) => d.forcedOptions && plain.some((p) => p in (d.forcedOptions?.options ?? {}))).map((d) => `${d.label}: ${d.forcedOptions?.note}.`),
    ...Object.entries(o.caps).map(([p, c]) => (c === 0 ? `${p}: not scored (--cap ${p}=0).` : `${p}: scored on indices 0..${Math.min(c, o.n) - 1} only (--cap), n in its cells.`)),
  ]
  writeFileSync(join(o.out, 'table2.md'), `${table2Markdown(datasets, cells, proxies)}\n${notes.map((l) => `- ${l}`).join('\n')}\n`)
  const text = `${table2Text(datasets, cells, proxies)}\n${notes.join('\n')}\n`
  writeFileSync(join(o.out, 'table2.txt'), text)
  io.err(`${scored} architecture(s) scored in ${formatDuration((performance.now() - t0) / 1000)}; results in ${o.out} (table2.csv, table2.md, scores-*.csv)\n`)
  io.out(text)
  return { cells, proxies, datasets: [...datasets], scored }
}

/** Default data root: env ZSNAS_SHARED_DATA, else ../shared/data (the project's shared folder). */
export function defaultDataRoot(): string {
  return process.env.ZSNAS_SHARED_DATA ?? join('..', 'shared', 'data')
}

