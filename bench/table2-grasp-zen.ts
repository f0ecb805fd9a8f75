/**
 * GraSP and both Zen variants on the paper's protocol (NB201 indices 0..K−1 in
 * index order, CIFAR-10 batch of 64 from the shared 4000 training images,
 * PyTorch init, per-architecture seed = seed ⊕ fnv1a(hash) as `zsnas evaluate`),
 * appended to a CSV one architecture at a time; re-running continues after
 * the last index in the CSV. Prints ρ/τ of what is done. Never asserted.
 *
 *   nice npx tsx bench/table2-grasp-zen.ts --n 1000 --csv /tmp/grasp-zen.csv
 *   nice npx tsx bench/table2-grasp-zen.ts --n 1000 --no-grasp --csv /tmp/zen.csv   (Zen only: two forwards per variant)
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { scoreArchitecture } from '../src/engine/score/score'
import { loadNb201Table } from '../src/engine/benchmarks/nb201-csv'
import { nb201Space } from '../src/engine/spaces/nb201'
import { fnv1a } from '../src/engine/proxies'
import { kendallTau, spearman } from '../src/engine/metrics'

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : def
}
const n = Number(arg('n', '1000'))
const seed = Number(arg('seed', '0'))
const csv = arg('csv', '/tmp/zsnas-grasp-zen.csv')
const table = arg('table', '../shared/data/nb201/nats_bench_tss_test_acc.csv')
const cifar = arg('cifar10', '../shared/data/cifar10/data_batch_1_first4000_exact.bin')
const noGrasp = process.argv.includes('--no-grasp')
/** --report: no scoring, only the statistics of the rows in the CSV (e.g. while a run is going) */
const reportOnly = process.argv.includes('--report')
const gt = loadNb201Table(table)
const keys = gt.keys()
const dataset = { kind: 'cifar10' as const, path: cifar }
if (!existsSync(csv)) writeFileSync(csv, 'index,arch,cifar10,grasp,zen_reference,zen_zennas,grasp_seconds\n')
const done = new Set(readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0])))
const t0 = performance.now()
let count = 0
for (let i = 0; i < n && !reportOnly; i++) {
  if (done.has(i)) continue
  const arch = nb201Space.fromString(keys[i])
  const s = ((seed >>> 0) ^ fnv1a(nb201Space.hash(arch))) >>> 0
  const base = { space: 'nb201', arch: keys[i], dataset, batchSize: 64, seed: s, init: 'pytorch' as const }
  const a = await scoreArchitecture({ ...base, proxies: noGrasp ? ['zen'] : ['grasp', 'zen'] })
  const b = await scoreArchitecture({ ...base, proxies: ['zen'], proxyOptions: { zen: { init: 'zennas' } } })
  appendFileSync(csv, `${i},${keys[i]},${gt.get(keys[i], 'cifar10')},${noGrasp ? '' : a.scores.grasp},${a.scores.zen},${b.scores.zen},${noGrasp ? '' : a.timings.grasp.toFixed(2)}\n`)
  count++
  const el = (performance.now() - t0) / 1000
  process.stderr.write(`\r${i + 1}/${n}  ${(el / count).toFixed(1)} s/arch   `)
}
const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','))
const acc = rows.map((r) => Number(r[2]))
for (const [k, name] of [[3, 'grasp'], [4, 'zen reference'], [5, 'zen zennas']] as const) {
  if (rows[0]?.[k] === '') continue
  const s = rows.map((r) => Number(r[k]))
  const r = spearman(s, acc)
  // approximate 95 % interval of Spearman ρ: Fisher z with SE 1.06/√(n−3) (Fieller et al. 1957)
  const z = Math.atanh(r)
  const se = 1.06 / Math.sqrt(rows.length - 3)
  const ci = `[${Math.tanh(z - 1.96 * se).toFixed(2)}, ${Math.tanh(z + 1.96 * se).toFixed(2)}]`
  console.log(`${name.padEnd(14)} n=${rows.length}  ρ=${r.toFixed(3)} ${ci}  τ=${kendallTau(s, acc).toFixed(3)}  non-finite ${s.filter((v) => !Number.isFinite(v)).length}`)
}
