/**
 * How much do the main Table 2 run's cells alone move a proxy's ρ? (issue #23,
 * docs/proxies.md "Table 2": the "subset effect" shown, not assumed.)
 *
 * For every proxy of a REFERENCE source scored on more cells than the main run
 * (an engine run folder such as the data-free proxies at n = 1000 or Phi with
 * BN in training mode at n = 100, or an independent implementation's CSV such
 * as bench/table2_zerocost_torch.py's), prints its signed Spearman ρ on exactly
 * the main run's cells of that dataset (the rows where every proxy the main run
 * scored on all of them — WRCor's column — is present) next to its ρ on all of
 * its own rows. The difference is what the cell choice alone does to a proxy
 * whose implementation is fixed: same scores, fewer cells. A CSV's voting
 * columns are added with the reference's hard_vote (sort in index order) when
 * all members are present.
 * Never asserted; prints Markdown.
 *
 *   npx tsx bench/table2-subset-shift.ts --out /tmp/d23/table2 --ref /tmp/d23/datafree --ref /tmp/d23/phi-train='phi (bn train)' \
 *       --csv /tmp/d23/zc-torch.csv=cifar10:torch
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { spearman } from '../src/engine/metrics'
import { getVotingProxy, votingRanks, VOTING_PROXIES } from '../src/engine/proxies/voting'

const args = process.argv.slice(2)
const all = (name: string): string[] => args.flatMap((a, i) => (a === `--${name}` ? [args[i + 1]] : []))
const out = all('out')[0] ?? 'zsnas-table2'
const DATASETS = ['cifar10', 'cifar100', 'imagenet16-120'] as const
const ANCHOR = 'wrcor'

type Table = Map<number, { accuracy: number; scores: Record<string, number> }>
/** 'A=B=C' → ['A', 'B=C'] (a label may contain '=') */
const splitFirst = (s: string): [string, string | undefined] => {
  const k = s.indexOf('=')
  return k < 0 ? [s, undefined] : [s.slice(0, k), s.slice(k + 1)]
}
/** a CSV number as JS or Python writes it (Infinity / inf, NaN / nan) */
const num = (s: string): number => ({ inf: Infinity, '-inf': -Infinity, nan: NaN })[s.toLowerCase()] ?? Number(s)
/** index → accuracy and every non-empty proxy column (index,arch?,accuracy|<metric>,<proxies…>,seconds) */
function readScores(file: string): { table: Table; proxies: string[] } {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','))
  const accCol = head.indexOf('accuracy') >= 0 ? head.indexOf('accuracy') : 2
  const proxies = head.filter((h, i) => i > accCol && h !== 'seconds')
  const table: Table = new Map()
  for (const r of rows) {
    const scores: Record<string, number> = {}
    for (const p of proxies) if (r[head.indexOf(p)] !== '') scores[p] = num(r[head.indexOf(p)])
    table.set(Number(r[0]), { accuracy: Number(r[accCol]), scores })
  }
  return { table, proxies }
}
/** the main run's cells of a dataset: subset rows (config.json) with the anchor proxy scored */
function mainCells(ds: string): number[] {
  const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { n: number; stride?: number; offset?: number }
  const [stride, offset] = [cfg.stride ?? 1, cfg.offset ?? 0]
  const { table } = readScores(join(out, `scores-${ds}.csv`))
  return [...table].filter(([i, r]) => i < cfg.n && i % stride === offset && r.scores[ANCHOR] !== undefined).map(([i]) => i)
}
/** signed ρ of `proxy` over `idx` (NaN pairs dropped by `spearman`); voting ids = hard_vote positions in index order */
function rhoOn(t: Table, proxy: string, idx: number[]): number {
  const use = [...idx].filter((i) => t.has(i)).sort((a, b) => a - b)
  const v = getVotingProxy(proxy)
  const vals = v ? Array.from(votingRanks(v, use.map((i) => t.get(i)!.scores), 'sort')) : use.map((i) => t.get(i)!.scores[proxy] ?? NaN)
  return spearman(vals, use.map((i) => t.get(i)!.accuracy))
}

const f3 = (x: number) => (Number.isNaN(x) ? 'nan' : `${x >= 0 ? '+' : ''}${x.toFixed(3)}`)
const cells = Object.fromEntries(DATASETS.map((d) => [d, mainCells(d)]))
console.log(`main run ${out}: ${DATASETS.map((d) => `${d} ${cells[d].length} cells`).join(', ')}`)
console.log('| source | proxy | dataset | ρ on the main run\'s cells (n) | ρ on all its cells (n) | shift |')
console.log('|---|---|---|---:|---:|---:|')
function report(label: string, ds: string, t: Table, proxies: string[]): void {
  const here = cells[ds].filter((i) => t.has(i))
  const votes = VOTING_PROXIES.filter((v) => v.members.every((m) => proxies.includes(m))).map((v) => v.id)
  for (const p of [...proxies, ...votes]) {
    const [a, b] = [rhoOn(t, p, here), rhoOn(t, p, [...t.keys()])]
    console.log(`| ${label} | ${p} | ${ds} | ${f3(a)} (${here.length}) | ${f3(b)} (${t.size}) | ${f3(a - b)} |`)
  }
}
for (const r of all('ref')) {
  const [dir, label] = splitFirst(r)
  for (const ds of DATASETS) {
    const f = join(dir, `scores-${ds}.csv`)
    if (!existsSync(f)) continue
    const { table, proxies } = readScores(f)
    report(label ?? dir, ds, table, proxies)
  }
}
for (const c of all('csv')) {
  const [file, spec] = splitFirst(c)
  const [ds, label] = (spec ?? 'cifar10').split(':')
  const { table, proxies } = readScores(file)
  report(label ?? file, ds, table, proxies)
}
