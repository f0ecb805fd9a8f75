/**
 * Verdict per Table 2 cell of a `zsnas evaluate --paper` run folder (issue
 * #23; the rules of docs/proxies.md "Table 2"), as Markdown rows for the doc.
 * Reads DIR/table2.csv (write it first with the same command plus `--report`)
 * and DIR/scores-<dataset>.csv for which indices each cell used.
 *
 * Verdict, comparing |ρ| with the paper's |ρ| (the paper prints absolute values):
 * - ok: within 0.05;
 * - subset effect: below the paper by no more than Params (exact, deterministic)
 *   loses on the same cells against its own n = 1000 value, + 0.05;
 * - n too small to judge: the paper's value lies inside the 95 % interval of
 *   |ρ| (Fisher z, Spearman variance 1.06/(n−3));
 * - otherwise bold (a real deviation, to be explained).
 * A negative ρ (the proxy ranks the wrong way under the reference's sign) is
 * marked "ρ < 0 (|ρ| …)" whatever the magnitude verdict.
 * Never asserted; prints Markdown.
 *
 * Each folder's subset (n, stride, offset) is read from its config.json (the
 * `zsnas evaluate --paper` run's), `--stride/--offset` only when it has none.
 * `--extra DIR` (no label): DIR's rows REPLACE the main folder's rows of the same
 * proxies in place (e.g. the data-free proxies at n = 1000); `--extra DIR=label`:
 * DIR's rows are appended under that label.
 *
 *   npx tsx bench/table2-verdicts.ts --out /tmp/d23/table2 --extra /tmp/d23/datafree --extra /tmp/d23/phi-train='phi (bn train)'
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadNb201Table } from '../src/engine/benchmarks/nb201-csv'
import { buildNb201Network, nb201FromString } from '../src/engine/spaces/nb201'
import { countNetwork } from '../src/engine/nn/count'
import { spearman } from '../src/engine/metrics'
import { getVotingProxy } from '../src/engine/proxies/voting'

const args = process.argv.slice(2)
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : def
}
const all = (name: string): string[] => args.flatMap((a, i) => (a === `--${name}` ? [args[i + 1]] : []))
const stride = Number(arg('stride', '1'))
const offset = Number(arg('offset', '0'))
const root = arg('data-root', '../shared/data')
const gt = loadNb201Table(`${root}/nb201/nats_bench_tss_test_acc.csv`)
const keys = gt.keys()
const DATASETS = [
  { id: 'cifar10', label: 'C10', classes: 10, size: 32 },
  { id: 'cifar100', label: 'C100', classes: 100, size: 32 },
  { id: 'imagenet16-120', label: 'IN16', classes: 120, size: 16 },
] as const

const paramCache = new Map<string, number>()
function paramsOf(i: number, ds: (typeof DATASETS)[number]): number {
  const k = `${i}:${ds.id}`
  let v = paramCache.get(k)
  if (v === undefined) {
    v = countNetwork(buildNb201Network(nb201FromString(keys[i]), { numClasses: ds.classes, inputSize: ds.size })).params
    paramCache.set(k, v)
  }
  return v
}
const paramsRho = (idx: number[], ds: (typeof DATASETS)[number]) =>
  spearman(idx.map((i) => paramsOf(i, ds)), idx.map((i) => gt.get(keys[i], ds.id) as number))
const params1000 = Object.fromEntries(DATASETS.map((d) => [d.id, paramsRho([...Array(1000).keys()], d)]))

interface Cell { proxy: string; dataset: string; n: number; nonFinite: number; spearman: number; kendall: number; paper?: number }
function readCells(dir: string): Cell[] {
  const lines = readFileSync(join(dir, 'table2.csv'), 'utf8').trim().split('\n').slice(1)
  return lines.map((l) => {
    const c = l.split(',')
    return { proxy: c[0], dataset: c[1], n: Number(c[2]), nonFinite: Number(c[3]), spearman: Number(c[4]), kendall: Number(c[5]), paper: c[6] === '' ? undefined : Number(c[6]) }
  })
}
/** the folder's subset: every `stride`-th index of 0..n−1 from `offset` (its config.json, else the flags) */
function subsetOf(dir: string): { n: number; stride: number; offset: number } {
  const f = join(dir, 'config.json')
  const c = existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { n?: number; stride?: number; offset?: number }) : {}
  return { n: c.n ?? 1000, stride: c.stride ?? stride, offset: c.offset ?? offset }
}
/** indices of the subset rows of `dir` where every member of `proxy` was scored */
export function cellIndices(dir: string, ds: string, proxy: string): number[] {
  const f = join(dir, `scores-${ds}.csv`)
  if (!existsSync(f)) return []
  const sub = subsetOf(dir)
  const [head, ...rows] = readFileSync(f, 'utf8').trim().split('\n').map((l) => l.split(','))
  const members = getVotingProxy(proxy)?.members ?? [proxy]
  const cols = members.map((m) => head.indexOf(m))
  const inSubset = (i: number) => i < sub.n && i % sub.stride === sub.offset
  return rows.filter((r) => inSubset(Number(r[0])) && cols.every((c) => c >= 0 && r[c] !== '')).map((r) => Number(r[0]))
}

const f3 = (x: number) => (Number.isNaN(x) ? 'nan' : x.toFixed(3))
/** the verdict, prefixed "ρ < 0:" when the proxy ranks the wrong way (the paper's |ρ| hides the sign) */
function verdict(c: Cell, dir: string): string {
  const v = magnitudeVerdict(c, dir)
  return c.paper !== undefined && c.spearman < 0 ? `ρ < 0 (\\|ρ\\| ${v})` : v
}
function magnitudeVerdict(c: Cell, dir: string): string {
  if (c.paper === undefined) return '–'
  if (c.n < 4 || Number.isNaN(c.spearman)) return 'n too small'
  const a = Math.abs(c.spearman)
  const d = a - c.paper
  const sd = `${d >= 0 ? '+' : ''}${d.toFixed(3)}`
  if (Math.abs(d) <= 0.05) return `ok (${sd})`
  const ds = DATASETS.find((x) => x.id === c.dataset)!
  const pd = paramsRho(cellIndices(dir, c.dataset, c.proxy), ds) - params1000[c.dataset]
  if (d < 0 && d >= pd - 0.05) return `${sd}: subset effect (Params ${pd >= 0 ? '+' : ''}${pd.toFixed(2)} on these cells)`
  const z = Math.atanh(Math.min(a, 0.999999))
  const se = Math.sqrt(1.06 / (c.n - 3))
  const [lo, hi] = [Math.tanh(z - 1.96 * se), Math.tanh(z + 1.96 * se)]
  if (c.paper >= lo && c.paper <= hi) return `${sd}: n too small to judge (95% CI ${lo.toFixed(2)}–${hi.toFixed(2)})`
  return `**${sd}, outside 95% CI ${lo.toFixed(2)}–${hi.toFixed(2)}**`
}

function rowsOf(dir: string, rename?: string): Map<string, string> {
  const cells = readCells(dir)
  const proxies = [...new Set(cells.map((c) => c.proxy))]
  return new Map(proxies.map((p) => {
    const parts = DATASETS.map((d) => {
      const c = cells.find((x) => x.proxy === p && x.dataset === d.id)
      if (c === undefined) return '– | – | – | –'
      return `${f3(c.spearman)} (${c.n}, ${c.nonFinite}) | ${c.paper === undefined ? '–' : c.paper.toFixed(3)} | ${f3(c.kendall)} | ${verdict(c, dir)}`
    })
    return [p, `| ${rename ?? p} | ${parts.join(' | ')} |`]
  }))
}

console.log(`Params at n = 1000: ${DATASETS.map((d) => `${d.label} ${params1000[d.id].toFixed(3)}`).join(', ')}`)
console.log('| proxy | C10 ρ (n, non-finite) | paper | τ | verdict | C100 ρ (n, non-finite) | paper | τ | verdict | IN16 ρ (n, non-finite) | paper | τ | verdict |')
console.log('|---|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---:|---|')
const main = rowsOf(arg('out', 'zsnas-table2'))
const appended: string[] = []
for (const e of all('extra')) {
  const k = e.indexOf('=') // a label may contain '='
  const [dir, label] = k < 0 ? [e, undefined] : [e.slice(0, k), e.slice(k + 1)]
  const rows = rowsOf(dir, label)
  if (label === undefined) for (const [p, line] of rows) main.set(p, line)
  else appended.push(...rows.values())
}
for (const line of [...main.values(), ...appended]) console.log(line)
