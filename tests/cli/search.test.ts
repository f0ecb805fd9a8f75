import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'
import type { CliIO } from '../../src/cli/io'
import { searchMain } from '../../src/cli/search'
import { evaluationSeed } from '../../src/backend/seeds'
import { sharedPath } from '../helpers/shared-data'

function capture(onErr?: (t: string) => void): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTTY: false,
    out(t: string) { io.stdout += t },
    err(t: string) { io.stderr += t; onErr?.(t) },
  }
  return io
}

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-search-'))
// tiny but real: WRCor on 8×8 noise images, batch 4, RE with population 3, 6 evaluations
const BASE = ['search', '--space', 'nb201', '--strategy', 're', '--proxy', 'wrcor', '--n', '6', '--population', '3', '--tournament', '2',
  '--seed', '7', '--batch', '4', '--dataset', 'noise:8:10']
const rows = (dir: string) => readFileSync(join(dir, 'evaluated.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
const strip = (r: Record<string, unknown>) => ({ ...r, seconds: undefined })

describe('zsnas search', () => {
  it('writes JSONL + best.json with table accuracy; an interrupted + resumed run equals an uninterrupted one', { timeout: 300_000 }, async () => {
    const table = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')
    const a = join(tmp, 'a')
    const ioA = capture()
    expect(await main([...BASE, '--table', table, '--out', a], ioA)).toBe(0)
    const ra = rows(a)
    expect(ra.length).toBe(6)
    expect(ra.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5])
    for (const r of ra) {
      expect(typeof r.scores.wrcor).toBe('number')
      expect(r.accuracy.cifar10).toBeGreaterThan(10)
      expect(r.accuracy.cifar10).toBeLessThan(95)
    }
    const bestA = JSON.parse(readFileSync(join(a, 'best.json'), 'utf8'))
    // best = the last of the maximal WRCor rows (single proxy: ties → newer)
    const max = Math.max(...ra.map((r) => r.scores.wrcor))
    expect(bestA.best.scores.wrcor).toBe(max)
    expect(bestA.best.arch).toBe([...ra].reverse().find((r) => r.scores.wrcor === max).arch)
    expect(bestA.best.accuracy.cifar10).toBe(ra.find((r) => r.arch === bestA.best.arch).accuracy.cifar10)
    expect(ioA.stderr).toMatch(/ETA/)

    const b = join(tmp, 'b')
    const ctl = new AbortController()
    let lines = 0
    const ioB = capture((t) => { if (/\] \d+\/6/.test(t) && ++lines >= 1) ctl.abort() })
    // non-TTY progress prints only every 10 s, so abort on the first progress line (after evaluation 1)
    expect(await searchMain([...BASE.slice(1), '--table', table, '--out', b], ioB, ctl.signal)).toBe(130)
    expect(rows(b).length).toBeLessThan(6)
    expect(ioB.stderr).toMatch(/--resume/)
    const ioC = capture()
    expect(await main([...BASE, '--table', table, '--out', b, '--resume'], ioC)).toBe(0)
    expect(rows(b).map(strip)).toEqual(ra.map(strip))
    const bestB = JSON.parse(readFileSync(join(b, 'best.json'), 'utf8'))
    expect({ ...bestB, seconds: 0 }).toEqual({ ...bestA, seconds: 0 })

    // two worker processes score candidates concurrently and give the same rows and best
    const c = join(tmp, 'c')
    expect(await main([...BASE, '--table', table, '--out', c, '--workers', '2'], capture())).toBe(0)
    expect(rows(c).map(strip)).toEqual(ra.map(strip))

    // RE with k parallel children: identical rows in-process and with 2 workers, for k = workers and for k > workers
    // (then the whole group is queued on the pool at once)
    const parallelRun = async (k: number) => {
      const inProcess = join(tmp, `k${k}-1`)
      const pooled = join(tmp, `k${k}-2`)
      const par = [...BASE, '--n', '9', '--parallel-children', String(k), '--table', table]
      expect(await main([...par, '--out', inProcess], capture())).toBe(0)
      expect(await main([...par, '--out', pooled, '--workers', '2'], capture())).toBe(0)
      const r = rows(inProcess)
      expect(r.length).toBe(9)
      expect(rows(pooled).map(strip)).toEqual(r.map(strip))
      return { dir: inProcess, rows: r }
    }
    const k2 = await parallelRun(2)
    expect(JSON.parse(readFileSync(join(k2.dir, 'checkpoint.json'), 'utf8')).config.options).toEqual({ populationSize: 3, tournamentSize: 2, parallelChildren: 2 })
    const k3 = await parallelRun(3)
    expect(k3.rows.map(strip)).not.toEqual(k2.rows.map(strip)) // k changes the search
  })

  it('a degenerate cell keeps its −∞ across worker processes: the same rows and best in-process and with 2 workers', async () => {
    // seed 35's 8th random NB201 cell (index 7) has no path from the cell input to its output: its SynFlow is
    // log 0 = −∞, which loses every comparison. Told as NaN (a tie) it would become the best, as the newest.
    const args = ['search', '--space', 'nb201', '--strategy', 'random', '--proxy', 'synflow', '--n', '8', '--seed', '35', '--batch', '4', '--dataset', 'noise:8:10']
    const one = join(tmp, 'deg-1')
    const two = join(tmp, 'deg-2')
    expect(await main([...args, '--out', one], capture())).toBe(0)
    expect(await main([...args, '--out', two, '--workers', '2'], capture())).toBe(0)
    const r = rows(one)
    expect(r[7].arch).toBe('|none~0|+|none~0|avg_pool_3x3~1|+|none~0|skip_connect~1|nor_conv_3x3~2|')
    expect(r[7].scores.synflow).toBe('-Infinity')
    expect(r.slice(0, 7).every((x) => typeof x.scores.synflow === 'number')).toBe(true)
    expect(rows(two).map(strip)).toEqual(r.map(strip))
    const max = Math.max(...r.slice(0, 7).map((x) => x.scores.synflow as number))
    for (const dir of [one, two]) {
      const best = JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8')).best
      expect(best.scores.synflow).toBe(max)
      expect(best.i).not.toBe(7)
    }
  })

  it('bad input: one line on stderr, exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['search', '--proxy', 'wrcor,zzz', '--n', '2'], /unknown proxy 'zzz'/],
      [['search', '--space', 'darts'], /unknown search space 'darts'/],
      [['search', '--strategy', 'bo'], /unknown search strategy 'bo'/],
      [['search', '--resume'], /--resume needs --out/],
      [['search', '--n', '0'], /--n must be an integer/],
      [['search', '--space', 'mbv2', '--table', '/x.csv'], /search space 'mbv2' has no benchmark table; tables exist for nb201, nb101/],
      [['search', '--flops-limit', '300'], /--flops-limit only applies to --space mbv2/],
      [['search', '--strategy', 'random', '--parallel-children', '2'], /--parallel-children only applies to --strategy re/],
      [['search', '--parallel-children', '0'], /--parallel-children must be an integer/],
      [['search', '--resolutions', '224-256'], /--resolutions only applies to --space mbv2/],
      [['search', '--space', 'mbv2', '--resolutions', '224'], /--resolutions must look like 192-320/],
      [['search', '--space', 'mbv2', '--resolutions', '256-224'], /Min resolution \(minResolution\) must not exceed Max resolution/],
      [['search', '--strategy', 're', '--budget-mode', 'twice'], /budgetMode/],
      [['search', '--pool', '/x.csv'], /--pool only applies to --space nb101/],
      [['search', '--space', 'nb101', '--pool', '/nonexistent/pool.csv'], /nonexistent/],
    ]
    for (const [argv, re] of cases) {
      const io = capture()
      expect(await main(argv, io)).toBe(2)
      expect(io.stderr.trim().split('\n').length).toBe(1)
      expect(io.stderr).toMatch(re)
    }
  })

  it('per-candidate seeds are distinct and depend on the search seed', () => {
    const s = new Set<number>()
    for (let i = 0; i < 2000; i++) s.add(evaluationSeed(7, i))
    expect(s.size).toBe(2000)
    expect(evaluationSeed(7, 3)).not.toBe(evaluationSeed(8, 3))
  })
})
