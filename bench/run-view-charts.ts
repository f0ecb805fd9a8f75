/**
 * Run-view chart models on a whole NB201 run: the 15,625 cells of the shared
 * NB201 table as rows (accuracy from the table, a synthetic score correlated
 * with it, FLOPs/params made up), then the time of each pure model the run
 * view recomputes on a redraw: table filter, 3 scatter models, parallel
 * coordinates, op importance. Prints ms (median of 5 after 2 warm-ups; a plain sort of the accuracies as a baseline for machine load). Not run by CI.
 *   npx tsx bench/run-view-charts.ts
 */
import { readFileSync } from 'node:fs'
import { sharedPath } from '../tests/helpers/shared-data'
import type { EvaluationRow } from '../src/shared/schemas'
import { chartFields, pickField } from '../src/renderer/lib/chart-fields'
import { scatterModel } from '../src/renderer/lib/scatter-option'
import { parallelModel } from '../src/renderer/lib/parallel-option'
import { opImportance } from '../src/renderer/lib/op-importance'
import { applyView, buildColumns } from '../src/renderer/lib/columns'

const lines = readFileSync(sharedPath('nb201', 'nats_bench_tss_test_acc.csv'), 'utf8').trim().split('\n').slice(1)
let seed = 1
const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
const rows: EvaluationRow[] = lines.map((l, index) => {
  const p = l.split(',')
  const acc = Number(p[0])
  return { index, arch: p[3], hash: p[3], status: 'ok', scores: { wrcor: acc / 10 + rnd() * 2, synflow: rnd() * 100 }, params: 1e5 + rnd() * 1e6, flops: 1e6 + rnd() * 3e7, seconds: 1 + rnd(), groundTruth: acc, error: null, attempts: 1 }
})
const fields = chartFields(['wrcor', 'synflow'], undefined, 'cifar10')
const acc = pickField(fields, 'groundTruth', 'accuracy')!
const flops = pickField(fields, 'flops', 'cost')!
const cols = buildColumns(['wrcor', 'synflow'])

function time(name: string, f: () => unknown) {
  const t: number[] = []
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now()
    f()
    t.push(performance.now() - t0)
  }
  const warm = t.slice(2).sort((a, b) => a - b) // two warm-up runs dropped
  console.log(`${name.padEnd(44)} ${warm[2].toFixed(1).padStart(7)} ms`)
}
console.log(`${rows.length} rows; median of 5 after 2 warm-up runs`)
time('baseline: sort 15,625 numbers', () => rows.map((r) => r.groundTruth as number).sort((a, b) => a - b))
time('table filter (accuracy >85)', () => applyView(rows, cols, { groundTruth: '>85' }, null))
time('scatter score vs accuracy', () => scatterModel({ rows, x: fields[0], y: acc, fields, showDegenerate: false, pareto: false, title: '' }))
time('scatter accuracy vs FLOPs + Pareto', () => scatterModel({ rows, x: flops, y: acc, fields, showDegenerate: false, pareto: true, title: '' }))
time('parallel coordinates (5 axes)', () => parallelModel(rows, fields, false))
time('op importance', () => opImportance(rows, 'wrcor'))
