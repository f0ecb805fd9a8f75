import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'
import { capture } from '../helpers/cli-io'
import { SHARED_DATA, sharedPath } from '../helpers/shared-data'
import { loadNb201Table } from '../../src/engine/benchmarks/nb201-csv'
import { cappedIndices, capNote, scoringOrder, subsetIndices, subsetLabel } from '../../src/cli/evaluate-subset'

const table = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')
const run = (out: string, ...extra: string[]) => [
  'evaluate', '--paper', '--table', table, '--data-root', SHARED_DATA, '--out', out,
  '--proxies', 'params,pnorm', '--datasets', 'cifar10,cifar100', '--batch', '8', ...extra,
]
const rowsOf = (out: string, ds: string) =>
  readFileSync(join(out, `scores-${ds}.csv`), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','))
const cell = (out: string, proxy: string, ds: string) =>
  readFileSync(join(out, 'table2.csv'), 'utf8').trim().split('\n').map((l) => l.split(',')).find((c) => c[0] === proxy && c[1] === ds) as string[]

describe('evaluate-subset: indices, label, caps (hand-listed)', () => {
  it('every K-th index of 0..n−1 from the offset', () => {
    expect(subsetIndices({ n: 10, stride: 4, offset: 0 })).toEqual([0, 4, 8])
    expect(subsetIndices({ n: 10, stride: 4, offset: 1 })).toEqual([1, 5, 9])
    expect(subsetIndices({ n: 1000, stride: 10, offset: 5 }).length).toBe(100)
    expect(subsetIndices({ n: 1000, stride: 10, offset: 5 }).at(-1)).toBe(995)
    expect(subsetIndices({ n: 5, stride: 1, offset: 0 })).toEqual([0, 1, 2, 3, 4])
  })
  it('labels say which subset and its n', () => {
    expect(subsetLabel({ n: 1000, stride: 10, offset: 0 })).toBe('every 10th index of 0..999, n = 100')
    expect(subsetLabel({ n: 1000, stride: 10, offset: 5 })).toBe('every 10th index of 0..999, from 5, n = 100')
    expect(subsetLabel({ n: 1000, stride: 3, offset: 0 })).toBe('every 3rd index of 0..999, n = 334')
    expect(subsetLabel({ n: 1000, stride: 1, offset: 0 })).toBe('indices 0..999, n = 1000')
  })
  it('scoring order is coarse to fine: every prefix is spread over the range', () => {
    expect(scoringOrder([0, 1, 2, 3, 4])).toEqual([0, 4, 2, 1, 3])
    expect(scoringOrder([10, 20, 30])).toEqual([10, 30, 20])
    expect(scoringOrder([7])).toEqual([7])
    const idx = subsetIndices({ n: 1000, stride: 10, offset: 0 })
    const ord = scoringOrder(idx)
    expect([...ord].sort((a, b) => a - b)).toEqual(idx)
    // positions 0, 64, then 32, 96, then 16, 48, 80 (×10 = indices)
    expect(ord.slice(0, 7)).toEqual([0, 640, 320, 960, 160, 480, 800])
  })
  it('a cap is the first N of the subset in scoring order, spread over the range (not indices 0..N−1)', () => {
    const ord = scoringOrder(subsetIndices({ n: 1000, stride: 10, offset: 0 }))
    const c = cappedIndices(ord, { grasp: 25 }).get('grasp') as Set<number>
    // 25 = positions divisible by 4 (0, 4, …, 96): every 40th index 0..960
    expect([...c].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, k) => 40 * k))
    expect(capNote('grasp', 25, ord)).toBe('grasp: scored on 25 of the 100 subset indices only (--cap; the first 25 in coarse-to-fine order, spread over 0..960), n in its cells.')
    expect(capNote('grasp', 0, ord)).toBe('grasp: not scored (--cap grasp=0).')
    expect(capNote('grasp', 100, ord)).toBe('grasp: --cap 100 covers the whole subset.')
  })
})

describe('zsnas evaluate --paper --stride', () => {
  const gt = loadNb201Table(table)
  const keys = gt.keys()

  it('scores only every K-th index, caps the first N of the subset, and labels the table', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zsnas-t2s-')), 'run')
    const io = capture()
    expect(await main(run(out, '--n', '10', '--stride', '4', '--cap', 'pnorm=2'), io)).toBe(0)
    for (const ds of ['cifar10', 'cifar100']) {
      const rows = rowsOf(out, ds)
      // coarse to fine: 0, 8, then 4
      expect(rows.map((r) => Number(r[0]))).toEqual([0, 8, 4])
      expect(rows.map((r) => r[1])).toEqual([keys[0], keys[8], keys[4]])
      // pnorm (column 4) on the first 2 of the subset in that order: indices 0 and 8, not 4
      expect(rows.map((r) => r[4] !== '')).toEqual([true, true, false])
      expect(Number(cell(out, 'params', ds)[2])).toBe(3)
      expect(Number(cell(out, 'pnorm', ds)[2])).toBe(2)
    }
    expect(io.stdout).toMatch(/NB201 every 4th index of 0\.\.9, n = 3, batch 8/)
    expect(io.stdout).toMatch(/pnorm: scored on 2 of the 3 subset indices only \(--cap; the first 2 in coarse-to-fine order, spread over 0\.\.8\)/)
    for (const f of ['table2.md', 'table2.txt']) expect(readFileSync(join(out, f), 'utf8')).toMatch(/every 4th index of 0\.\.9, n = 3/)
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>
    expect(cfg).toMatchObject({ protocol: 'nb201 every 4th index of 0..9, n = 3', n: 10, stride: 4, offset: 0, caps: { pnorm: 2 } })
  }, 300_000)

  it('--resume across subsets: rows done by indices 0..3 count where they fall on the stride; the table uses only the subset', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zsnas-t2s-')), 'run')
    expect(await main(run(out, '--n', '4'), capture())).toBe(0)
    const before = rowsOf(out, 'cifar10')
    const io = capture()
    expect(await main(run(out, '--n', '8', '--stride', '2', '--resume'), io)).toBe(0)
    // 0 and 2 were done on both datasets: 4 of the 8 rows of {0,2,4,6} × 2 datasets
    expect(io.stderr).toMatch(/resuming: 4 of 8 rows/)
    expect(io.stderr).toMatch(/4 architecture\(s\) scored/)
    const after = rowsOf(out, 'cifar10')
    // first run: 0..3 coarse to fine (0, 2, 1, 3); the resume adds 4 then 6
    expect(after.map((r) => Number(r[0]))).toEqual([0, 2, 1, 3, 4, 6])
    expect(after.slice(0, 4)).toEqual(before)
    // params' ρ in the table: over indices 0,2,4,6 only (n = 4), not the 6 rows of the file
    expect(Number(cell(out, 'params', 'cifar10')[2])).toBe(4)
    expect(io.stdout).toMatch(/every 2nd index of 0\.\.7, n = 4/)
    // the second offset of the same stride continues the same folder
    const io2 = capture()
    expect(await main(run(out, '--n', '8', '--stride', '2', '--offset', '1', '--resume'), io2)).toBe(0)
    expect(io2.stderr).toMatch(/resuming: 4 of 8 rows/)
    expect(rowsOf(out, 'cifar100').map((r) => Number(r[0])).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(io2.stdout).toMatch(/every 2nd index of 0\.\.7, from 1, n = 4/)
    // what decides scores still may not change
    const io3 = capture()
    expect(await main([...run(out, '--n', '8', '--stride', '2', '--resume'), '--seed', '3'], io3)).toBe(2)
    expect(io3.stderr).toMatch(/seed=0.*asks for 3/)
  }, 300_000)

  it('bad input: offset ≥ stride, stride 0, --stride without the Table 2 run → exit 2, nothing written', async () => {
    for (const [extra, re] of [
      [['--stride', '4', '--offset', '4'], /--offset must be an integer in 0\.\.3/],
      [['--stride', '0'], /--stride must be an integer in 1\.\./],
      [['--stride', 'x'], /--stride must be an integer/],
    ] as const) {
      const out = join(mkdtempSync(join(tmpdir(), 'zsnas-t2s-')), 'run')
      const io = capture()
      expect(await main(run(out, ...extra), io)).toBe(2)
      expect(io.stderr).toMatch(re)
    }
    const io = capture()
    expect(await main(['evaluate', '--table', table, '--stride', '10'], io)).toBe(2)
    expect(io.stderr).toMatch(/--stride belongs to the Table 2 run/)
  })
})
