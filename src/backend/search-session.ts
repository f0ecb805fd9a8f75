/**
 * One search session — the only search loop of the app, the CLI and remote
 * workers: ask the strategy → score each candidate through a `Scorer` →
 * record each evaluation in a `SessionSink` → tell the strategy.
 *
 * Guarantees (written once here, for every shell):
 *  - evaluation i is scored with `evaluationSeed(runSeed, i)`, so results do
 *    not depend on which process scored it;
 *  - the strategy is asked for max(scorer.size, strategy group size)
 *    candidates at once (a whole RE parallel-children group is queued on the
 *    scorer, which feeds idle workers); candidates and their order never
 *    depend on that number, so in-process and pooled runs give identical rows;
 *  - each evaluation is recorded as soon as it is scored; the group's last
 *    one carries the checkpoint taken after telling the group (in ask order),
 *    so a sink can commit both atomically;
 *  - resume: a sink may return evaluations stored by an interrupted session;
 *    they are reused (arch checked), only the missing ones are scored;
 *  - cancel: in-flight results are discarded, recorded ones are kept, the
 *    checkpoint stays before the unfinished group;
 *  - scores are told as numbers: NaN stays NaN (neither higher nor lower in a
 *    majority vote), a failed evaluation or a missing member is told −∞;
 *  - a configuration-level error (RUN_FATAL: dataset, options, backend) stops
 *    the session with that typed error; other failures become failed records.
 */
import { ZsnasError, type ErrorCode } from '../engine/core/errors'
import type { ScoreRequest } from '../engine/score/score'
import type { Candidate, StrategyRun, StrategyState } from '../engine/search/types'
import type { ServiceErrorData } from '../shared/schemas'
import type { ScoreAttempt, Scorer } from './scorer'
import { evaluationSeed } from './seeds'

/** One evaluation as the session records it (scores are numbers; sinks encode at their edge). */
export interface EvaluationRecord {
  index: number
  arch: string
  hash: string
  phase: 'warmup' | 'search'
  status: 'ok' | 'failed'
  /** proxy id → score; empty when failed */
  scores: Record<string, number>
  params: number | null
  flops: number | null
  seconds: number
  error: ServiceErrorData | null
  attempts: number
  /** tfjs backend that scored it (absent for stored or failed records) */
  backend?: string
  /** the GPU adapter it scored on, one line (webgpu only) */
  adapter?: string
  /** the machine that scored it (cluster runs only) */
  host?: string
  /** seconds per scoring stage (see ScoreOutcome.timings; absent for failed, stored-before or remote records) */
  timings?: Record<string, number>
}

/** Strategy state after a told group. */
export interface SessionCheckpoint {
  /** evaluations told so far (warm-up included) */
  told: number
  state: StrategyState
  bestIndex: number | null
}

/** Where a session's evaluations go (run store, JSONL files, a remote queue…). */
export interface SessionSink {
  /** evaluation `index` as stored by an interrupted session, or null (then it is scored) */
  stored(index: number): EvaluationRecord | null
  /** a scored evaluation; `checkpoint` comes with the last of its group and must be committed together with it */
  record(rec: EvaluationRecord, checkpoint?: SessionCheckpoint): void
  /** checkpoint of a group whose evaluations were all stored already */
  checkpoint(c: SessionCheckpoint): void
}

export interface GroupDone {
  done: number
  total: number
  bestIndex: number | null
  bestChanged: boolean
}

export interface SearchSessionOptions {
  strategy: StrategyRun
  /** the space's hash of an architecture string (recorded for failed evaluations) */
  hashOf: (arch: string) => string
  /** the request of every evaluation except arch and seed; `proxies` are the members told to the strategy, in order */
  request: Omit<ScoreRequest, 'arch' | 'seed'>
  runSeed: number
  scorer: Scorer
  sink: SessionSink
  /** after each told group (progress, best) */
  onGroup?: (g: GroupDone) => void
}

/**
 * Worker error codes that concern the whole run (its dataset, options or
 * backend) rather than one architecture: they stop the session at once.
 * Anything else (INVALID_ARCH, NUMERIC, WORKER_CRASHED, INTERNAL…) is
 * recorded as a failed evaluation and the search goes on.
 */
export const RUN_FATAL: ReadonlySet<string> = new Set([
  'INVALID_OPTION', 'FILE_NOT_FOUND', 'FILE_UNREADABLE', 'BAD_FORMAT', 'BAD_SHAPE', 'BAD_LABEL',
  'EMPTY_DATASET', 'UNSAFE_PICKLE', 'BAD_CHECKSUM', 'BACKEND_UNAVAILABLE',
])

/** What the strategy is told for member `proxy` of a record. */
export function toldScore(rec: EvaluationRecord, proxy: string): number {
  if (rec.status !== 'ok') return Number.NEGATIVE_INFINITY
  const v = rec.scores[proxy]
  return v === undefined ? Number.NEGATIVE_INFINITY : v
}

export class SearchSession {
  private cancelled = false

  constructor(private readonly o: SearchSessionOptions) {}

  /** Runs to the end of the budget or until cancelled; rejects only on RUN_FATAL and internal errors. */
  async run(): Promise<'done' | 'cancelled'> {
    const { strategy, scorer } = this.o
    const k = Math.max(scorer.size, strategy.groupSize?.() ?? 1)
    while (!strategy.done() && !this.cancelled) {
      const group = strategy.ask(k)
      if (group.length === 0) break
      if (!(await this.runGroup(group))) return 'cancelled'
    }
    return this.cancelled ? 'cancelled' : 'done'
  }

  /** Stops between evaluations: pending scores are discarded (the scorer is closed by its owner or here). */
  cancel(): void {
    this.cancelled = true
    this.o.scorer.close()
  }

  /** Scores one group; false when cancelled before it completed. */
  private async runGroup(group: Candidate[]): Promise<boolean> {
    const { sink } = this.o
    const records = group.map((c) => {
      const r = sink.stored(c.id)
      if (r && r.arch !== c.arch) {
        throw new ZsnasError('INTERNAL', `resume mismatch at evaluation ${c.id}: stored '${r.arch}', strategy proposed '${c.arch}'`)
      }
      return r
    })
    let outstanding = records.filter((r) => r === null).length
    const bestBefore = this.o.strategy.best()?.candidate.id ?? null
    if (outstanding === 0) sink.checkpoint(this.tell(group, records as EvaluationRecord[]))
    await Promise.all(
      group.map(async (c, j) => {
        if (records[j] !== null) return
        const res = await this.o.scorer.score({ ...this.o.request, arch: c.arch, seed: evaluationSeed(this.o.runSeed, c.id) }, { index: c.id })
        if (this.cancelled || (!res.ok && res.error.code === 'CANCELLED')) return
        if (!res.ok && RUN_FATAL.has(res.error.code)) {
          throw new ZsnasError(res.error.code as ErrorCode, `evaluation ${c.id} (${c.arch}): ${res.error.message}`, res.error.details)
        }
        const rec = this.toRecord(c, res)
        records[j] = rec
        outstanding--
        sink.record(rec, outstanding === 0 ? this.tell(group, records as EvaluationRecord[]) : undefined)
      }),
    )
    if (outstanding > 0) return false
    const bestIndex = this.o.strategy.best()?.candidate.id ?? null
    this.o.onGroup?.({ done: this.o.strategy.completed(), total: this.o.strategy.total(), bestIndex, bestChanged: bestIndex !== bestBefore })
    return true
  }

  private tell(group: Candidate[], records: EvaluationRecord[]): SessionCheckpoint {
    const { strategy } = this.o
    const members = this.o.request.proxies
    strategy.tell(group.map((c, j) => ({ id: c.id, scores: members.map((m) => toldScore(records[j], m)) })))
    return { told: strategy.completed(), state: strategy.checkpoint(), bestIndex: strategy.best()?.candidate.id ?? null }
  }

  private toRecord(c: Candidate, res: ScoreAttempt): EvaluationRecord {
    const base = { index: c.id, phase: c.phase, attempts: res.attempts }
    if (!res.ok) {
      return { ...base, arch: c.arch, hash: this.o.hashOf(c.arch), status: 'failed', scores: {}, params: null, flops: null, seconds: 0, error: res.error, ...(res.host ? { host: res.host } : {}) }
    }
    const o = res.outcome
    return { ...base, arch: c.arch, hash: o.hash, status: 'ok', scores: o.scores, params: o.params, flops: o.flops, seconds: o.seconds, error: null, backend: o.backend, ...(o.adapter ? { adapter: o.adapter } : {}), ...(o.host ? { host: o.host } : {}), ...(o.timings ? { timings: o.timings } : {}) }
  }
}
