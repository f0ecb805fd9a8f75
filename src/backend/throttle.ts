/**
 * Coalesces a run's outgoing events: at most one flush per `intervalMs`
 * (default 300 ms → with ≤ 3 messages per flush, ≤ 10 messages/s per run).
 * A flush emits, in order: new evaluated rows (one batched `run.evaluated`),
 * the latest `run.best` if it changed, and one `run.progress`.
 * `flushNow()` sends whatever is pending immediately (used at run end).
 */
import type { EvaluationRow } from '../shared/schemas'

export interface ThrottleSink {
  evaluated(rows: EvaluationRow[]): void
  best(row: EvaluationRow): void
  progress(): void
}

export class EventThrottle {
  private rows: EvaluationRow[] = []
  private bestRow: EvaluationRow | null = null
  private dirty = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private last = 0

  constructor(
    private readonly sink: ThrottleSink,
    private readonly intervalMs = 300,
  ) {}

  addRow(row: EvaluationRow): void {
    this.rows.push(row)
    this.touch()
  }

  setBest(row: EvaluationRow): void {
    this.bestRow = row
    this.touch()
  }

  touch(): void {
    this.dirty = true
    if (this.timer) return
    const wait = Math.max(0, this.last + this.intervalMs - Date.now())
    this.timer = setTimeout(() => {
      this.timer = null
      this.flushNow()
    }, wait)
  }

  flushNow(): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    if (!this.dirty) return
    this.dirty = false
    this.last = Date.now()
    if (this.rows.length > 0) this.sink.evaluated(this.rows.splice(0))
    if (this.bestRow) {
      this.sink.best(this.bestRow)
      this.bestRow = null
    }
    this.sink.progress()
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
