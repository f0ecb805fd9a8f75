/**
 * Export of one run to a folder:
 *  - manifest.json     config, seeds (run seed + per-evaluation derivation), app/engine/backend
 *                      versions, sha256 of the dataset and benchmark files, counts, timestamps;
 *  - evaluations.jsonl one EvaluationRow per line, index order;
 *  - evaluations.csv   index, arch, hash, status, params, flops, seconds, ground_truth, attempts, error, one column per proxy;
 *  - best.json         the best-so-far evaluation (strategy's comparator) or null;
 *  - zc_<space>.json   NAS-Bench-Suite-Zero shape: { "<task>": { "<arch>": { "<proxy>": { "score", "time" },
 *                      "val_accuracy": acc } } } (task = ground-truth metric or dataset kind; `time` = the
 *                      evaluation's wall seconds, shared by its proxies; failed evaluations are omitted;
 *                      val_accuracy present only with a ground-truth table).
 *  - best_model/       the best architecture's model files (engine/export/best-model.ts: PyTorch model.py,
 *                      train.py, weights.safetensors, ONNX, structure file), built for the run's dataset, with
 *                      the weights it was scored with (evaluationSeed(run seed, index), the run's init);
 * Files are written to a temporary folder and renamed into place, so an export is never half-written.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { EvaluationRow, ExportResult, RunSummary } from '../shared/schemas'
import type { RunStore } from './store'
import { bestModelFiles } from '../engine/export/best-model'
import { evaluationSeed } from './seeds'
import { ensureDir } from './fs-safe'

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function evaluationsCsv(rows: EvaluationRow[], proxies: string[]): string {
  const head = ['index', 'arch', 'hash', 'status', 'params', 'flops', 'seconds', 'ground_truth', 'attempts', 'error', ...proxies.map((p) => `score_${p}`)]
  const lines = [head.join(',')]
  for (const r of rows) {
    lines.push(
      [r.index, r.arch, r.hash, r.status, r.params, r.flops, r.seconds, r.groundTruth, r.attempts, r.error?.message ?? null, ...proxies.map((p) => r.scores[p] ?? null)]
        .map(csvCell)
        .join(','),
    )
  }
  return lines.join('\n') + '\n'
}

export function zcSuiteJson(rows: EvaluationRow[], task: string): Record<string, Record<string, unknown>> {
  const inner: Record<string, Record<string, unknown>> = {}
  for (const r of rows) {
    if (r.status !== 'ok') continue
    const entry: Record<string, unknown> = {}
    for (const [p, s] of Object.entries(r.scores)) entry[p] = { score: s, time: r.seconds }
    if (r.groundTruth !== null) entry.val_accuracy = r.groundTruth
    inner[r.arch] = entry
  }
  return { [task]: inner }
}

export function exportRun(
  store: RunStore,
  summary: RunSummary,
  proxies: string[],
  dir: string,
  extra: { seedDerivation: string },
): ExportResult {
  const rec = store.require(summary.id)
  const rows = store.allEvaluations(summary.id)
  const task = rec.config.groundTruth?.metric ?? rec.config.dataset.kind
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
        exportedAt: new Date().toISOString(),
        notes: rec.notes,
      },
      null,
      2,
    ),
    'evaluations.jsonl': rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''),
    'evaluations.csv': evaluationsCsv(rows, proxies),
    'best.json': JSON.stringify(summary.best, null, 2),
    [`zc_${rec.config.space}.json`]: JSON.stringify(zcSuiteJson(rows, task), null, 2),
  }
  if (summary.best) {
    // the weights the best architecture was scored with (its evaluation seed, the run's init)
    const scored = { seed: evaluationSeed(rec.seed, summary.best.index), init: rec.config.init }
    for (const f of bestModelFiles(rec.config.space, summary.best.arch, rec.config.dataset, scored)) files[f.name] = f.data
  }
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
