import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'
import { capture } from '../helpers/cli-io'
import { SHARED_DATA, sharedPath } from '../helpers/shared-data'
import { loadNb201Table } from '../../src/engine/benchmarks/nb201-csv'

/** Spearman ρ written out here (average ranks for ties), independent of the engine's metrics. */
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
  const ma = m(a)
  const mb = m(b)
  let sab = 0
  let saa = 0
  let sbb = 0
  a.forEach((_, i) => {
    sab += (a[i] - ma) * (b[i] - mb)
    saa += (a[i] - ma) ** 2
    sbb += (b[i] - mb) ** 2
  })
  return sab / Math.sqrt(saa * sbb)
}

const table = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')
const N = 4
const base = (out: string) => [
  'evaluate', '--paper', '--table', table, '--data-root', SHARED_DATA, '--n', String(N), '--out', out,
  '--proxies', 'params,pnorm,zen,spw', '--cap', 'synflow=3', '--batch', '16',
]

describe('zsnas evaluate --paper (Table 2 run) on a tiny subset', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'zsnas-t2-')), 'run')
  let first = ''

  it('scores indices 0..n−1 on all three datasets with their own inputs and prints ρ/τ next to the paper', async () => {
    const io = capture()
    expect(await main(base(out), io)).toBe(0)
    const gt = loadNb201Table(table)
    const keys = gt.keys()
    for (const [ds, metric] of [['cifar10', 'cifar10'], ['cifar100', 'cifar100'], ['imagenet16-120', 'imagenet16-120']]) {
      const lines = readFileSync(join(out, `scores-${ds}.csv`), 'utf8').trim().split('\n')
      expect(lines[0]).toBe('index,arch,accuracy,params,pnorm,zen,synflow,wrcor,seconds')
      expect(lines.length).toBe(N + 1)
      // scored coarse to fine (0, 2, 1, 3): compare by index
      const rows = lines.slice(1).map((l) => l.split(',')).sort((a, b) => Number(a[0]) - Number(b[0]))
      rows.forEach((r, i) => {
        expect(Number(r[0])).toBe(i)
        expect(r[1]).toBe(keys[i])
        expect(Number(r[2])).toBe(gt.get(keys[i], metric))
      })
      // the cap: synflow only on indices < 3 (empty cell at index 3); SPW then ranks only those 3 rows
      expect(rows[3][6]).toBe('')
      expect(rows[2][6]).not.toBe('')
      // params: ρ in table2.csv = ρ of the CSV columns computed here
      const cells = readFileSync(join(out, 'table2.csv'), 'utf8').trim().split('\n').map((l) => l.split(','))
      const cell = cells.find((c) => c[0] === 'params' && c[1] === ds) as string[]
      expect(Number(cell[4])).toBeCloseTo(rho(rows.map((r) => Number(r[3])), rows.map((r) => Number(r[2]))), 10)
      expect(Number(cell[2])).toBe(N)
      const spw = cells.find((c) => c[0] === 'spw' && c[1] === ds) as string[]
      expect(Number(spw[2])).toBe(3)
    }
    // the paper's values sit beside ours: Params 0.750 / 0.730 / 0.690, SPW 0.789 / 0.823 / 0.808, Zen 0.257 (C10 only)
    const md = readFileSync(join(out, 'table2.md'), 'utf8')
    expect(md).toMatch(/\| params \| [-\d.]+ \| 0\.750 \| [-\d.–]+ \| 4 \(0\) \| [-\d.]+ \| 0\.730 \|.*\| 0\.690 \|/)
    expect(md).toMatch(/\| spw \| .*0\.789.*0\.823.*0\.808/)
    expect(md).toMatch(/SAMPLE/)
    expect(io.stdout).toMatch(/zen .*0\.257/)
    first = readFileSync(join(out, 'scores-cifar100.csv'), 'utf8')
  }, 300_000)

  it('refuses to overwrite a run without --resume, and --resume with other options', async () => {
    const io = capture()
    expect(await main(base(out), io)).toBe(2)
    expect(io.stderr).toMatch(/already holds a run.*--resume/)
    const io2 = capture()
    expect(await main([...base(out), '--resume', '--seed', '5'], io2)).toBe(2)
    expect(io2.stderr).toMatch(/seed=0.*asks for 5/)
  })

  it('--resume after a crash (torn last line) rescoring only what is missing, bit-identically', async () => {
    const f = join(out, 'scores-cifar100.csv')
    const lines = first.split('\n')
    // keep header + 2 full rows + half of the third
    writeFileSync(f, `${lines.slice(0, 3).join('\n')}\n${lines[3].slice(0, 20)}`)
    // --report: the table of the rows done so far, nothing scored, marked partial
    const rep = capture()
    expect(await main([...base(out), '--report'], rep)).toBe(0)
    expect(rep.stderr).toMatch(/^resuming: 10 of 12 rows[\s\S]*0 architecture\(s\) scored/)
    expect(rep.stdout).toMatch(/PARTIAL: rows scored so far C10 4\/4, C100 2\/4, IN16 4\/4/)
    const io = capture()
    expect(await main([...base(out), '--resume'], io)).toBe(0)
    expect(io.stderr).toMatch(/resuming: 10 of 12 rows/)
    const again = readFileSync(f, 'utf8')
    const strip = (t: string) => t.trim().split('\n').map((l) => l.split(',').slice(0, -1).join(','))
    expect(strip(again)).toEqual(strip(first))
  }, 300_000)

  it('--resume/--report accept another spelling of the same --data-root (relative, trailing slash): paths are stored absolute', async () => {
    const rel = `${relative(process.cwd(), SHARED_DATA)}/`
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { datasets: { input: { path: string } }[] }
    for (const d of cfg.datasets) expect(isAbsolute(d.input.path)).toBe(true)
    const io = capture()
    expect(await main([...base(out).map((a) => (a === SHARED_DATA ? rel : a)), '--report'], io)).toBe(0)
    expect(io.stderr).toMatch(/resuming: 12 of 12 rows/)
  })

  it('bad input: unknown dataset, bad cap, unknown proxy → exit 2', async () => {
    for (const [extra, re] of [
      [['--datasets', 'svhn'], /unknown dataset 'svhn'/],
      [['--cap', 'grasp=x'], /--cap must be a list of PROXY=N/],
      [['--cap', 'grasp=10'], /not a scored proxy/],
      [['--report'], /holds no run/],
    ] as const) {
      const io = capture()
      const dir = join(mkdtempSync(join(tmpdir(), 'zsnas-t2b-')), 'r')
      expect(await main([...base(dir).filter((a) => a !== '--cap' && a !== 'synflow=3'), ...extra], io)).toBe(2)
      expect(io.stderr).toMatch(re)
      expect(existsSync(join(dir, 'scores-cifar10.csv'))).toBe(false)
    }
  })
})

describe('per-dataset forced proxy options', () => {
  it('ePADS on the 120-image ImageNet sample runs with batch 120 unless the user chose one; other datasets untouched', async () => {
    const { datasetProxyOptions, getTable2Dataset } = await import('../../src/cli/evaluate-table2')
    const in16 = getTable2Dataset('imagenet16-120')!
    const c10 = getTable2Dataset('cifar10')!
    expect(datasetProxyOptions(in16, {})).toEqual({ epads: { batchSize: 120 } })
    expect(datasetProxyOptions(in16, { epads: { batchSize: 64, sigma: 0.5 }, zen: { init: 'zennas' } })).toEqual({
      epads: { batchSize: 64, sigma: 0.5 },
      zen: { init: 'zennas' },
    })
    expect(datasetProxyOptions(in16, { epads: { sigma: 0.5 } })).toEqual({ epads: { sigma: 0.5, batchSize: 120 } })
    expect(datasetProxyOptions(c10, { zen: { init: 'zennas' } })).toEqual({ zen: { init: 'zennas' } })
  })
})
