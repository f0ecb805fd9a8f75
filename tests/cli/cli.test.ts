import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'
import { capture } from '../helpers/cli-io'
import { sharedPath } from '../helpers/shared-data'
import { progressLine, formatDuration } from '../../src/cli/progress'

const CHEAP = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'
const tmp = mkdtempSync(join(tmpdir(), 'zsnas-cli-'))

describe('zsnas CLI: bad input -> one line on stderr, exit code 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['invalid arch string', ['score', '--arch', '|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|'], /INVALID_ARCH.*unknown op 'conv'/],
    ['missing --arch', ['score'], /--arch is required/],
    ['unknown flag', ['score', '--arch', CHEAP, '--bogus', '1'], /Unknown option '--bogus'/],
    ['bad batch', ['score', '--arch', CHEAP, '--batch', 'x'], /--batch must be an integer/],
    ['unknown proxy', ['score', '--arch', CHEAP, '--proxies', 'wrcor,zzz'], /unknown proxy 'zzz'/],
    ['missing CIFAR file', ['score', '--arch', CHEAP, '--dataset', 'cifar10:/nonexistent/data_batch_1.bin'], /nonexistent/],
    ['unknown dataset kind', ['score', '--arch', CHEAP, '--dataset', 'mnist'], /--dataset 'mnist' is not understood/],
    ['missing table', ['evaluate', '--table', '/nonexistent/nb201.csv'], /nonexistent\/nb201.csv/],
    ['no table', ['evaluate'], /--table PATH is required/],
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  ]
  it.each(cases)('%s', async (_, argv, msg) => {
    const saved = process.env.ZSNAS_NB201_TABLE
    delete process.env.ZSNAS_NB201_TABLE
    const io = capture()
    try {
      expect(await main(argv, io)).toBe(2)
    } finally {
      if (saved !== undefined) process.env.ZSNAS_NB201_TABLE = saved
    }
    expect(io.stderr).toMatch(msg)
    expect(io.stderr.trim().split('\n')).toHaveLength(1)
    expect(io.stdout).toBe('')
  })

  it('truncated CIFAR batch', async () => {
    const bad = join(tmp, 'data_batch_1.bin')
    writeFileSync(bad, readFileSync(sharedPath('cifar10', 'data_batch_1_first4000_exact.bin')).subarray(0, 3073 * 3 + 100))
    const io = capture()
    expect(await main(['score', '--arch', CHEAP, '--dataset', `cifar10:${bad}`], io)).toBe(2)
    expect(io.stderr).toMatch(/data_batch_1\.bin/)
    expect(io.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('CSV with wrong columns', async () => {
    const bad = join(tmp, 'table.csv')
    writeFileSync(bad, 'arch,acc\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10\n')
    const io = capture()
    expect(await main(['evaluate', '--table', bad, '--n', '5'], io)).toBe(2)
    expect(io.stderr).toMatch(/ArchitectureString/)
    expect(io.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('unknown metric', async () => {
    const io = capture()
    const table = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')
    expect(await main(['evaluate', '--table', table, '--metric', 'svhn', '--n', '3'], io)).toBe(2)
    expect(io.stderr).toMatch(/--metric 'svhn'.*available: cifar10, cifar100, imagenet16-120/)
  })
})

describe('zsnas CLI: working runs', () => {
  it('help lists the commands', async () => {
    const io = capture()
    expect(await main(['--help'], io)).toBe(0)
    expect(io.stdout).toMatch(/score/)
    expect(io.stdout).toMatch(/evaluate/)
  })

  it('score prints JSON with the requested proxies', async () => {
    const io = capture()
    const code = await main(['score', '--arch', CHEAP, '--proxies', 'wrcor,acor', '--batch', '6', '--dataset', 'noise:16', '--seed', '3'], io)
    expect(code).toBe(0)
    const r = JSON.parse(io.stdout)
    expect(r.arch).toBe(CHEAP)
    expect(Object.keys(r.scores)).toEqual(['wrcor', 'acor'])
    expect(Number.isFinite(r.scores.wrcor)).toBe(true)
  })

  it('evaluate: ρ/τ JSON on stdout, progress on stderr, CSV with one row per arch', async () => {
    const io = capture()
    const csv = join(tmp, 'scores.csv')
    const table = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')
    const code = await main(
      ['evaluate', '--table', table, '--n', '4', '--batch', '4', '--dataset', 'noise:8', '--proxies', 'acor,wrcor', '--csv', csv],
      io,
    )
    expect(code).toBe(0)
    const r = JSON.parse(io.stdout)
    expect(r.n).toBe(4)
    expect(Object.keys(r.stats)).toEqual(['acor', 'wrcor'])
    expect(io.stderr).toMatch(/4\/4 100%/)
    const lines = readFileSync(csv, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('index,arch,cifar10,acor,wrcor,seconds')
    expect(lines).toHaveLength(5)
    // accuracy column is the table's value for that index
    const [idx, arch, acc] = lines[1].split(',')
    const row = readFileSync(table, 'utf8').split('\n')[Number(idx) + 1].split(',')
    expect(row[3]).toBe(arch)
    expect(Number(acc)).toBe(Number(row[0]))
  })

  it('progress line and durations', () => {
    expect(progressLine(50, 200, 100, 300, 8)).toBe('[##......] 50/200  25%  2.00 s/arch  ETA 5m00s')
    expect(formatDuration(3725)).toBe('1h02m')
  })

  it('bin/zsnas.mjs runs the CLI and exits 2 on bad input', () => {
    const r = spawnSync(process.execPath, ['bin/zsnas.mjs', 'score', '--arch', '|x~0|'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/INVALID_ARCH/)
  })
})
