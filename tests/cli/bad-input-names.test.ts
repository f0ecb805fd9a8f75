/**
 * Defect 7 of issue #22: names that exist on every plain object
 * (`__proto__`, `constructor`, `toString`, …) given wherever the CLI looks a
 * user string up in a registry or table (command, flags, proxies, voting sets,
 * spaces, strategies, inits, modes, datasets, exporters, metrics, option
 * values). Each must be refused like any other unknown name: exit 2 and ONE
 * stderr line that names the offending flag/value — never a TypeError stack
 * (exit 1) and never silently accepted.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__']
const ARCH = '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-badnames-'))
const table = path.join(out, 'table.csv')
const A2 = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'
fs.writeFileSync(
  table,
  'ArchitectureString,CIFAR10TestAccuracy200Epochs,CIFAR100TestAccuracy200Epochs,ImageNetTestAccuracy200Epochs\n' +
    `"${ARCH}",90.1,70.2,40.3\n"${A2}",10,1,0.8\n`,
)

/** argv builders: `n` is the hostile name; `flag` is what the error line must mention (besides the name). */
const PLACES: Array<{ where: string; argv: (n: string) => string[]; mention?: RegExp }> = [
  { where: 'command', argv: (n) => [n] },
  { where: 'search --proxy', argv: (n) => ['search', '--proxy', n, '--n', '1'], mention: /--proxy/ },
  { where: 'search --proxy list', argv: (n) => ['search', '--proxy', `wrcor,${n}`, '--n', '1'], mention: /--proxy/ },
  { where: 'search --space', argv: (n) => ['search', '--space', n, '--proxy', 'wrcor', '--n', '1'], mention: /space/ },
  { where: 'search --strategy', argv: (n) => ['search', '--strategy', n, '--proxy', 'wrcor', '--n', '1'], mention: /strateg/ },
  { where: 'search --init', argv: (n) => ['search', '--init', n, '--proxy', 'wrcor', '--n', '1'], mention: /init/ },
  { where: 'search --mode', argv: (n) => ['search', '--mode', n, '--proxy', 'wrcor', '--n', '1'], mention: /mode/ },
  { where: 'search --budget-mode', argv: (n) => ['search', '--budget-mode', n, '--proxy', 'wrcor', '--n', '1'], mention: /budget/ },
  { where: 'search --dataset kind', argv: (n) => ['search', '--dataset', `${n}:${out}`, '--proxy', 'wrcor', '--n', '1'], mention: /dataset/ },
  { where: 'search --dataset bare', argv: (n) => ['search', '--dataset', n, '--proxy', 'wrcor', '--n', '1'], mention: /dataset/ },
  { where: 'search unknown flag', argv: (n) => ['search', `--${n}`, '1', '--proxy', 'wrcor', '--n', '1'] },
  { where: 'score --proxies', argv: (n) => ['score', '--arch', ARCH, '--proxies', n], mention: /prox/ },
  { where: 'score --space', argv: (n) => ['score', '--arch', ARCH, '--space', n], mention: /space/ },
  { where: 'score --init', argv: (n) => ['score', '--arch', ARCH, '--init', n], mention: /init/ },
  { where: 'score --mode', argv: (n) => ['score', '--arch', ARCH, '--mode', n], mention: /mode/ },
  { where: 'score --wrcor-weighting', argv: (n) => ['score', '--arch', ARCH, '--wrcor-weighting', n], mention: /weighting/ },
  { where: 'score --zen-init', argv: (n) => ['score', '--arch', ARCH, '--proxies', 'zen', '--zen-init', n], mention: /zen/ },
  { where: 'evaluate --proxies', argv: (n) => ['evaluate', '--table', table, '--proxies', n], mention: /prox/ },
  { where: 'evaluate --metric', argv: (n) => ['evaluate', '--table', table, '--metric', n], mention: /metric/ },
  { where: 'export --format', argv: (n) => ['export', '--arch', ARCH, '--format', n, '--out', path.join(out, 'x')], mention: /format/ },
  { where: 'export --space', argv: (n) => ['export', '--arch', ARCH, '--space', n, '--format', 'pytorch', '--out', path.join(out, 'x')], mention: /space/ },
  { where: 'export --init', argv: (n) => ['export', '--arch', ARCH, '--init', n, '--format', 'pytorch', '--out', path.join(out, 'x')], mention: /init/ },
  { where: 'help <command>', argv: (n) => ['help', n] },
]

async function run(argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = ''
  let stdout = ''
  const code = await main(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), errIsTTY: false })
  return { code, stderr, stdout }
}

const cases = PLACES.flatMap((p) => NAMES.map((n) => ({ ...p, name: n })))

describe('prototype-property names are unknown names everywhere the CLI looks one up', () => {
  it.each(cases)('$where $name', async ({ where, argv, name, mention }) => {
    const r = await run(argv(name))
    if (where === 'help <command>') {
      // help for an unknown command falls back to the general help: exit 0, no crash
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/Commands:/)
      return
    }
    expect(r.code, r.stderr).toBe(2)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines, r.stderr).toHaveLength(1)
    expect(lines[0]).not.toMatch(/TypeError|internal error|\bat /)
    expect(lines[0]).toContain(name)
    if (mention) expect(lines[0]).toMatch(mention)
  })

  it('left nothing behind in the scratch folder', () => {
    expect(fs.readdirSync(out)).toEqual(['table.csv'])
  })
})

describe('the same lookups reached with JSON-parsed keys (app / browser-mode configs)', () => {
  it("validateOptions reports an own '__proto__' / 'constructor' option key instead of dropping it", async () => {
    const { validateOptions } = await import('../../src/engine/core/options')
    const specs = [{ key: 'weighting', label: 'Weighting', type: 'enum' as const, default: 'exp', choices: [{ value: 'exp', label: 'exp' }] }]
    for (const k of ['__proto__', 'constructor', 'toString']) {
      const { errors } = validateOptions(specs as never, JSON.parse(`{"${k}": 1}`))
      expect(Object.keys(errors)).toEqual([k])
      expect(errors[k]).toMatch(new RegExp(`no option '${k}'; expected one of weighting`))
    }
  })

  it('proxyMembers: prototype names are not voting sets; real sets still resolve', async () => {
    const { proxyMembers } = await import('../../src/engine/search/voting-sets')
    for (const n of NAMES) expect(proxyMembers(n)).toEqual([n])
    // paper: SJW = SynFlow + JacCor + WRCor, SPW = SynFlow + PNorm + WRCor
    expect(proxyMembers('SJW')).toEqual(['synflow', 'jaccor', 'wrcor'])
    expect(proxyMembers('spw')).toEqual(['synflow', 'pnorm', 'wrcor'])
  })
})
