import { writeFileSync } from 'node:fs'
import type { CliCommand } from './commands'
import { BATCH_USAGE, batchFlag, datasetFlag, initFlag, intFlag, listFlag, parseFlags, CliUsageError } from './args'
import { createProgress, formatDuration } from './progress'
import { evaluateProxies, type EvaluateResult, type EvaluationSample } from '../engine/score/evaluate'
import { loadGroundTruth } from '../engine/spaces/registry'
import { ZsnasError } from '../engine/core/errors'
import { proxyOptionFlags, proxyOptionsFromFlags, proxyOptionsUsage } from './proxy-options'
import { defaultDataRoot, parseCaps, resolveTable2Proxies, runPaperTable, type PaperRunOptions } from './evaluate-paper'
import type { CliIO } from './io'
import { expandProxyIds, type VotingRankMethod } from '../engine/proxies/voting'
import { TABLE2_DATASETS } from './evaluate-table2'
import { checkWritableFile } from '../backend/fs-safe'

/** CSV of per-architecture scores: index,arch,accuracy,<proxy ids…>,seconds (±Infinity/NaN written as such). */
export function resultCsv(r: EvaluateResult, proxies: readonly string[]): string {
  const head = ['index', 'arch', r.metric, ...proxies, 'seconds'].join(',')
  const lines = r.rows.map((row) =>
    [row.index, row.arch, row.accuracy, ...proxies.map((p) => row.scores[p]), row.seconds.toFixed(3)].join(','),
  )
  return `${[head, ...lines].join('\n')}\n`
}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'score K benchmark architectures and report Spearman ρ / Kendall τ per proxy',
  usage: `zsnas evaluate --table PATH [options]
  zsnas evaluate --paper [--proxies all] [--out DIR] [--resume] [--n K] [--stride S [--offset O]]
                      [--cap grasp=100] [--datasets LIST]
                      Table 2 (NB201 block): indices 0..K-1 (default 1000) — with --stride S every S-th
                      of them from O (default 0), a subset spread over 0..K-1; --cap PROXY=N scores
                      PROXY on the first N indices of that subset only — every dataset with its own
                      shared input (--data-root, default $ZSNAS_SHARED_DATA or ../shared/data), ρ/τ next
                      to the paper's values, partial results in DIR (default zsnas-table2), --resume continues;
                      table2.txt/.md/.csv in DIR; --report: only the table of the rows done so far.
                      --resume reuses every finished row whose index is in the subset (the subset and
                      the caps may change on resume; seed, batch, proxies, options may not).
                      Voting proxies are ranked as the reference's hard_vote there: positions after
                      sorting with the majority comparator in benchmark index order (--vote-rank sort).
                      (--paper with --dataset: the single-dataset run below.)
  --table PATH        NB201 ground-truth CSV (columns by name; or env ZSNAS_NB201_TABLE)
  --n K               number of random architectures (default 200)
  --paper             the paper protocol instead: benchmark indices 0..999
  --proxies LIST      comma-separated proxy ids (default wrcor); voting proxies (sjw, spw, zerocost, …) may be mixed in
  --dataset SPEC      noise[:SIZE[:CLASSES]] | cifar10:PATH | cifar100:PATH (default noise)
  --metric NAME       ground-truth column: cifar10 | cifar100 | imagenet16-120 (default cifar10)
  --batch N           ${BATCH_USAGE}
  --seed S            seed of the architecture sample and of scoring (default 0)
  --init SCHEME       pytorch | kaimingNormal | xavierNormal | normal (default pytorch)
  --mode MODE         paper | reference (default paper)
  --csv FILE          write per-architecture scores to FILE
  --vote-rank METHOD  how a voting proxy's architectures are ranked (default scc-copeland):
                      scc-copeland = order-independent (cycles of the majority comparator resolved by
                      Copeland score, proxies/voting/ranking.ts); sort = the reference's hard_vote,
                      positions after sorting with the comparator in the order the architectures were
                      scored (index order with --paper) — what the paper's Table 2 and the Table 2 run
                      use; the two differ where the comparator has cycles
Proxy options (used when the proxy is requested):
${proxyOptionsUsage()}`,
  async run(argv, io) {
    const { values } = parseFlags(argv, EVALUATE_FLAGS, 'evaluate')
    if (values.mode !== undefined && values.mode !== 'paper' && values.mode !== 'reference') {
      throw new CliUsageError(`--mode must be paper or reference, got '${values.mode}'`)
    }
    if (values['vote-rank'] !== undefined && values['vote-rank'] !== 'sort' && values['vote-rank'] !== 'scc-copeland') {
      throw new CliUsageError(`--vote-rank must be scc-copeland or sort, got '${values['vote-rank']}'`)
    }
    if (values.paper && values.dataset === undefined && values.metric === undefined) {
      if (values['vote-rank'] === 'scc-copeland') {
        throw new CliUsageError('--vote-rank scc-copeland: the Table 2 run (--paper without --dataset) ranks votes as the paper did (sort)')
      }
      await runPaperTable(paperRunOptions(values), io)
      return 0
    }
    for (const f of ['out', 'resume', 'report', 'cap', 'datasets', 'data-root', 'stride', 'offset'] as const) {
      if (values[f] !== undefined) throw new CliUsageError(`--${f} belongs to the Table 2 run (--paper without --dataset)`)
    }
    await runSampleEvaluation(values, io)
    return 0
  },
}

const EVALUATE_FLAGS = {
  table: { type: 'string' },
  n: { type: 'string' },
  paper: { type: 'boolean' },
  proxies: { type: 'string' },
  dataset: { type: 'string' },
  metric: { type: 'string' },
  batch: { type: 'string' },
  seed: { type: 'string' },
  init: { type: 'string' },
  mode: { type: 'string' },
  csv: { type: 'string' },
  'vote-rank': { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  report: { type: 'boolean' },
  cap: { type: 'string' },
  stride: { type: 'string' },
  offset: { type: 'string' },
  datasets: { type: 'string' },
  'data-root': { type: 'string' },
  ...proxyOptionFlags(),
} as const

type EvaluateFlags = ReturnType<typeof parseFlags<typeof EVALUATE_FLAGS>>['values']

/** The Table 2 run's options from the flags (`--paper` without `--dataset`). */
function paperRunOptions(values: EvaluateFlags): PaperRunOptions {
  const dataRoot = values['data-root'] ?? defaultDataRoot()
  const proxies = resolveTable2Proxies(listFlag(values.proxies, 'proxies', ['all']))
  const stride = intFlag(values.stride, 'stride', 1, 1, 15625)
  return {
    table: values.table ?? process.env.ZSNAS_NB201_TABLE ?? `${dataRoot}/nb201/nats_bench_tss_test_acc.csv`,
    dataRoot,
    datasets: listFlag(values.datasets, 'datasets', TABLE2_DATASETS.map((d) => d.id)),
    proxies,
    n: intFlag(values.n, 'n', 1000, 2, 15625),
    stride,
    offset: intFlag(values.offset, 'offset', 0, 0, stride - 1),
    caps: parseCaps(values.cap, expandProxyIds(proxies)),
    out: values.out ?? 'zsnas-table2',
    resume: values.resume === true || values.report === true,
    reportOnly: values.report === true,
    seed: intFlag(values.seed, 'seed', 0, 0, 0xffffffff),
    batchSize: batchFlag(values.batch),
    init: initFlag(values.init),
    mode: values.mode as 'paper' | 'reference' | undefined,
    proxyOptions: proxyOptionsFromFlags(values),
  }
}

/** `zsnas evaluate` on a random sample or `--paper` with one `--dataset`: ρ/τ on stderr, JSON on stdout. */
async function runSampleEvaluation(values: EvaluateFlags, io: CliIO): Promise<void> {
  const table = values.table ?? process.env.ZSNAS_NB201_TABLE
  if (table === undefined || table === '') {
    throw new CliUsageError('evaluate: --table PATH is required (the NB201 ground-truth CSV), or set ZSNAS_NB201_TABLE')
  }
  if (values.paper && values.n !== undefined) throw new CliUsageError('--paper and --n exclude each other')
  const proxies = listFlag(values.proxies, 'proxies', ['wrcor'])
  const seed = intFlag(values.seed, 'seed', 0, 0, 0xffffffff)
  const sample: EvaluationSample = values.paper
    ? { kind: 'paper' }
    : { kind: 'random', count: intFlag(values.n, 'n', 200, 2, 15625), seed }
  const dataset = datasetFlag(values.dataset)
  const metric = values.metric ?? 'cifar10'
  const batchSize = batchFlag(values.batch)
  const voteRanking = (values['vote-rank'] ?? 'scc-copeland') as VotingRankMethod
  // a --csv that can never be written fails now, not after all the scoring
  if (values.csv !== undefined) checkWritableFile(values.csv, '--csv')
  const groundTruth = loadGroundTruth('nb201', table)
  if (!groundTruth.metrics.includes(metric)) {
    throw new ZsnasError('INVALID_OPTION', `--metric '${metric}' is not in ${table}; available: ${groundTruth.metrics.join(', ')}`)
  }
  const progress = createProgress(io)
  const r = await evaluateProxies({
    space: 'nb201',
    sample,
    proxies,
    dataset,
    groundTruth,
    metric,
    seed,
    batchSize,
    init: initFlag(values.init),
    mode: values.mode as 'paper' | 'reference' | undefined,
    proxyOptions: proxyOptionsFromFlags(values),
    voteRanking,
    onProgress: (p) => progress.update(p.done, p.total, p.elapsedSeconds, p.etaSeconds),
  })
  progress.end()
  if (values.csv !== undefined) {
    try {
      writeFileSync(values.csv, resultCsv(r, proxies))
    } catch (e) {
      throw new ZsnasError('FILE_UNREADABLE', `cannot write --csv ${values.csv}: ${(e as Error).message}`)
    }
  }
  reportEvaluation(r, proxies, { metric, sample, seed, batchSize, dataset, voteRanking, csv: values.csv ?? null }, io)
}

/** Prints ρ/τ per proxy and the mean stage timings on stderr, the JSON summary on stdout. */
function reportEvaluation(r: EvaluateResult, proxies: readonly string[], meta: Record<string, unknown> & { csv: string | null }, io: CliIO): void {
  for (const p of proxies) {
    const s = r.stats[p]
    io.err(`${p.padEnd(8)} ρ=${s.spearman.toFixed(3)}  τ=${s.kendall.toFixed(3)}  top10%=${s.top10Precision.toFixed(2)}  (n=${s.n})\n`)
  }
  io.err(`${r.rows.length} architectures in ${formatDuration(r.seconds)}\n`)
  // mean seconds per architecture of each scoring stage ('responses' = the shared ReLU pass of WRCor/NASWOT/…)
  const meanTimings: Record<string, number> = {}
  for (const row of r.rows) for (const [k, v] of Object.entries(row.timings ?? {})) meanTimings[k] = (meanTimings[k] ?? 0) + v / r.rows.length
  io.err(`seconds/arch: ${Object.entries(meanTimings).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}\n`)
  const { csv, ...rest } = meta
  io.out(`${JSON.stringify({ metric: rest.metric, n: r.rows.length, sample: rest.sample, seed: rest.seed, batchSize: rest.batchSize, dataset: rest.dataset, voteRanking: rest.voteRanking, stats: r.stats, seconds: r.seconds, meanTimings, csv }, null, 2)}\n`)
}
