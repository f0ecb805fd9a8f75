/**
 * Crash-safe run store (SQLite via better-sqlite3, WAL, synchronous=FULL for
 * the durability of every committed evaluation).
 *
 * Guarantees:
 *  - an evaluation is durable once `insertEvaluation` returns; it is never
 *    overwritten or duplicated ((run, idx) UNIQUE + INSERT OR IGNORE);
 *  - a strategy checkpoint passed with an evaluation is committed in the SAME
 *    transaction, so after a crash the latest checkpoint never refers to an
 *    evaluation that is missing;
 *  - `RunStore.open` marks every run left 'running'/'queued' by a dead
 *    process as 'interrupted' (one backend process owns a data dir at a time).
 */
import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { ZsnasError } from '../engine/core/errors'
import type {
  EvaluationPage,
  EvaluationQuery,
  EvaluationRow,
  LogEntry,
  RunConfig,
  RunStatus,
  RunTiming,
  ServiceErrorData,
  Versions,
} from '../shared/schemas'
import { EvaluationQuerySchema } from '../shared/schemas'
import { SCHEMA_SQL, SCHEMA_VERSION } from './store-schema'
import { ensureDir } from './fs-safe'

export interface RunRecord {
  id: string
  name: string
  config: RunConfig
  seed: number
  total: number
  versions: Versions
  hashes: Record<string, string>
  status: RunStatus
  error: ServiceErrorData | null
  bestIndex: number | null
  notes: string
  createdAt: string
  updatedAt: string
  /** first launch (ISO), last end (ISO; null while running/interrupted), scoring seconds over all launches */
  timing: RunTiming
}

export interface Checkpoint {
  /** number of evaluations (indices 0..told-1) the strategy has been told about */
  told: number
  state: unknown
  /** new best-so-far evaluation index, committed with the checkpoint (omit = unchanged) */
  bestIndex?: number | null
}

const now = () => new Date().toISOString()

export class RunStore {
  readonly db: Database.Database
  readonly file: string

  private constructor(file: string) {
    this.file = file
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(SCHEMA_SQL)
    // additive migration of stores created before the `phase` column existed
    const cols = (this.db.prepare('PRAGMA table_info(evaluations)').all() as { name: string }[]).map((c) => c.name)
    if (!cols.includes('phase')) this.db.exec(`ALTER TABLE evaluations ADD COLUMN phase TEXT NOT NULL DEFAULT 'search'`)
    // additive migration: the machine that scored a row (Redis cluster runs; NULL = this machine)
    if (!cols.includes('host')) this.db.exec('ALTER TABLE evaluations ADD COLUMN host TEXT')
    if (!cols.includes('timings_json')) this.db.exec('ALTER TABLE evaluations ADD COLUMN timings_json TEXT')
    // additive migration of stores created before run timing existed (their runs read as never timed: 0 s)
    const runCols = (this.db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name)
    if (!runCols.includes('started_at')) this.db.exec('ALTER TABLE runs ADD COLUMN started_at TEXT')
    if (!runCols.includes('finished_at')) this.db.exec('ALTER TABLE runs ADD COLUMN finished_at TEXT')
    if (!runCols.includes('active_seconds')) this.db.exec('ALTER TABLE runs ADD COLUMN active_seconds REAL NOT NULL DEFAULT 0')
    this.db.prepare('INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION))
  }

  /** Opens (creating if needed) `<dataDir>/runs.sqlite`; returns the store and the ids it marked interrupted. */
  static open(dataDir: string): { store: RunStore; interrupted: string[] } {
    ensureDir(dataDir, 'data folder')
    const store = new RunStore(path.join(dataDir, 'runs.sqlite'))
    const stale = store.db.prepare(`SELECT id FROM runs WHERE status IN ('running','queued')`).all() as { id: string }[]
    for (const { id } of stale) {
      store.setStatus(id, 'interrupted')
      store.appendEvent(id, 'warn', 'status', 'run was interrupted (the app or server stopped while it was running)')
    }
    return { store, interrupted: stale.map((r) => r.id) }
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  // ------------------------------------------------------------ runs

  createRun(r: { id: string; name: string; config: RunConfig; total: number; versions: Versions; hashes: Record<string, string>; status: RunStatus }): void {
    const t = now()
    this.db
      .prepare(
        `INSERT INTO runs(id, name, config_json, seed, total, versions_json, hashes_json, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.id, r.name, JSON.stringify(r.config), r.config.seed, r.total, JSON.stringify(r.versions), JSON.stringify(r.hashes), r.status, t, t)
    this.appendEvent(r.id, 'info', 'status', `run created (${r.status})`)
  }

  setStatus(id: string, status: RunStatus, error: ServiceErrorData | null = null): void {
    this.db.prepare('UPDATE runs SET status = ?, error_json = ?, updated_at = ? WHERE id = ?').run(status, error ? JSON.stringify(error) : null, now(), id)
  }

  setNotes(id: string, notes: string): void {
    this.require(id)
    this.db.prepare('UPDATE runs SET notes = ?, updated_at = ? WHERE id = ?').run(notes, now(), id)
  }

  /** Records that scoring (re)starts now: sets `startedAt` on the first launch only, clears `finishedAt`. */
  markLaunched(id: string, at: string = now()): void {
    this.db.prepare('UPDATE runs SET started_at = COALESCE(started_at, ?), finished_at = NULL WHERE id = ?').run(at, id)
  }

  /** Adds scoring time (seconds ≥ 0) to the run's active total; called per group, so a crash loses at most one group's time. */
  addActiveSeconds(id: string, seconds: number): void {
    if (!(seconds > 0) || !Number.isFinite(seconds)) return
    this.db.prepare('UPDATE runs SET active_seconds = active_seconds + ? WHERE id = ?').run(seconds, id)
  }

  /** Records when the run ended (finished, failed or cancelled). */
  markEnded(id: string, at: string = now()): void {
    this.db.prepare('UPDATE runs SET finished_at = ? WHERE id = ?').run(at, id)
  }

  setBest(id: string, index: number): void {
    this.db.prepare('UPDATE runs SET best_idx = ?, updated_at = ? WHERE id = ?').run(index, now(), id)
  }

  /** records the tfjs backend (and the WebGPU adapter, when there is one) the run scores on, in its versions */
  setBackend(id: string, backend: string, adapter?: string): void {
    const rec = this.require(id)
    this.db.prepare('UPDATE runs SET versions_json = ? WHERE id = ?').run(JSON.stringify({ ...rec.versions, backend, ...(adapter ? { adapter } : {}) }), id)
  }

  getRun(id: string): RunRecord | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as DbRun | undefined
    return row ? fromDbRun(row) : null
  }

  /** Like getRun but throws NOT_FOUND. */
  require(id: string): RunRecord {
    const r = this.getRun(id)
    if (!r) throw new ZsnasError('NOT_FOUND', `no run with id '${id}'`, { id })
    return r
  }

  /** newest first */
  listRuns(): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC, rowid DESC').all() as DbRun[]).map(fromDbRun)
  }

  deleteRun(id: string): void {
    this.require(id)
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(id)
  }

  // ------------------------------------------------------------ evaluations

  /**
   * Appends one evaluation (ignored if (run, index) already exists) and, in the
   * same transaction, an optional checkpoint. Returns true if the row was new.
   */
  insertEvaluation(runId: string, row: EvaluationRow, checkpoint?: Checkpoint): boolean {
    const tx = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT OR IGNORE INTO evaluations(run_id, idx, arch, hash, status, scores_json, params, flops, seconds, ground_truth, error_json, attempts, phase, host, timings_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          runId,
          row.index,
          row.arch,
          row.hash,
          row.status,
          JSON.stringify(row.scores),
          row.params,
          row.flops,
          row.seconds,
          row.groundTruth,
          row.error ? JSON.stringify(row.error) : null,
          row.attempts,
          row.phase ?? 'search',
          row.host ?? null,
          row.timings ? JSON.stringify(row.timings) : null,
          now(),
        )
      if (checkpoint) this.insertCheckpoint(runId, checkpoint)
      return info.changes === 1
    })
    return tx()
  }

  writeCheckpoint(runId: string, checkpoint: Checkpoint): void {
    this.db.transaction(() => this.insertCheckpoint(runId, checkpoint))()
  }

  private insertCheckpoint(runId: string, c: Checkpoint): void {
    if (c.bestIndex !== undefined && c.bestIndex !== null) this.setBest(runId, c.bestIndex)
    this.db.prepare('INSERT INTO checkpoints(run_id, told, state_json, created_at) VALUES (?, ?, ?, ?)').run(runId, c.told, JSON.stringify(c.state), now())
  }

  latestCheckpoint(runId: string): Checkpoint | null {
    const r = this.db.prepare('SELECT told, state_json FROM checkpoints WHERE run_id = ? ORDER BY id DESC LIMIT 1').get(runId) as
      | { told: number; state_json: string }
      | undefined
    return r ? { told: r.told, state: JSON.parse(r.state_json) } : null
  }

  getEvaluation(runId: string, index: number): EvaluationRow | null {
    const r = this.db.prepare('SELECT * FROM evaluations WHERE run_id = ? AND idx = ?').get(runId, index) as DbEval | undefined
    return r ? fromDbEval(r) : null
  }

  /** every evaluation of a run in index order */
  allEvaluations(runId: string): EvaluationRow[] {
    return (this.db.prepare('SELECT * FROM evaluations WHERE run_id = ? ORDER BY idx').all(runId) as DbEval[]).map(fromDbEval)
  }

  counts(runId: string): { done: number; failed: number } {
    const r = this.db
      .prepare(`SELECT COUNT(*) AS done, COALESCE(SUM(status = 'failed'), 0) AS failed FROM evaluations WHERE run_id = ?`)
      .get(runId) as { done: number; failed: number }
    return { done: r.done, failed: r.failed }
  }

  /** Paged, sorted, filtered evaluations. Scores sort by value (−∞ lowest); NaN and unknown score keys sort as NULL (last). */
  evaluations(runId: string, query: EvaluationQuery = {}): EvaluationPage {
    this.require(runId)
    const q = EvaluationQuerySchema.parse(query)
    const where = ['run_id = @runId']
    const params: Record<string, unknown> = { runId }
    if (q.filter?.status) {
      where.push('status = @status')
      params.status = q.filter.status
    }
    if (q.filter?.text) {
      where.push(`instr(arch, @text) > 0`)
      params.text = q.filter.text
    }
    let order = 'idx ASC'
    if (q.sort) {
      const dir = q.sort.dir === 'desc' ? 'DESC' : 'ASC'
      const col = sortColumn(q.sort.key, params)
      order = `(${col}) IS NULL, ${col} ${dir}, idx ASC`
    }
    const whereSql = where.join(' AND ')
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM evaluations WHERE ${whereSql}`).get(params) as { n: number }).n
    const rows = this.db
      .prepare(`SELECT * FROM evaluations WHERE ${whereSql} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.limit, offset: q.offset }) as DbEval[]
    return { total, offset: q.offset, rows: rows.map(fromDbEval) }
  }

  // ------------------------------------------------------------ events

  appendEvent(runId: string, level: LogEntry['level'], kind: string, message: string, data?: unknown): LogEntry {
    const time = now()
    this.db
      .prepare('INSERT INTO events(run_id, time, level, kind, message, data_json) VALUES (?, ?, ?, ?, ?, ?)')
      .run(runId, time, level, kind, message, data === undefined ? null : JSON.stringify(data))
    return { time, level, message }
  }

  /** the most recent `limit` log entries, oldest first */
  logs(runId: string, limit = 500): LogEntry[] {
    const rows = this.db.prepare('SELECT time, level, message FROM events WHERE run_id = ? ORDER BY id DESC LIMIT ?').all(runId, limit) as LogEntry[]
    return rows.reverse()
  }
}

function sortColumn(key: string, params: Record<string, unknown>): string {
  switch (key) {
    case 'index':
      return 'idx'
    case 'params':
      return 'params'
    case 'flops':
      return 'flops'
    case 'seconds':
      return 'seconds'
    case 'groundTruth':
      return 'ground_truth'
    default:
      // 'score:<proxy>' — the proxy id goes in as a bound JSON path, never spliced into SQL;
      // '-Infinity'/'Infinity' (src/shared/score-value.ts) sort as ∓∞ (SQLite's 1e999 is +∞), 'NaN' and null as NULL (last)
      params.scorePath = `$."${key.slice('score:'.length)}"`
      return `CASE json_extract(scores_json, @scorePath) WHEN '-Infinity' THEN -1e999 WHEN 'Infinity' THEN 1e999 WHEN 'NaN' THEN NULL ELSE json_extract(scores_json, @scorePath) END`
  }
}

interface DbRun {
  id: string
  name: string
  config_json: string
  seed: number
  total: number
  versions_json: string
  hashes_json: string
  status: RunStatus
  error_json: string | null
  best_idx: number | null
  notes: string
  created_at: string
  updated_at: string
  started_at: string | null
  finished_at: string | null
  active_seconds: number
}

function fromDbRun(r: DbRun): RunRecord {
  return {
    id: r.id,
    name: r.name,
    config: JSON.parse(r.config_json),
    seed: r.seed,
    total: r.total,
    versions: JSON.parse(r.versions_json),
    hashes: JSON.parse(r.hashes_json),
    status: r.status,
    error: r.error_json ? JSON.parse(r.error_json) : null,
    bestIndex: r.best_idx,
    notes: r.notes,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    timing: { startedAt: r.started_at ?? null, finishedAt: r.finished_at ?? null, activeSeconds: r.active_seconds ?? 0 },
  }
}

interface DbEval {
  idx: number
  arch: string
  hash: string
  status: 'ok' | 'failed'
  scores_json: string
  params: number | null
  flops: number | null
  seconds: number
  ground_truth: number | null
  error_json: string | null
  attempts: number
  phase: 'warmup' | 'search'
  host?: string | null
  timings_json?: string | null
}

function fromDbEval(r: DbEval): EvaluationRow {
  return {
    index: r.idx,
    arch: r.arch,
    hash: r.hash,
    status: r.status,
    scores: JSON.parse(r.scores_json),
    params: r.params,
    flops: r.flops,
    seconds: r.seconds,
    groundTruth: r.ground_truth,
    error: r.error_json ? JSON.parse(r.error_json) : null,
    attempts: r.attempts,
    ...(r.phase === 'warmup' ? { phase: 'warmup' as const } : {}),
    ...(r.host ? { host: r.host } : {}),
    ...(r.timings_json ? { timings: JSON.parse(r.timings_json) as Record<string, number> } : {}),
  }
}
