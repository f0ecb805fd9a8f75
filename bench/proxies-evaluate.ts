/**
 * Proxy evaluation with a wall-clock budget: exactly what
 *   zsnas evaluate --table T --n N --seed S --proxies P --dataset cifar10:PATH --batch B
 * computes (same engine `evaluateProxies`, same architecture sample, same
 * per-architecture seeds, hence the same scores), but every scored
 * architecture is appended to a CSV as soon as it is done, and when the
 * budget runs out the evaluation stops and ρ / τ / top-10% are reported for
 * the architectures finished so far (voting proxies ranked over those rows).
 * For the final measurement on a shared machine. Printed, never asserted.
 *
 *   nice npx tsx bench/proxies-evaluate.ts --n 200 --minutes 25 \
 *     --proxies synflow,jaccor,naswot,params,flops,wrcor,sjw --csv /tmp/eval.csv
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { evaluateProxies, summarize, type EvaluatedArch } from '../src/engine/score/evaluate'
import { scoreArchitecture, type ScoreRequest } from '../src/engine/score/score'
import { loadNb201Table } from '../src/engine/benchmarks/nb201-csv'
import { getVotingProxy, votingRanks } from '../src/engine/proxies/voting'
import { ZsnasError } from '../src/engine/core/errors'
import { spearman } from '../src/engine/metrics'

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : def
}
const n = Number(arg('n', '200'))
const seed = Number(arg('seed', '0'))
const batchSize = Number(arg('batch', '64'))
const minutes = Number(arg('minutes', '25'))
const proxies = arg('proxies', 'synflow,jaccor,naswot,params,flops,wrcor,sjw').split(',')
const table = arg('table', '../shared/data/nb201/nats_bench_tss_test_acc.csv')
const cifar = arg('cifar10', '../shared/data/cifar10/data_batch_1_first4000_exact.bin')
const csv = arg('csv', '/tmp/zsnas-proxies-evaluate.csv')

const gt = loadNb201Table(table)
const rows: EvaluatedArch[] = []
const byArch = new Map<string, number>()
gt.keys().forEach((k, i) => byArch.set(k, i))
// scoring is synchronous tfjs work, so timers would not fire: the budget is checked after each architecture
const controller = new AbortController()
const t0 = performance.now()
writeFileSync(csv, `index,arch,accuracy,${proxies.filter((p) => !getVotingProxy(p)).join(',')},seconds\n`)
const plainIds = proxies.filter((p) => !getVotingProxy(p))

const scorer = async (req: ScoreRequest) => {
  const r = await scoreArchitecture(req)
  const index = byArch.get(r.arch) ?? -1
  const row: EvaluatedArch = { index, arch: r.arch, accuracy: gt.get(r.arch, 'cifar10') ?? NaN, scores: r.scores, seconds: r.seconds, timings: r.timings }
  rows.push(row)
  appendFileSync(csv, `${index},${r.arch},${row.accuracy},${plainIds.map((p) => r.scores[p]).join(',')},${r.seconds.toFixed(3)}\n`)
  const el = (performance.now() - t0) / 1000
  process.stderr.write(`\r${rows.length}/${n}  ${(el / rows.length).toFixed(1)} s/arch  elapsed ${(el / 60).toFixed(1)} min   `)
  if (el > minutes * 60) controller.abort()
  return r
}

let complete = true
try {
  await evaluateProxies({
    space: 'nb201',
    sample: { kind: 'random', count: n, seed },
    proxies,
    dataset: { kind: 'cifar10', path: cifar },
    groundTruth: gt,
    metric: 'cifar10',
    seed,
    batchSize,
    init: 'pytorch',
    scorer,
    signal: controller.signal,
  })
} catch (e) {
  if (!(e instanceof ZsnasError && e.code === 'CANCELLED')) throw e
  complete = false
}
const sortRho: Record<string, number> = {}
for (const id of proxies) {
  const v = getVotingProxy(id)
  if (v === undefined) continue
  // reference-compatible alternative: positions after sorting with the comparator (input = sample order)
  const sorted = votingRanks(v, rows.map((r) => r.scores), 'sort')
  sortRho[id] = spearman(sorted, rows.map((r) => r.accuracy))
  const pos = votingRanks(v, rows.map((r) => r.scores))
  rows.forEach((r, i) => (r.scores[id] = pos[i]))
}
const stats = summarize(rows, proxies)
const mean: Record<string, number> = {}
for (const r of rows) for (const [k, v] of Object.entries(r.timings ?? {})) mean[k] = (mean[k] ?? 0) + v / rows.length
console.log(`\n${complete ? 'complete' : 'stopped by the time budget'}: ${rows.length} of ${n} architectures (seed ${seed}, batch ${batchSize}) in ${((performance.now() - t0) / 60000).toFixed(1)} min`)
for (const p of proxies) {
  const s = stats[p]
  const alt = sortRho[p] === undefined ? '' : `  [sort-with-comparator ρ=${sortRho[p].toFixed(3)}]`
  console.log(`${p.padEnd(9)} ρ=${s.spearman.toFixed(3)}  τ=${s.kendall.toFixed(3)}  top10%=${s.top10Precision.toFixed(2)}  (n=${s.n}, non-finite ${s.nonFinite})${alt}`)
}
console.log(`seconds/arch: ${Object.entries(mean).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`)
console.log(`total seconds/arch: ${(rows.reduce((a, r) => a + r.seconds, 0) / rows.length).toFixed(2)}; rows in ${csv}`)
process.exit(0)
