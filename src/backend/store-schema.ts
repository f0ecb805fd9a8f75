/**
 * SQLite schema of the run store (better-sqlite3, WAL).
 *
 * Append-only by design:
 *  - `evaluations` rows are only ever INSERTed; (run_id, idx) is UNIQUE, and
 *    writes use INSERT OR IGNORE, so a retried/re-scored architecture can
 *    never duplicate a row and a finished evaluation is never overwritten;
 *  - `events` and `checkpoints` are only INSERTed;
 *  - `runs` holds the immutable config/seed/versions plus a small mutable
 *    status/notes/best cell (every status change is also appended to `events`)
 *    and the run's timing: `started_at` (first launch), `finished_at` (last end),
 *    `active_seconds` (scoring time summed over launches; `updated_at` is NOT a
 *    duration — a notes edit moves it).
 * Deleting a run (explicit user action) removes all of its rows.
 */
export const SCHEMA_VERSION = 1

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  config_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  total INTEGER NOT NULL,
  versions_json TEXT NOT NULL,
  hashes_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  error_json TEXT,
  best_idx INTEGER,
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  active_seconds REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS evaluations (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  arch TEXT NOT NULL,
  hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok','failed')),
  scores_json TEXT NOT NULL,
  params REAL,
  flops REAL,
  seconds REAL NOT NULL,
  ground_truth REAL,
  error_json TEXT,
  attempts INTEGER NOT NULL,
  phase TEXT NOT NULL DEFAULT 'search',
  host TEXT,
  timings_json TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (run_id, idx)
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  time TEXT NOT NULL,
  level TEXT NOT NULL,
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  data_json TEXT
);
CREATE INDEX IF NOT EXISTS events_run ON events(run_id, id);
CREATE TABLE IF NOT EXISTS checkpoints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  told INTEGER NOT NULL,
  state_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS checkpoints_run ON checkpoints(run_id, id);
`
