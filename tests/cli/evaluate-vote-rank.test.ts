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
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/engine/core/rng'
import { getTable2Dataset, table2Cells } from '../../src/cli/evaluate-table2'
import { getVotingProxy, votingRanks } from '../../src/engine/proxies/voting'
import { evaluateProxies } from '../../src/engine/score/evaluate'
import type { GroundTruth } from '../../src/engine/core/data'
import type { ScoreRequest, ScoreResult } from '../../src/engine/score/score'
import { nb201FromCellId, nb201ToString } from '../../src/engine/spaces/nb201'
import { main } from '../../src/cli/index'
import { capture } from '../helpers/cli-io'
import { sharedPath } from '../helpers/shared-data'

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

/**
 * Plain `zsnas evaluate` (and `--paper --dataset`) rank votes with the
 * order-independent SCC-Copeland method unless `--vote-rank sort` asks for the
 * reference's hard_vote (EvaluateRequest.voteRanking). The engine path is
 * checked with an injected scorer against CPython's positions; the CLI path
 * for its flag handling and that the option reaches the engine.
 */
describe.skipIf(python === null)(`evaluate --vote-rank sort = the reference's hard_vote (${python ?? 'no python3'})`, () => {
  it('evaluateProxies voteRanking sort: vote columns equal CPython sorted(cmp_to_key) positions; the default does not', async () => {
    const rows = rowsOf(3)
    const keys = rows.map((_, k) => nb201ToString(nb201FromCellId(k * 300)))
    const gt: GroundTruth = { space: 'nb201', metrics: ['cifar10'], size: keys.length, get: (k) => rows[keys.indexOf(k)]?.accuracy, keys: () => keys }
    const scorer = async (req: ScoreRequest): Promise<ScoreResult> => {
      const r = rows[keys.indexOf(req.arch)]
      const scores = Object.fromEntries(req.proxies.map((p) => [p, r.scores[p]]))
      return { arch: req.arch, hash: req.arch, scores, params: 0, flops: 0, seconds: 0, backend: 'fake', timings: {} }
    }
    const dir = mkdtempSync(join(tmpdir(), 'zsnas-vote-'))
    const csv = join(dir, 'scores.csv')
    writeFileSync(csv, `index,arch,accuracy,${MEMBERS.join(',')}\n${rows.map((r, k) => [k, 'x', r.accuracy, ...MEMBERS.map((m) => r.scores[m])].join(',')).join('\n')}\n`)
    const py = spawnSync(python as string, ['bench/table2_vote_check.py', csv, '--json'], { encoding: 'utf8', timeout: 120_000 })
    expect(py.status, py.stderr).toBe(0)
    const want = JSON.parse(py.stdout) as Record<string, { rho: number; positions: number[] }>
    const base = {
      space: 'nb201',
      sample: { kind: 'indices' as const, indices: rows.map((_, k) => k) },
      proxies: ['zerocost', 'sjw', 'spw'],
      dataset: { kind: 'noise' as const, imageSize: 8, numClasses: 10 },
      groundTruth: gt,
      metric: 'cifar10',
      seed: 0,
      scorer,
    }
    const sorted = await evaluateProxies({ ...base, voteRanking: 'sort' })
    const copeland = await evaluateProxies(base)
    let differs = false
    for (const v of ['zerocost', 'sjw', 'spw']) {
      expect(sorted.rows.map((r) => r.scores[v])).toEqual(want[v].positions)
      expect(sorted.stats[v].spearman).toBeCloseTo(want[v].rho, 10)
      if (copeland.rows.some((r, i) => r.scores[v] !== want[v].positions[i])) differs = true
    }
    expect(differs).toBe(true)
    await expect(evaluateProxies({ ...base, voteRanking: 'borda' as never })).rejects.toThrow(/voteRanking must be 'scc-copeland' or 'sort', got 'borda'/)
  })
})

describe('zsnas evaluate --vote-rank (CLI)', () => {
  const table = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')
  it('bad values and the Table 2 run with scc-copeland are usage errors (exit 2, nothing scored)', async () => {
    for (const [argv, msg] of [
      [['evaluate', '--table', table, '--n', '3', '--vote-rank', 'borda'], /--vote-rank must be scc-copeland or sort, got 'borda'/],
      [['evaluate', '--paper', '--vote-rank', 'scc-copeland', '--out', join(tmpdir(), 'never')], /Table 2 run .* ranks votes as the paper did/],
    ] as const) {
      const io = capture()
      expect(await main([...argv], io)).toBe(2)
      expect(io.stderr).toMatch(msg)
    }
  })

  it('--vote-rank sort reaches the engine: the CSV vote column = votingRanks(members, sort) in scoring order, JSON says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsnas-vote-cli-'))
    const csv = join(dir, 'scores.csv')
    const io = capture()
    const proxies = ['synflow', 'pnorm', 'wrcor', 'spw']
    const argv = ['evaluate', '--table', table, '--n', '5', '--batch', '4', '--dataset', 'noise:8', '--proxies', proxies.join(','), '--vote-rank', 'sort', '--csv', csv]
    expect(await main(argv, io), io.stderr).toBe(0)
    expect(JSON.parse(io.stdout).voteRanking).toBe('sort')
    const [head, ...lines] = readFileSync(csv, 'utf8').trim().split('\n').map((l) => l.split(','))
    expect(head).toEqual(['index', 'arch', 'cifar10', ...proxies, 'seconds'])
    expect(lines).toHaveLength(5)
    // the vote column is the sort ranking of the members' columns in the CSV's (scoring) order
    const memberRows = lines.map((l) => ({ synflow: Number(l[3]), pnorm: Number(l[4]), wrcor: Number(l[5]) }))
    expect(lines.map((l) => Number(l[6]))).toEqual(Array.from(votingRanks(getVotingProxy('spw')!, memberRows, 'sort')))
    // and without the flag the JSON names the default
    const io2 = capture()
    expect(await main(['evaluate', '--table', table, '--n', '2', '--batch', '4', '--dataset', 'noise:8', '--proxies', 'pnorm'], io2)).toBe(0)
    expect(JSON.parse(io2.stdout).voteRanking).toBe('scc-copeland')
  })
})
