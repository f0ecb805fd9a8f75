/**
 * What the full Table 2 protocol (NB201 indices 0..999 × 3 datasets × every
 * proxy) costs on this machine, from a `zsnas evaluate --paper` run folder's
 * own timings (issue #23; docs/proxies.md "Table 2").
 *
 * Reads DIR/scores-<dataset>.csv: the `seconds` column is the wall time the
 * run spent scoring that row (all proxies of that row in one request). Rows
 * with a GraSP value are reported apart (GraSP is capped in the main run);
 * `--grasp-s S` adds GraSP's measured seconds per architecture (C10/C100; a
 * quarter on the 16×16 IN16, whose rows cost about a quarter) to the rows
 * without it. `--from-line N` keeps the data rows from the N-th on, in file
 * order (e.g. the rows of one resumed session). Prints mean and
 * median per dataset, and the extrapolation to 1000 indices per dataset.
 * Never asserted.
 *
 *   npx tsx bench/table2-row-cost.ts --out /tmp/d23/table2 [--from-line N] [--grasp-s 57.9]
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const args = process.argv.slice(2)
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const dir = arg('out') ?? 'zsnas-table2'
const fromLine = Number(arg('from-line') ?? '1')
const graspS = Number(arg('grasp-s') ?? '0')
const DATASETS = [
  { id: 'cifar10', graspFactor: 1 },
  { id: 'cifar100', graspFactor: 1 },
  { id: 'imagenet16-120', graspFactor: 0.25 },
] as const

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
let total = 0
console.log(`${dir}: rows from data line ${fromLine} on; seconds = wall time per architecture and dataset`)
console.log('| dataset | rows without GraSP | mean s | median s | rows with GraSP | their mean s | 1000 indices, every proxy (h) |')
console.log('|---|---:|---:|---:|---:|---:|---:|')
for (const d of DATASETS) {
  const [head, ...rows] = readFileSync(join(dir, `scores-${d.id}.csv`), 'utf8').trim().split('\n').map((l) => l.split(','))
  const [sec, grasp] = [head.indexOf('seconds'), head.indexOf('grasp')]
  const use = rows.slice(fromLine - 1)
  const without = use.filter((r) => r[grasp] === '').map((r) => Number(r[sec]))
  const withG = use.filter((r) => r[grasp] !== '').map((r) => Number(r[sec]))
  const perRow = mean(without) + graspS * d.graspFactor
  total += perRow * 1000
  const wm = withG.length ? mean(withG).toFixed(1) : '–'
  console.log(`| ${d.id} | ${without.length} | ${mean(without).toFixed(1)} | ${median(without).toFixed(1)} | ${withG.length} | ${wm} | ${((perRow * 1000) / 3600).toFixed(1)} |`)
}
console.log(`full protocol (3000 rows${graspS ? `, GraSP ${graspS} s/arch added` : ', GraSP not included'}): ${(total / 3600).toFixed(1)} h = ${(total / 86400).toFixed(2)} days of one process`)
