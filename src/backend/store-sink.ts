/**
 * The app's `SessionSink`: a run's evaluations go to the SQLite run store
 * (store.ts), the checkpoint in the same transaction as a group's last
 * evaluation. This file is the run store's score edge: records (numbers) are
 * encoded into `EvaluationRow`s (NaN/±∞ as strings) in `toEvaluationRow` and
 * stored rows decoded for resume in `fromEvaluationRow`, nowhere else.
 */
import type { GroundTruth } from '../engine/core/data'
import type { EvaluationRow, RunConfig } from '../shared/schemas'
import { encodeScores } from '../shared/score-value'
import type { EvaluationRecord, SessionCheckpoint, SessionSink } from './search-session'
import type { RunStore } from './store'

export function toEvaluationRow(rec: EvaluationRecord, groundTruth: number | null): EvaluationRow {
  return {
    index: rec.index,
    arch: rec.arch,
    hash: rec.hash,
    status: rec.status,
    scores: encodeScores(rec.scores),
    params: rec.params,
    flops: rec.flops,
    seconds: rec.seconds,
    groundTruth: rec.status === 'ok' ? groundTruth : null,
    error: rec.error,
    attempts: rec.attempts,
    ...(rec.phase === 'warmup' ? { phase: 'warmup' as const } : {}),
    ...(rec.host ? { host: rec.host } : {}),
    ...(rec.timings ? { timings: rec.timings } : {}),
  }
}

/** A stored row as the session reuses it on resume; a legacy null score (non-finite of unknown kind) is read as −∞. */
export function fromEvaluationRow(row: EvaluationRow): EvaluationRecord {
  const scores: Record<string, number> = {}
  for (const [k, v] of Object.entries(row.scores)) scores[k] = v === null ? Number.NEGATIVE_INFINITY : Number(v)
  return {
    index: row.index, arch: row.arch, hash: row.hash, phase: row.phase ?? 'search', status: row.status, scores,
    params: row.params, flops: row.flops, seconds: row.seconds, error: row.error, attempts: row.attempts,
  }
}

export interface StoreSinkDeps {
  store: RunStore
  runId: string
  config: RunConfig
  gt: GroundTruth | null
  /** after each stored row (events, logs) */
  onRow: (row: EvaluationRow, rec: EvaluationRecord) => void
}

export function storeSink(d: StoreSinkDeps): SessionSink {
  const metric = d.config.groundTruth?.metric
  return {
    stored: (index) => {
      const row = d.store.getEvaluation(d.runId, index)
      return row ? fromEvaluationRow(row) : null
    },
    record(rec: EvaluationRecord, checkpoint?: SessionCheckpoint) {
      const gt = d.gt && metric ? (d.gt.get(rec.hash, metric) ?? null) : null
      const row = toEvaluationRow(rec, gt)
      d.store.insertEvaluation(d.runId, row, checkpoint)
      d.onRow(row, rec)
    },
    checkpoint: (c) => d.store.writeCheckpoint(d.runId, c),
  }
}
