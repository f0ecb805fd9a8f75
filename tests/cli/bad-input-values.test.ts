/**
 * Issue #22 defect 8, simplest items: negative numbers give the flag's valid
 * range (not parseArgs' "argument is ambiguous"), `evaluate --csv <folder>`
 * (or a csv in a missing folder) fails BEFORE any scoring, and `zsnas serve
 * --data-dir` that cannot be a folder exits 2 with one line. Each case: exit 2,
 * one stderr line naming the flag, the value and the valid range/fault.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'

const ARCH = '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-badvalues-'))
const table = path.join(scratch, 'table.csv')
fs.writeFileSync(
  table,
  'ArchitectureString,CIFAR10TestAccuracy200Epochs,CIFAR100TestAccuracy200Epochs,ImageNetTestAccuracy200Epochs\n' +
    `"${ARCH}",90.1,70.2,40.3\n"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",10,1,0.8\n`,
)

/** --out folders holding a damaged checkpoint.json (and an evaluated.jsonl that must survive untouched) */
const ckptRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-badckpt-'))
function ckptDir(name: string, content: string): string {
  const d = path.join(ckptRoot, name)
  fs.mkdirSync(d)
  fs.writeFileSync(path.join(d, 'checkpoint.json'), content)
  fs.writeFileSync(path.join(d, 'evaluated.jsonl'), '{"index":0}\n')
  return d
}
const resume = (d: string) => ['search', '--proxy', 'params', '--n', '2', '--batch', '2', '--out', d, '--resume']

async function run(argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = ''
  let stdout = ''
  const code = await main(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), errIsTTY: false })
  return { code, stderr, stdout }
}

const CASES: Array<{ name: string; argv: string[]; line: RegExp }> = [
  { name: 'score --batch -1', argv: ['score', '--arch', ARCH, '--batch', '-1'], line: /--batch must be an integer in 2\.\.4096, got '-1'/ },
  { name: 'search --batch -1', argv: ['search', '--proxy', 'params', '--n', '1', '--batch', '-1'], line: /--batch must be an integer in 2\.\.4096, got '-1'/ },
  { name: 'evaluate --batch -1', argv: ['evaluate', '--table', table, '--n', '2', '--batch', '-1'], line: /--batch must be an integer in 2\.\.4096, got '-1'/ },
  { name: 'score --batch -0.5', argv: ['score', '--arch', ARCH, '--batch', '-0.5'], line: /--batch must be an integer in 2\.\.4096, got '-0\.5'/ },
  { name: 'score --batch 1', argv: ['score', '--arch', ARCH, '--batch', '1'], line: /--batch must be an integer in 2\.\.4096, got '1'/ },
  { name: 'score --batch 4097', argv: ['score', '--arch', ARCH, '--batch', '4097'], line: /--batch must be an integer in 2\.\.4096, got '4097'/ },
  { name: 'score --seed -3', argv: ['score', '--arch', ARCH, '--seed', '-3'], line: /--seed must be an integer in 0\.\.4294967295, got '-3'/ },
  { name: 'search --n -5', argv: ['search', '--proxy', 'params', '--n', '-5'], line: /--n must be an integer in 1\.\.\d+, got '-5'/ },
  { name: 'evaluate --csv <folder>', argv: ['evaluate', '--table', table, '--n', '2', '--proxies', 'params', '--csv', scratch], line: /--csv .*is a folder, not a file/ },
  {
    name: 'evaluate --csv in a missing folder',
    argv: ['evaluate', '--table', table, '--n', '2', '--proxies', 'params', '--csv', path.join(scratch, 'no', 'such', 'x.csv')],
    line: /--csv .*the folder does not exist/,
  },
  {
    name: 'evaluate --csv below a file',
    argv: ['evaluate', '--table', table, '--n', '2', '--proxies', 'params', '--csv', path.join(table, 'x.csv')],
    line: /--csv .*is a file, not a folder/,
  },
  { name: 'search --resume, checkpoint not JSON', argv: resume(ckptDir('garbage', '{"config": {')), line: /BAD_FORMAT.*checkpoint\.json is not valid JSON/ },
  { name: 'search --resume, checkpoint null', argv: resume(ckptDir('null', 'null')), line: /BAD_FORMAT.*checkpoint\.json is not a search checkpoint/ },
  { name: 'search --resume, checkpoint without state', argv: resume(ckptDir('nostate', '{"config": {}}')), line: /BAD_FORMAT.*not a search checkpoint/ },
  {
    name: 'search --resume, negative completed',
    argv: resume(ckptDir('negative', '{"config": {}, "state": {"completed": -1}}')),
    line: /BAD_FORMAT.*not a search checkpoint/,
  },
]

describe('bad values: exit 2, one line with the valid range or the fault, before any work', () => {
  it.each(CASES)('$name', async ({ argv, line }) => {
    const r = await run(argv)
    expect(r.code, r.stderr).toBe(2)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines, r.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(line)
    expect(lines[0]).not.toMatch(/ambiguous|internal error|\bat .*\.ts:\d+/)
    // before any work: no progress line, no result on stdout
    expect(r.stdout).toBe('')
  })

  it('a negative value is still accepted where it is valid and --flag=-1 behaves the same', async () => {
    const a = await run(['score', '--arch', ARCH, '--batch=-1'])
    const b = await run(['score', '--arch', ARCH, '--batch', '-1'])
    expect(a.code).toBe(2)
    expect(b.stderr).toBe(a.stderr)
  })

  it('nothing was written into the scratch folder; damaged checkpoints and their rows are left as they were', () => {
    expect(fs.readdirSync(scratch)).toEqual(['table.csv'])
    for (const d of fs.readdirSync(ckptRoot)) {
      expect(fs.readdirSync(path.join(ckptRoot, d)).sort()).toEqual(['checkpoint.json', 'evaluated.jsonl'])
      expect(fs.readFileSync(path.join(ckptRoot, d, 'evaluated.jsonl'), 'utf8')).toBe('{"index":0}\n')
    }
  })
})

describe('zsnas serve --data-dir that cannot be a folder', () => {
  const cases = [
    { name: 'on procfs', dir: '/proc/zsnas-serve-x', fault: /cannot create a folder here/ },
    { name: 'a regular file', dir: table, fault: /is a file, not a folder/ },
  ]
  it.each(cases)('$name: exit 2, one line, no hang', ({ dir, fault }) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--data-dir', dir, '--static', path.join(scratch, 'no-ui')], {
      encoding: 'utf8',
      timeout: 60_000,
      killSignal: 'SIGKILL',
    })
    expect(r.signal, 'serve hung').toBeNull()
    expect(r.status, r.stderr).toBe(2)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^zsnas serve: data folder ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`))
    expect(lines[0]).toMatch(fault)
    expect(r.stdout).toBe('')
  }, 70_000)
})
