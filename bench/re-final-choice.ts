/**
 * Replays the final-choice rule of a finished `zsnas search` on its evaluated.jsonl (no scoring): the reference's
 * best-so-far (majority vote, ties → newer, `replacesBest` of src/engine/search/compare.ts) after every evaluation,
 * and what drives it. Used for docs/search.md "Why RE-SJW lands below the paper".
 *
 *   npx tsx bench/re-final-choice.ts [--against ARCH] [--metric cifar10] DIR_OR_JSONL…
 *
 * Prints per run: the replayed final best (must equal best.json), the incumbent's accuracy after selected budgets,
 * how many evaluations each incumbent architecture held the title, Spearman ρ of each member vs the metric over the
 * visited rows; then over all runs together the vote of every architecture evaluated ≥ 3 times against ARCH (default
 * the all-conv1×1 cell): the share of evaluation pairs it wins / loses / ties, by accuracy band.
 */
import fs from 'node:fs'
import path from 'node:path'
import { majorityCompare, replacesBest } from '../src/engine/search/compare'
import { spearman } from '../src/engine/metrics/rank'

interface Row {
  i: number
  arch: string
  status?: string
  scores: Record<string, number | string>
  accuracy?: Record<string, number>
}

const args = process.argv.slice(2)
const flag = (name: string, dflt: string): string => {
  const k = args.indexOf(name)
  if (k < 0) return dflt
  const v = args[k + 1]
  args.splice(k, 2)
  return v
}
const AGAINST = flag('--against', '|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|')
const METRIC = flag('--metric', 'cifar10')
if (args.length === 0) {
  console.error('usage: npx tsx bench/re-final-choice.ts [--against ARCH] [--metric M] DIR_OR_JSONL…')
  process.exit(2)
}

const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v))
const fmt = (x: number) => x.toFixed(2)

function load(p: string): { name: string; rows: Row[]; members: string[] } {
  const file = fs.statSync(p).isDirectory() ? path.join(p, 'evaluated.jsonl') : p
  const rows = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row)
    .filter((r) => r.status !== 'failed')
  return { name: p, rows, members: Object.keys(rows[0].scores) }
}

const runs = args.map(load)
const members = runs[0].members
const vec = (r: Row) => members.map((m) => num(r.scores[m]))
const acc = (r: Row) => r.accuracy?.[METRIC] ?? NaN

for (const run of runs) {
  let best: Row | null = null
  const incumbent: Row[] = []
  for (const r of run.rows) {
    if (replacesBest(vec(r), best === null ? null : vec(best), majorityCompare)) best = r
    incumbent.push(best!)
  }
  console.log(`\n${run.name}: ${run.rows.length} evaluations, final best = evaluation ${best!.i} ${best!.arch} (${METRIC} ${fmt(acc(best!))})`)
  const marks = [64, 100, 200, 300, 400, 500, 600, 700, 800, 900, 950, 1000, 1032, 1064].filter((n) => n <= run.rows.length)
  console.log('  incumbent after n evaluations: ' + marks.map((n) => `${n}: ${fmt(acc(incumbent[n - 1]))}`).join(', '))
  const held = new Map<string, number>()
  for (const r of incumbent) held.set(r.arch, (held.get(r.arch) ?? 0) + 1)
  const top = [...held.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3)
  const accOf = new Map(run.rows.map((r) => [r.arch, acc(r)]))
  console.log('  longest-held incumbents: ' + top.map(([a, n]) => `${n} evaluations at ${fmt(accOf.get(a)!)} %${a === AGAINST ? ' (ARCH)' : ''}`).join('; '))
  const tail = incumbent.slice(Math.max(64, incumbent.length - 500)).map(acc)
  console.log(`  mean incumbent ${METRIC} over the last ${tail.length} evaluations: ${fmt(tail.reduce((s, x) => s + x, 0) / tail.length)}`)
  const a = run.rows.map(acc)
  console.log('  Spearman vs ' + METRIC + ' over the visited rows: ' + members.map((m, k) => `${m} ${spearman(run.rows.map((r) => vec(r)[k]), a).toFixed(3)}`).join(', '))
}

// the vote against ARCH, over every evaluation pair (all runs pooled)
const byArch = new Map<string, number[][]>()
const accOf = new Map<string, number>()
for (const run of runs) {
  for (const r of run.rows) {
    const v = vec(r)
    if (!v.every(Number.isFinite)) continue
    byArch.set(r.arch, [...(byArch.get(r.arch) ?? []), v])
    accOf.set(r.arch, acc(r))
  }
}
const ref = byArch.get(AGAINST) ?? []
console.log(`\nvote against ${AGAINST} (${METRIC} ${fmt(accOf.get(AGAINST) ?? NaN)}, evaluated ${ref.length}× in these runs):`)
if (ref.length > 0) {
  const bands = [[93, 100], [92, 93], [90, 92], [0, 90]]
  for (const [lo, hi] of bands) {
    let w = 0
    let l = 0
    let t = 0
    let cells = 0
    for (const [a, vs] of byArch) {
      const x = accOf.get(a)!
      if (a === AGAINST || vs.length < 3 || x < lo || x >= hi) continue
      cells++
      for (const v of vs) for (const u of ref) {
        const c = majorityCompare(v, u)
        if (c === 1) w++
        else if (c === -1) l++
        else t++
      }
    }
    const n = w + l + t
    if (n > 0) console.log(`  cells with ${lo} ≤ ${METRIC} < ${hi} (${cells} cells evaluated ≥ 3×): win ${fmt(w / n)}, lose ${fmt(l / n)}, tie ${fmt(t / n)} of ${n} pairs`)
  }
  const mean = (k: number, vs: number[][]) => vs.reduce((s, v) => s + v[k], 0) / vs.length
  const topCells = [...byArch.entries()].filter(([a, vs]) => a !== AGAINST && vs.length >= 3 && accOf.get(a)! >= 93)
  for (const [k, m] of members.entries()) {
    const higher = topCells.filter(([, vs]) => mean(k, vs) > mean(k, ref)).length
    console.log(`  ${m}: ARCH mean ${mean(k, ref).toFixed(3)}; ${higher} of ${topCells.length} cells ≥ 93 % have a higher mean`)
  }
}
