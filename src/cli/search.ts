/**
 * `zsnas search`: a zero-shot architecture search from the command line — a
 * thin shell over the backend's `SearchSession` (src/backend/search-session.ts),
 * the same loop the app's RunManager runs: candidate i is scored with
 * `evaluationSeed(seed, i)` in-process (`InProcessScorer`) or in K worker
 * processes (`--workers K`, the app's `WorkerPool`), with identical rows.
 * Output (src/backend/jsonl-sink.ts):
 *   --out DIR: DIR/evaluated.jsonl (one JSON object per evaluation, in order,
 *   RL warm-up rows marked phase "warmup"), DIR/best.json, and
 *   DIR/checkpoint.json (after every group; `--resume` continues from it).
 *   Without --out the JSONL goes to stdout and the best to stderr.
 * With --table each row carries `accuracy` (all metrics of the table, by the
 * space's hash). Progress + ETA on stderr. Ctrl-C stops (in-flight scores are
 * discarded) and leaves a checkpoint (exit 130).
 */
import type { CliCommand } from './commands'
import type { CliIO } from './io'
import { BATCH_USAGE, CliUsageError, batchFlag, datasetFlag, initFlag, intFlag, parseFlags } from './args'
import { createProgress, formatDuration } from './progress'
import { ZsnasError } from '../engine/core/errors'
import type { GroundTruth } from '../engine/core/data'
import { listProxies } from '../engine/proxies'
import { createStrategy, listStrategies } from '../engine/search/registry'
import { proxyMembers, VOTING_SETS } from '../engine/search/voting-sets'
import { RE_DEFAULTS } from '../engine/search/re'
import { RL_DEFAULTS } from '../engine/search/rl'
import { getSpaceDef, loadGroundTruth } from '../engine/spaces/registry'
import { projectionLine } from './projection'
import { spaceFromFlags } from './space-flags'
import { WorkerPool } from '../backend/pool'
import { forkHost, scoreWorkerEntry, type WorkerHost } from '../backend/worker-host'
import { InProcessScorer, type Scorer } from '../backend/scorer'
import { SearchSession } from '../backend/search-session'
import { jsonNum, openJsonlRun, writeAtomic } from '../backend/jsonl-sink'
import type { SearchSpace } from '../engine/core/space'
import { openDataset } from '../engine/data/open'
import { acquireFolderLock } from '../backend/lock'
import { REDIS_FLAGS, REDIS_USAGE, readRedisFlags } from './worker'
import { openClusterScorer } from '../backend/cluster/open'

/** The space's own benchmark table (NB201 NATS-Bench CSV, NB101 tfrecord/CSV); INVALID_OPTION for a space without one. */
function loadTable(space: string, path: string): GroundTruth {
  return loadGroundTruth(space, path)
}

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'zero-shot search (random / RL / RE) writing evaluated architectures as JSONL',
  usage: `zsnas search --space ID --strategy ID --proxy P [options]
  --space ID          ${['nb201', 'nb101', 'mbv2'].join(' | ')} (default nb201)
  --strategy ID       ${listStrategies().map((s) => s.id).join(' | ')} (default re)
  --proxy P           a proxy id (e.g. wrcor), a voting set (${Object.keys(VOTING_SETS).join(', ')}), or a comma list
                      (default wrcor; mbv2: its paper protocol — sjw, batch 64, N 5000, RE P 64 S 10 — and a
                      first line with the measured s/arch and the projected wall time)
  --n N               search budget N (default 1000; RE: N evaluations in total unless --budget-mode reference)
  --seed S            search seed (default 0)
  --dataset SPEC      noise[:SIZE[:CLASSES]] | cifar10:PATH | cifar100:PATH | imagenet16:PATH (default noise)
  --batch N           scoring ${BATCH_USAGE}
  --init SCHEME       weight init (default pytorch; the NB101 reference uses nb101)
  --mode MODE         paper | reference proxy behaviour (default paper)
  --table PATH        benchmark table (NB201 CSV, NB101 CSV/tfrecord): rows get ground-truth accuracy
  --out DIR           write DIR/evaluated.jsonl, DIR/best.json, DIR/checkpoint.json
  --resume            continue the search checkpointed in --out DIR
  --population P      RE population (default ${RE_DEFAULTS.populationSize})      --tournament S   RE tournament (default ${RE_DEFAULTS.tournamentSize})
  --budget-mode M     RE: paper (N total) | reference (N + P) (default ${RE_DEFAULTS.budgetMode})
  --parallel-children K
                      RE: draw children in groups of K, each from its own tournament on the same population, so
                      K evaluations run at once (asynchronous RE of Real et al. 2019; default 1 = the paper's
                      sequential algorithm). The result depends on K and the seed, not on --workers. With --workers,
                      a whole group is queued at once and each worker takes the next child when it is free, so
                      K > --workers (e.g. 4× --workers) keeps the processes busy when children differ in cost
  --warmup W          RL normalisation samples (default ${RL_DEFAULTS.warmup})
  --rl-lr X           RL policy Adam learning rate (default ${RL_DEFAULTS.lr})
  --ema-momentum M    RL reward-baseline EMA momentum in [0, 1) (default ${RL_DEFAULTS.emaMomentum})
  --flops-limit F     MBv2 FLOPs limit in M (default 600)
  --resolutions A-B   MBv2 input-resolution range, multiples of 32 in 192..320 (default 192-320)
  --pool PATH         NB101: sample uniformly from the unique cells of this table (nasbench tfrecord or CSV with
                      adjacency/ops columns), as the reference does; default: random valid 7-vertex specs
  --workers K         score K candidates at a time in K worker processes (default 1: in-process);
                      results are identical to K = 1 (same seeds, same order)
  --redis URL         score on the cluster: jobs go to a Redis queue that \`zsnas worker --redis URL\` processes on any
                      machine (rows identical to the local run; see README "Cluster"); --workers K is then the number
                      of jobs in flight (default: the connected workers' total concurrency)
${REDIS_USAGE.split('\n').slice(1).join('\n')}`,
  run: (argv, io) => searchMain(argv, io),
}

const FLAGS = {
  space: { type: 'string' }, strategy: { type: 'string' }, proxy: { type: 'string' }, n: { type: 'string' },
  seed: { type: 'string' }, dataset: { type: 'string' }, batch: { type: 'string' }, init: { type: 'string' },
  mode: { type: 'string' }, table: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' },
  population: { type: 'string' }, tournament: { type: 'string' }, 'budget-mode': { type: 'string' }, 'parallel-children': { type: 'string' },
  warmup: { type: 'string' }, 'rl-lr': { type: 'string' }, 'ema-momentum': { type: 'string' }, 'flops-limit': { type: 'string' },
  resolutions: { type: 'string' }, workers: { type: 'string' }, pool: { type: 'string' },
  ...REDIS_FLAGS,
} as const
type Values = Partial<Record<keyof typeof FLAGS, string | boolean>> & Record<string, string | boolean | undefined>
const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** The search space of --space with its options (--flops-limit/--resolutions for mbv2, --pool for nb101). */
async function readSpace(values: Values, io: CliIO): Promise<{ spaceId: string; space: SearchSpace<unknown> }> {
  const spaceId = str(values.space) ?? 'nb201'
  // options, defaults, bounds and messages: the space's declaration (src/engine/spaces/*/entry.ts)
  const { space, options } = spaceFromFlags(spaceId, { flopsLimit: str(values['flops-limit']), resolutions: str(values.resolutions), pool: str(values.pool) })
  if (typeof options.pool === 'string') io.err(`sampling uniformly from the unique NB101 cells of ${options.pool}\n`)
  return { spaceId, space }
}

/** The strategy options of the RE/RL flags (each checked against --strategy). */
function readStrategyOptions(values: Values, strategyId: string): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  const v = (k: string) => str(values[k])
  if (v('population') !== undefined) options.populationSize = intFlag(v('population'), 'population', 64, 2, 100000)
  if (v('tournament') !== undefined) options.tournamentSize = intFlag(v('tournament'), 'tournament', 10, 1, 100000)
  if (v('budget-mode') !== undefined) options.budgetMode = v('budget-mode')
  if (v('parallel-children') !== undefined) {
    if (strategyId !== 're') throw new CliUsageError('--parallel-children only applies to --strategy re')
    options.parallelChildren = intFlag(v('parallel-children'), 'parallel-children', 1, 1, 1024)
  }
  if (v('warmup') !== undefined) options.warmup = intFlag(v('warmup'), 'warmup', RL_DEFAULTS.warmup, 2, 100000)
  for (const [flag, key] of [['rl-lr', 'lr'], ['ema-momentum', 'emaMomentum']] as const) {
    const raw = v(flag)
    if (raw === undefined) continue
    if (strategyId !== 'rl') throw new CliUsageError(`--${flag} only applies to --strategy rl`)
    const x = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(x) || x < 0 || (key === 'emaMomentum' && x >= 1)) {
      throw new CliUsageError(`--${flag} must be a number ${key === 'emaMomentum' ? 'in [0, 1)' : '≥ 0'}, got '${raw}'`)
    }
    options[key] = x
  }
  return options
}

/** Everything a search is made of, read from the flags (the `config` is what --resume compares). */
async function readSearch(values: Values, io: CliIO) {
  const { spaceId, space } = await readSpace(values, io)
  // a space's paper protocol (SpaceDef.protocol, e.g. MobileNetV2: SJW at batch 64, N 5000) fills unset flags
  const protocol = getSpaceDef(spaceId).protocol
  const strategyId = str(values.strategy) ?? protocol?.strategy ?? 're'
  const proxy = str(values.proxy) ?? protocol?.proxy ?? 'wrcor'
  const members = proxyMembers(proxy)
  if (members.length === 0) throw new ZsnasError('INVALID_OPTION', `--proxy '${proxy}' names no proxy; expected a proxy id, a voting set (${Object.keys(VOTING_SETS).join(', ')}) or a comma list`)
  const known = new Set(listProxies().map((p) => p.id))
  for (const m of members) {
    if (!known.has(m)) throw new ZsnasError('INVALID_OPTION', `--proxy '${proxy}': unknown proxy '${m}'; known: ${[...known].join(', ')}, or a voting set ${Object.keys(VOTING_SETS).join(', ')}`)
  }
  const mode = str(values.mode)
  if (mode !== undefined && mode !== 'paper' && mode !== 'reference') throw new CliUsageError(`--mode must be paper or reference, got '${mode}'`)
  const budget = intFlag(str(values.n), 'n', protocol?.budget ?? 1000, 1, 10_000_000)
  const seed = intFlag(str(values.seed), 'seed', 0, 0, 0xffffffff)
  const options = protocol?.strategy === strategyId ? { ...protocol.strategyOptions, ...readStrategyOptions(values, strategyId) } : readStrategyOptions(values, strategyId)
  const dataset = datasetFlag(str(values.dataset))
  const batchSize = str(values.batch) === undefined && protocol !== undefined ? protocol.batchSize : batchFlag(str(values.batch))
  const init = initFlag(str(values.init))
  const table = str(values.table) ? loadTable(spaceId, str(values.table)!) : null
  const workers = intFlag(str(values.workers), 'workers', 1, 1, 64)
  const redis = readRedisFlags(values)
  const workersGiven = str(values.workers) !== undefined
  if (values.resume && !str(values.out)) throw new CliUsageError('--resume needs --out DIR (the folder of the interrupted search)')
  const config = {
    space: spaceId, strategy: strategyId, proxy, members, n: budget, seed, options, dataset, batchSize, init, mode: mode ?? 'paper',
    pool: str(values.pool) ?? null, flopsLimit: str(values['flops-limit']) ?? null,
  }
  const strategy = createStrategy(strategyId, { space, budget, seed, options })
  const accuracy = table ? (hash: string) => Object.fromEntries(table.metrics.map((m) => [m, table.get(hash, m) ?? null])) : undefined
  const request = { space: spaceId, proxies: members, dataset, batchSize, init, ...(mode ? { mode: mode as 'paper' | 'reference' } : {}) }
  return { space, strategy, config, request, workers, workersGiven, redis, accuracy, protocol }
}

/** Embedding/test seams: the process host of the --workers pool (default: forked score workers). */
export interface SearchHooks {
  host?: WorkerHost
}

/**
 * The command body; `signal` (tests, embedding) stops the search exactly like
 * Ctrl-C does.
 */
export async function searchMain(argv: string[], io: CliIO, signal?: AbortSignal, hooks: SearchHooks = {}): Promise<number> {
  const { values } = parseFlags(argv, FLAGS, 'search')
  const s = await readSearch(values as Values, io)
  if (s.protocol !== undefined) {
    const c = s.config
    io.err(`${projectionLine(c.space, s.protocol, { n: c.n, workers: s.workers, batchSize: c.batchSize, proxy: c.proxy, strategy: c.strategy, strategyOptions: c.options })}\n`)
  }
  const out = str(values.out) ?? null
  // validate first, create after: the dataset is opened (typed errors naming the file) before --out is touched
  if (s.workers > 1 || s.redis) openDataset(s.request.dataset)
  else await (await import('../engine/score/score')).cachedDataset(s.request.dataset) // loaded lazily, as InProcessScorer does
  // one search per --out folder, as one app per data folder (src/backend/lock.ts)
  const release = out ? acquireFolderLock(out, 'search.lock', '--out', outBusy(out)) : () => {}
  try {
    return await runSearch(s, out, values.resume === true, io, signal, hooks)
  } finally {
    release()
  }
}

/** The CLI's refusal of an --out folder another live search holds: one line naming the holder. */
function outBusy(out: string) {
  return (pid: number, file: string): never => {
    throw new ZsnasError('INVALID_OPTION', `--out ${out} is in use by another zsnas search (pid ${pid}, lock ${file}); wait for it or use another folder`, { path: out, pid })
  }
}

async function runSearch(s: Awaited<ReturnType<typeof readSearch>>, out: string | null, resume: boolean, io: CliIO, signal: AbortSignal | undefined, hooks: SearchHooks): Promise<number> {
  const { strategy, config } = s
  const run = openJsonlRun(out, {
    config, resume, out: (t) => io.out(t), note: (t) => io.err(t),
    format: { proxy: config.proxy, members: config.members, accuracy: s.accuracy },
  })
  if (run.restored) {
    strategy.restore(run.restored)
    io.err(`resuming at ${strategy.completed()}/${strategy.total()} evaluations\n`)
  }
  const cluster = s.redis ? await openClusterScorer({ ...s.redis, config, request: s.request, size: s.workersGiven ? s.workers : null, log: (t) => io.err(`${t}\n`) }) : null
  const scorer: Scorer = cluster ?? (s.workers > 1 ? new WorkerPool(hooks.host ?? forkHost(scoreWorkerEntry()), s.workers) : new InProcessScorer())
  const progress = createProgress(io)
  const t0 = Date.now()
  const doneAtStart = strategy.completed()
  const session = new SearchSession({
    strategy, hashOf: (arch) => s.space.hash(s.space.fromString(arch)), request: s.request, runSeed: config.seed, scorer, sink: run.sink,
    onGroup: (g) => {
      const elapsed = (Date.now() - t0) / 1000
      const here = g.done - doneAtStart
      progress.update(g.done, g.total, elapsed, here > 0 ? (elapsed / here) * (g.total - g.done) : NaN)
    },
  })
  const onSigint = (): void => session.cancel()
  process.once('SIGINT', onSigint)
  signal?.addEventListener('abort', onSigint)
  if (signal?.aborted) session.cancel()
  const status = await session.run().finally(() => {
    process.removeListener('SIGINT', onSigint)
    signal?.removeEventListener('abort', onSigint)
    scorer.close()
  })
  await cluster?.whenClosed()
  progress.end()
  return finish(io, s, status, (Date.now() - t0) / 1000, run.files?.best ?? null)
}

/** Writes best.json (or the summary to stderr) and the closing line; the exit code. */
function finish(io: CliIO, s: Awaited<ReturnType<typeof readSearch>>, status: 'done' | 'cancelled', seconds: number, bestFile: string | null): number {
  const { strategy, config, space } = s
  const best = strategy.best()
  const hash = best ? space.hash(space.fromString(best.candidate.arch)) : ''
  const summary = {
    space: config.space, strategy: config.strategy, proxy: config.proxy, members: config.members, n: config.n, seed: config.seed, status,
    evaluations: strategy.completed(), seconds,
    best: best && {
      i: best.candidate.id, arch: best.candidate.arch, hash,
      scores: Object.fromEntries(config.members.map((m, k) => [m, best.scores[k]])), ...(s.accuracy ? { accuracy: s.accuracy(hash) } : {}),
    },
  }
  if (bestFile) writeAtomic(bestFile, `${JSON.stringify(summary, jsonNum, 2)}\n`)
  io.err(`${status}: ${strategy.completed()} evaluations in ${formatDuration(seconds)}; best ${best?.candidate.arch ?? '—'}` +
    `${summary.best?.accuracy ? ` accuracy ${JSON.stringify(summary.best.accuracy)}` : ''}\n`)
  if (!bestFile) io.err(`${JSON.stringify(summary, jsonNum)}\n`)
  if (status === 'cancelled') {
    io.err(bestFile ? `stopped; continue with the same options plus --resume\n` : 'stopped (no --out, so no checkpoint)\n')
    return 130
  }
  return 0
}
