/**
 * Export of one run to a folder:
 *  - manifest.json     config, seeds (run seed + per-evaluation derivation), app/engine/backend
 *                      versions, sha256 of the dataset and benchmark files, counts, timestamps,
 *                      timing { startedAt, finishedAt, activeSeconds };
 *  - evaluations.jsonl one EvaluationRow per line, index order;
 *  - evaluations.csv   the one evaluation schema `zsnas-evaluations/1` (src/shared/export-schema.ts,
 *                      docs/exports.md) — the same columns as the run view's CSV export;
 *  - best.json         the best-so-far evaluation (strategy's comparator) or null;
 *  - zc_<space>.json   NAS-Bench-Suite-Zero's merged format (`zcSuiteJson`);
 *  - zc_<space>_evaluations.json  NASLib's per-evaluation list (`zcEvaluationsJson`, repeats kept).
 *  - best_model/       the best architecture's model files (engine/export/best-model.ts: PyTorch model.py,
 *                      train.py, weights.safetensors, ONNX, structure file), built for the run's dataset, with
 *                      the weights it was scored with (evaluationSeed(run seed, index), the run's init);
 * Files are written to a temporary folder and renamed into place, so an export is never half-written.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { EvaluationRow, ExportResult, RunSummary } from '../shared/schemas'
import { EVALUATIONS_SCHEMA, csvCell, evaluationsCsv, truthColumn } from '../shared/export-schema'
import { decodeScore, encodeScore } from '../shared/score-value'
import { getProxy } from '../engine/proxies/registry'
import type { RunStore } from './store'
import { bestModelFiles } from '../engine/export/best-model'
import { evaluationSeed } from './seeds'
import { ensureDir } from './fs-safe'

/** Re-exported for older callers: the one CSV writer lives in src/shared/export-schema.ts. */
export { csvCell }

/**
 * NAS-Bench-Suite-Zero's merged zero-cost file (NASLib `zc_<space>.json`):
 * `{ <task>: { <arch>: { id, <proxy>: { score, time }, val_accuracy | test_accuracy } } }`.
 * The accuracy goes under the key its metric IS: a validation metric ('cifar10-valid') under
 * `val_accuracy`, a test metric (NB201 'cifar10' = 200-epoch test accuracy) under `test_accuracy`
 * — never test accuracy under `val_accuracy`. `time` is that proxy's own seconds (`proxySeconds`).
 * A repeated architecture keeps its first
 * evaluation as the entry and lists the later evaluation indices under `repeats` (every evaluation,
 * repeats included, is in `zc_<space>_evaluations.json`, see `zcEvaluationsJson`). Failed rows are
 * omitted. Non-finite scores are 'NaN' / 'Infinity' / '-Infinity' strings.
 */
export function zcSuiteJson(rows: readonly EvaluationRow[], task: string, metric: string | null, proxies: readonly string[]): Record<string, Record<string, Record<string, unknown>>> {
  const inner: Record<string, Record<string, unknown>> = {}
  for (const r of rows) {
    if (r.status !== 'ok') continue
    const seen = inner[r.arch]
    if (seen) {
      seen.repeats = [...((seen.repeats as number[] | undefined) ?? []), r.index]
      continue
    }
    inner[r.arch] = zcRecord(r, metric, proxies)
  }
  return { [task]: inner }
}

/** NASLib's per-evaluation benchmark list (runners/zc/benchmarks): one record per evaluation, repeats kept, index order. */
export function zcEvaluationsJson(rows: readonly EvaluationRow[], metric: string | null, proxies: readonly string[]): Record<string, unknown>[] {
  return rows.filter((r) => r.status === 'ok').map((r) => ({ idx: String(r.index), arch: r.arch, ...zcRecord(r, metric, proxies) }))
}

/**
 * A proxy's own scoring seconds (NASLib times `predictor.query` alone): from the evaluation's stage
 * timings, a standalone proxy's own stage, or for a response proxy (WRCor, NASWOT, … computed from one
 * forward/backward pass) that shared pass's time; rows stored before stage timings were recorded: the
 * evaluation's time for a single-proxy run, else null (never the combined time handed to every proxy).
 */
export function proxySeconds(r: EvaluationRow, proxy: string, proxies: readonly string[]): number | null {
  const t = r.timings
  if (!t) return proxies.length === 1 ? r.seconds : null
  if (typeof t[proxy] === 'number') return t[proxy]
  let kind: string | undefined
  try {
    kind = getProxy(proxy).kind
  } catch {
    kind = undefined
  }
  return kind === 'response' && typeof t.responses === 'number' ? t.responses : null
}

function zcRecord(r: EvaluationRow, metric: string | null, proxies: readonly string[]): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: r.index }
  for (const p of proxies) {
    const v = r.scores[p]
    if (v === undefined) continue
    entry[p] = { score: encodeScore(decodeScore(v)), time: proxySeconds(r, p, proxies) }
  }
  if (r.groundTruth !== null && metric) entry[/-valid$/.test(metric) ? 'val_accuracy' : 'test_accuracy'] = r.groundTruth
  return entry
}

/** The NAS-Bench-Suite-Zero task name: the metric's dataset ('cifar10-valid' → 'cifar10'), else the dataset kind. */
export function zcTask(metric: string | null | undefined, datasetKind: string): string {
  return metric ? metric.replace(/-valid$/, '') : datasetKind
}

/**
 * Every file of a run's export folder (name → contents), built in memory; nothing is written.
 * `exportRun` writes them to a folder; the browser-mode server zips them for a download.
 */
export function runFolderFiles(store: RunStore, summary: RunSummary, proxies: string[], extra: { seedDerivation: string }): Record<string, string | Uint8Array> {
  const rec = store.require(summary.id)
  const rows = store.allEvaluations(summary.id)
  const metric = rec.config.groundTruth?.metric ?? null
  const task = zcTask(metric, rec.config.dataset.kind)
  const files: Record<string, string | Uint8Array> = {
    'manifest.json': JSON.stringify(
      {
        format: 'zsnas-studio-run/1',
        runId: rec.id,
        name: rec.name,
        status: summary.status,
        config: rec.config,
        seeds: { run: rec.seed, evaluation: extra.seedDerivation },
        versions: rec.versions,
        sha256: rec.hashes,
        dataset: rec.config.dataset,
        groundTruth: rec.config.groundTruth ?? null,
        counts: { done: summary.done, failed: summary.failed, total: summary.total },
        createdAt: rec.createdAt,
        // start of scoring, end of the run, and scoring seconds over every launch (notes edits, pauses and downtime excluded)
        timing: summary.timing ?? rec.timing,
        exports: { evaluationsCsv: EVALUATIONS_SCHEMA, truthColumn: truthColumn(metric), zcTask: task },
        exportedAt: new Date().toISOString(),
        notes: rec.notes,
      },
      null,
      2,
    ),
    'evaluations.jsonl': rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''),
    'evaluations.csv': evaluationsCsv(rows, proxies, metric),
    'best.json': JSON.stringify(summary.best, null, 2),
    [`zc_${rec.config.space}.json`]: JSON.stringify(zcSuiteJson(rows, task, metric, proxies), null, 2),
    [`zc_${rec.config.space}_evaluations.json`]: JSON.stringify(zcEvaluationsJson(rows, metric, proxies), null, 1),
  }
  if (summary.best) {
    // the weights the best architecture was scored with (its evaluation seed, the run's init)
    const scored = { seed: evaluationSeed(rec.seed, summary.best.index), init: rec.config.init }
    for (const f of bestModelFiles(rec.config.space, summary.best.arch, rec.config.dataset, scored)) files[f.name] = f.data
  }
  return files
}

export function exportRun(
  store: RunStore,
  summary: RunSummary,
  proxies: string[],
  dir: string,
  extra: { seedDerivation: string },
): ExportResult {
  const files = runFolderFiles(store, summary, proxies, extra)
  const target = path.resolve(dir)
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
    throw Object.assign(new Error(`export folder ${target} exists and is not empty`), { code: 'CONFLICT', details: { dir: target } })
  }
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`
  ensureDir(tmp, 'export folder')
  for (const [name, text] of Object.entries(files)) {
    ensureDir(path.dirname(path.join(tmp, name)), 'export folder')
    fs.writeFileSync(path.join(tmp, name), text)
  }
  ensureDir(path.dirname(target), 'export folder')
  if (fs.existsSync(target)) fs.rmdirSync(target)
  fs.renameSync(tmp, target)
  return { dir: target, files: Object.keys(files).sort() }
}
