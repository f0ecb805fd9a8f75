/**
 * `zsnas search`: a zero-shot architecture search from the command line.
 * Every candidate is scored in-process with `scoreArchitecture` (seed of
 * candidate i = hash of (search seed, i), so a resumed run scores exactly like
 * an uninterrupted one). Output:
 *   --out DIR: DIR/evaluated.jsonl (one JSON object per evaluation, in order,
 *   RL warm-up rows marked phase "warmup"), DIR/best.json, and
 *   DIR/checkpoint.json (after every batch; `--resume` continues from it).
 *   Without --out the JSONL goes to stdout and the best to stderr.
 * With --table each row carries `accuracy` (all metrics of the table, by the
 * space's hash). Progress + ETA on stderr. Ctrl-C stops between evaluations
 * and leaves a checkpoint (exit 130).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CliCommand } from './commands'
import type { CliIO } from './io'
import { CliUsageError, datasetFlag, initFlag, intFlag, parseFlags } from './args'
import { createProgress, formatDuration } from './progress'
import { ZsnasError } from '../engine/core/errors'
import type { GroundTruth } from '../engine/core/data'
import { scoreArchitecture } from '../engine/score/score'
import { listProxies } from '../engine/proxies'
import { getSpace } from '../engine/spaces/registry'
import { createStrategy, listStrategies } from '../engine/search/registry'
import { runSearch } from '../engine/search/run'
import type { Candidate, EvalResult, StrategyState } from '../engine/search/types'
import { proxyMembers, VOTING_SETS } from '../engine/search/voting-sets'
import { RE_DEFAULTS } from '../engine/search/evolution'
import { RL_DEFAULTS } from '../engine/search/reinforce'
import { loadNb201Table } from '../engine/benchmarks/nb201-csv'
import { loadNb101 } from '../engine/benchmarks/nb101'
import { WorkerPool } from '../backend/pool'
import { forkHost } from '../backend/worker-host'
import { evaluationSeed } from '../backend/seeds'
import { decodeScore } from '../shared/score-value'

/**
 * Per-candidate scoring seed = the app's `evaluationSeed(runSeed, index)`, so a
 * CLI search and an app run with the same seed score candidates identically.
 */
export function candidateSeed(seed: number, id: number): number {
  return evaluationSeed(seed, id)
}

const jsonNum = (_: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)

function loadTable(space: string, path: string): GroundTruth {
  if (space === 'nb201') return loadNb201Table(path)
  if (space === 'nb101') return loadNb101(path)
  throw new ZsnasError('INVALID_OPTION', `--table is only supported for nb201 and nb101 (the ${space} space has no benchmark table)`)
}

/** The scoring-worker entry (TypeScript source through tsx in development). */
function workerEntry(): { entry: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url))
  return { entry: resolve(here, '../worker/score-worker.ts'), execArgv: ['--import', 'tsx'] }
}

function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'zero-shot search (random / RL / RE) writing evaluated architectures as JSONL',
  usage: `zsnas search --space ID --strategy ID --proxy P [options]
  --space ID          ${['nb201', 'nb101', 'mbv2'].join(' | ')} (default nb201)
  --strategy ID       ${listStrategies().map((s) => s.id).join(' | ')} (default re)
  --proxy P           a proxy id (e.g. wrcor), a voting set (${Object.keys(VOTING_SETS).join(', ')}), or a comma list
  --n N               search budget N (default 1000; RE: N evaluations in total unless --budget-mode reference)
  --seed S            search seed (default 0)
  --dataset SPEC      noise[:SIZE[:CLASSES]] | cifar10:PATH | cifar100:PATH | imagenet16:PATH (default noise)
  --batch N           scoring minibatch (default 64)
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
                      results are identical to K = 1 (same seeds, same order)`,
  run: (argv, io) => searchMain(argv, io),
}

/**
 * The command body; `signal` (tests, embedding) stops the search between
 * evaluations exactly like Ctrl-C does.
 */
export async function searchMain(argv: string[], io: CliIO, signal?: AbortSignal): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      space: { type: 'string' }, strategy: { type: 'string' }, proxy: { type: 'string' }, n: { type: 'string' },
      seed: { type: 'string' }, dataset: { type: 'string' }, batch: { type: 'string' }, init: { type: 'string' },
      mode: { type: 'string' }, table: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' },
      population: { type: 'string' }, tournament: { type: 'string' }, 'budget-mode': { type: 'string' }, 'parallel-children': { type: 'string' },
      warmup: { type: 'string' }, 'rl-lr': { type: 'string' }, 'ema-momentum': { type: 'string' }, 'flops-limit': { type: 'string' }, resolutions: { type: 'string' }, workers: { type: 'string' }, pool: { type: 'string' },
    },
    'search',
  )
  const spaceId = values.space ?? 'nb201'
  let space = getSpace(spaceId)
  if (values['flops-limit'] !== undefined || values.resolutions !== undefined) {
    if (spaceId !== 'mbv2') {
      throw new CliUsageError(`--${values['flops-limit'] !== undefined ? 'flops-limit' : 'resolutions'} only applies to --space mbv2`)
    }
    const { createMbv2Space } = await import('../engine/spaces/mbv2/space')
    const m = values.resolutions === undefined ? ['', '192', '320'] : /^(\d+)-(\d+)$/.exec(values.resolutions)
    if (!m) throw new CliUsageError(`--resolutions must look like 192-320, got '${values.resolutions}'`)
    space = createMbv2Space({
      flopsLimit: intFlag(values['flops-limit'], 'flops-limit', 600, 1, 100000) * 1e6,
      resolutionRange: [Number(m[1]), Number(m[2])],
    }) as typeof space
  }
  if (values.pool !== undefined) {
    if (spaceId !== 'nb101') throw new CliUsageError('--pool only applies to --space nb101')
    const { createNb101Space, loadNb101Pool } = await import('../engine/spaces/nb101/index')
    const pool = loadNb101Pool(values.pool)
    space = createNb101Space({ pool }) as typeof space
    io.err(`sampling uniformly from ${pool.length} unique NB101 cells of ${values.pool}\n`)
  }
  const strategyId = values.strategy ?? 're'
  const proxy = values.proxy ?? 'wrcor'
  const members = proxyMembers(proxy)
  const known = new Set(listProxies().map((p) => p.id))
  for (const m of members) {
    if (!known.has(m)) throw new ZsnasError('INVALID_OPTION', `--proxy '${proxy}': unknown proxy '${m}'; known: ${[...known].join(', ')}, or a voting set ${Object.keys(VOTING_SETS).join(', ')}`)
  }
  if (values.mode !== undefined && values.mode !== 'paper' && values.mode !== 'reference') {
    throw new CliUsageError(`--mode must be paper or reference, got '${values.mode}'`)
  }
  const budget = intFlag(values.n, 'n', 1000, 1, 10_000_000)
  const seed = intFlag(values.seed, 'seed', 0, 0, 0xffffffff)
  const options: Record<string, unknown> = {}
  if (values.population !== undefined) options.populationSize = intFlag(values.population, 'population', 64, 2, 100000)
  if (values.tournament !== undefined) options.tournamentSize = intFlag(values.tournament, 'tournament', 10, 1, 100000)
  if (values['budget-mode'] !== undefined) options.budgetMode = values['budget-mode']
  if (values['parallel-children'] !== undefined) {
    if (strategyId !== 're') throw new CliUsageError('--parallel-children only applies to --strategy re')
    options.parallelChildren = intFlag(values['parallel-children'], 'parallel-children', 1, 1, 1024)
  }
  if (values.warmup !== undefined) options.warmup = intFlag(values.warmup, 'warmup', RL_DEFAULTS.warmup, 2, 100000)
  for (const [flag, key] of [['rl-lr', 'lr'], ['ema-momentum', 'emaMomentum']] as const) {
    const v = values[flag]
    if (v === undefined) continue
    if (strategyId !== 'rl') throw new CliUsageError(`--${flag} only applies to --strategy rl`)
    const x = Number(v)
    if (v.trim() === '' || !Number.isFinite(x) || x < 0 || (key === 'emaMomentum' && x >= 1)) {
      throw new CliUsageError(`--${flag} must be a number ${key === 'emaMomentum' ? 'in [0, 1)' : '≥ 0'}, got '${v}'`)
    }
    options[key] = x
  }
  const dataset = datasetFlag(values.dataset)
  const batchSize = intFlag(values.batch, 'batch', 64, 2, 4096)
  const init = initFlag(values.init)
  const table = values.table ? loadTable(spaceId, values.table) : null
  const config = {
    space: spaceId, strategy: strategyId, proxy, members, n: budget, seed, options, dataset, batchSize, init, mode: values.mode ?? 'paper',
    pool: values.pool ?? null, flopsLimit: values['flops-limit'] ?? null,
  }

  const strategy = createStrategy(strategyId, { space, budget, seed, options })
  const out = values.out
  const files = out ? { jsonl: join(out, 'evaluated.jsonl'), best: join(out, 'best.json'), ckpt: join(out, 'checkpoint.json') } : null
  if (values.resume) {
    if (!files) throw new CliUsageError('--resume needs --out DIR (the folder of the interrupted search)')
    if (!existsSync(files.ckpt)) throw new ZsnasError('FILE_NOT_FOUND', `--resume: no checkpoint at ${files.ckpt}`)
    const saved = JSON.parse(readFileSync(files.ckpt, 'utf8')) as { config: unknown; state: StrategyState }
    if (JSON.stringify(saved.config) !== JSON.stringify(config)) {
      throw new ZsnasError('INVALID_OPTION', `--resume: the options differ from the checkpointed search (${JSON.stringify(saved.config)})`)
    }
    strategy.restore(saved.state)
    // drop rows written after the last checkpoint (they will be re-evaluated identically)
    const lines = existsSync(files.jsonl) ? readFileSync(files.jsonl, 'utf8').split('\n').filter((l) => l.length > 0) : []
    writeFileSync(files.jsonl, lines.slice(0, strategy.completed()).map((l) => `${l}\n`).join(''))
    io.err(`resuming at ${strategy.completed()}/${strategy.total()} evaluations\n`)
  } else if (files) {
    mkdirSync(out!, { recursive: true })
    if (existsSync(files.ckpt)) throw new ZsnasError('INVALID_OPTION', `--out ${out} already holds a search; use --resume or another folder`)
    writeFileSync(files.jsonl, '')
  }

  const rows = new Map<number, Record<string, unknown>>()
  const accuracy = (arch: string): Record<string, number | null> | undefined => {
    if (!table) return undefined
    const h = space.hash(space.fromString(arch))
    return Object.fromEntries(table.metrics.map((m) => [m, table.get(h, m) ?? null]))
  }
  const workers = intFlag(values.workers, 'workers', 1, 1, 64)
  if (workers > 1 && values.mode === 'reference') throw new CliUsageError('--mode reference is not supported with --workers > 1 yet')
  const pool = workers > 1 ? new WorkerPool(forkHost(workerEntry()), workers) : null
  const scoreOne = async (c: Candidate) => {
    const job = { space: spaceId, arch: c.arch, proxies: members, dataset, batchSize, init, seed: candidateSeed(seed, c.id) }
    if (!pool) return scoreArchitecture({ ...job, mode: values.mode as 'paper' | 'reference' | undefined })
    const r = await pool.score(job)
    if (!r.ok) throw new ZsnasError(r.error.code === 'CANCELLED' ? 'CANCELLED' : 'INTERNAL', `worker failed on ${c.arch}: ${r.error.message}`)
    const o = r.outcome
    // scores keep NaN vs ±∞ across the worker wire: a degenerate network's −∞ must lose majority votes, not tie
    return { ...o, scores: Object.fromEntries(Object.entries(o.scores).map(([k, v]) => [k, decodeScore(v)])), params: o.params ?? NaN, flops: o.flops ?? NaN }
  }
  const evaluate = async (cands: Candidate[]): Promise<EvalResult[]> => {
    const res: EvalResult[] = []
    const scored = await Promise.all(cands.map(scoreOne))
    for (let j = 0; j < cands.length; j++) {
      const c = cands[j]
      const r = scored[j]
      const scores = members.map((m) => r.scores[m])
      rows.set(c.id, {
        i: c.id, phase: c.phase, arch: r.arch, hash: r.hash, proxy, scores: Object.fromEntries(members.map((m, k) => [m, scores[k]])),
        params: r.params, flops: r.flops, seconds: r.seconds, ...(table ? { accuracy: accuracy(c.arch) } : {}),
      })
      res.push({ id: c.id, scores })
    }
    return res
  }

  const ac = new AbortController()
  const onSigint = (): void => ac.abort()
  process.once('SIGINT', onSigint)
  signal?.addEventListener('abort', onSigint)
  if (signal?.aborted) ac.abort()
  const progress = createProgress(io)
  const t0 = Date.now()
  let pendingLines: string[] = []
  const outcome = await runSearch({
    // With workers, hand the pool a whole group of parallel children at once: the pool feeds idle workers
    // from its queue, so unequal children do not leave a process waiting (same candidates, same order).
    strategy, evaluate, concurrency: pool ? Math.max(workers, strategy.groupSize?.() ?? 1) : workers, signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'evaluated') {
        const line = JSON.stringify(rows.get(e.candidate.id), jsonNum)
        rows.delete(e.candidate.id)
        if (files) pendingLines.push(line)
        else io.out(`${line}\n`)
      } else if (e.type === 'progress') {
        if (files) {
          appendFileSync(files.jsonl, pendingLines.map((l) => `${l}\n`).join(''))
          pendingLines = []
          writeAtomic(files.ckpt, JSON.stringify({ config, state: strategy.checkpoint() }))
        }
        progress.update(e.done, e.total, e.elapsedMs / 1000, (e.etaMs ?? NaN) / 1000)
      }
    },
  }).finally(() => {
    process.removeListener('SIGINT', onSigint)
    pool?.close()
  })
  progress.end()
  const best = outcome.best
  const summary = {
    space: spaceId, strategy: strategyId, proxy, members, n: budget, seed, status: outcome.status,
    evaluations: strategy.completed(), seconds: (Date.now() - t0) / 1000,
    best: best && {
      i: best.candidate.id, arch: best.candidate.arch, hash: space.hash(space.fromString(best.candidate.arch)),
      scores: Object.fromEntries(members.map((m, k) => [m, best.scores[k]])), ...(table ? { accuracy: accuracy(best.candidate.arch) } : {}),
    },
  }
  if (files) writeAtomic(files.best, `${JSON.stringify(summary, jsonNum, 2)}\n`)
  io.err(`${outcome.status}: ${strategy.completed()} evaluations in ${formatDuration(summary.seconds)}; best ${best?.candidate.arch ?? '—'}` +
    `${summary.best?.accuracy ? ` accuracy ${JSON.stringify(summary.best.accuracy)}` : ''}\n`)
  if (!files) io.err(`${JSON.stringify(summary, jsonNum)}\n`)
  if (outcome.status === 'cancelled') {
    io.err(files ? `stopped; continue with the same options plus --resume\n` : 'stopped (no --out, so no checkpoint)\n')
    return 130
  }
  return 0
}
