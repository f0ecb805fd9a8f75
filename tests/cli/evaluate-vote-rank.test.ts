/**
 * Table 2 ranks the voting proxies as the reference notebook's `hard_vote`
 * (reference notes §2.2, §7): positions after `sorted(range(n),
 * key=cmp_to_key(cmp))` over the architectures in benchmark index order.
 * Expected values come from a second implementation in CPython
 * (bench/table2_vote_check.py: its own comparator, CPython's own sort, its
 * own Spearman), run on the same rows. Skipped, with the reason, when no
 * python3 is found.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/engine/core/rng'
import { getTable2Dataset, table2Cells } from '../../src/cli/evaluate-table2'
import { getVotingProxy, votingRanks } from '../../src/engine/proxies/voting'

function findPython(): string | null {
  for (const c of [process.env.ZSNAS_PYTHON, 'python3', '/usr/bin/python3']) {
    if (c && spawnSync(c, ['-c', 'import json, csv'], { encoding: 'utf8' }).status === 0) return c
  }
  return null
}
const python = findPython()

/** Plain Spearman (average ranks), independent of the engine's metrics. */
function rho(x: number[], y: number[]): number {
  const rank = (v: number[]) => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b])
    const r = new Array<number>(v.length)
    for (let i = 0; i < idx.length; ) {
      let j = i
      while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++
      for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2
      i = j + 1
    }
    return r
  }
  const a = rank(x)
  const b = rank(y)
  const m = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length
  const [ma, mb] = [m(a), m(b)]
  let [sab, saa, sbb] = [0, 0, 0]
  a.forEach((_, i) => {
    sab += (a[i] - ma) * (b[i] - mb)
    saa += (a[i] - ma) ** 2
    sbb += (b[i] - mb) ** 2
  })
  return sab / Math.sqrt(saa * sbb)
}

const MEMBERS = ['synflow', 'jaccor', 'snip', 'wrcor', 'pnorm'] as const

/** 40 rows at every 10th index, members = accuracy + independent noise (many 2–1 votes, Condorcet cycles), one NaN JacCor. */
function rowsOf(seed: number) {
  const rng = new Rng(seed)
  return Array.from({ length: 40 }, (_, k) => {
    const accuracy = 80 + 10 * rng.next()
    const scores: Record<string, number> = {}
    for (const m of MEMBERS) scores[m] = accuracy / 10 + 1.2 * rng.normal()
    if (k === 7) scores.jaccor = NaN
    return { index: 10 * k, accuracy, scores }
  })
}

describe.skipIf(python === null)(`Table 2 vote ranking = the reference's hard_vote, checked against CPython (${python ?? 'no python3'})`, () => {
  for (const seed of [1, 2]) {
    it(`seed ${seed}: ZeroCost, SJW and SPW ρ equal CPython's sorted(cmp_to_key) positions, whatever order the rows come in`, () => {
      const rows = rowsOf(seed)
      const dir = mkdtempSync(join(tmpdir(), 'zsnas-vote-'))
      const csv = join(dir, 'scores.csv')
      writeFileSync(csv, `index,arch,accuracy,${MEMBERS.join(',')}\n${rows.map((r) => [r.index, 'x', r.accuracy, ...MEMBERS.map((m) => r.scores[m])].join(',')).join('\n')}\n`)
      const r = spawnSync(python as string, ['bench/table2_vote_check.py', csv, '--json'], { encoding: 'utf8', timeout: 120_000 })
      expect(r.status, r.stderr).toBe(0)
      const py = JSON.parse(r.stdout) as Record<string, { rho: number; positions: number[] }>
      // the rows reach table2Cells in scoring (coarse-to-fine) order, not index order
      const shuffled = [...rows].sort((a, b) => (a.index % 40) - (b.index % 40) || a.index - b.index)
      const cells = table2Cells(getTable2Dataset('cifar10')!, shuffled, ['zerocost', 'sjw', 'spw'])
      let differsFromCopeland = false
      for (const c of cells) {
        expect(c.n).toBe(40)
        expect(c.spearman).toBeCloseTo(py[c.proxy].rho, 10)
        // the engine's order-independent default ranks these rows differently (the test tells the methods apart)
        const scc = votingRanks(getVotingProxy(c.proxy)!, rows.map((x) => x.scores), 'scc-copeland')
        if (Math.abs(rho(Array.from(scc), rows.map((x) => x.accuracy)) - py[c.proxy].rho) > 1e-3) differsFromCopeland = true
      }
      expect(differsFromCopeland).toBe(true)
    })
  }
})
