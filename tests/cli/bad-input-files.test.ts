/**
 * Issue #22: the table-driven bad-input test for the FILE categories of the
 * CLI — dataset files (CIFAR-10/100 binaries: empty, truncated, wrong size,
 * bad labels; ImageNet16 pickles: not a pickle, truncated, wrong structure,
 * malicious GLOBAL os.system), NB201 CSV / NB101 tables and TFRecords,
 * special files (FIFO, /dev/zero, folders), arch strings and arch files,
 * proxies, batch, workers, --out and checkpoint/resume. The bad files are
 * made here. Every case, run in-process through `main()`: exit 2, ONE line on
 * stderr naming the fault, and the scratch folder is byte-for-byte unchanged
 * (no --out, no evaluated.jsonl, no lock or tmp file left behind).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'
import { capture } from '../helpers/cli-io'

const ARCH = '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'
const S = fs.mkdtempSync(path.join(os.tmpdir(), 'zsnas-badfiles-'))
const f = (name: string, content: string | Buffer): string => {
  const p = path.join(S, name)
  fs.writeFileSync(p, content)
  return p
}
const folder = (name: string): string => {
  const p = path.join(S, name)
  fs.mkdirSync(p)
  return p
}

// ---- dataset files -------------------------------------------------------
/** n CIFAR records of `rec` bytes with the given label byte(s). */
function cifar(n: number, rec: 3073 | 3074, label: number): Buffer {
  const b = Buffer.alloc(n * rec, 100)
  for (let i = 0; i < n; i++) b[i * rec + (rec - 3073)] = label
  return b
}
const emptyBin = f('data_batch_1.bin', '')
const truncBin = f('trunc.bin', cifar(2, 3073, 1).subarray(0, 3073 + 1000))
const wrongBin = f('wrong.bin', Buffer.alloc(5000, 1))
const label11 = f('label11.bin', cifar(2, 3073, 11))
const label255 = f('label255.bin', cifar(2, 3073, 255))
const c100as10 = f('c100.bin', Buffer.alloc(3074 * 3073, 1)) // 3074·3073 bytes: whole for both sizes, labels 1 → fine; used as cifar100 with fine label 200 below
const c100bad = f('c100bad.bin', cifar(2, 3074, 0).fill(200, 1, 2).fill(200, 3075, 3076))
const noBatches = folder('no-batches')
fs.writeFileSync(path.join(noBatches, 'readme.txt'), 'nothing here')
const fifo = path.join(S, 'data.fifo')
execFileSync('mkfifo', [fifo])
const zeroLink = path.join(S, 'zero.bin')
fs.symlinkSync('/dev/zero', zeroLink)

// ---- pickles (ImageNet16) --------------------------------------------------
const notPickle = f('train_data_batch_1', Buffer.from('this is not a pickle at all'))
const truncPickle = f('trunc_pickle', Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x28]))
const intPickle = f('int_pickle', Buffer.from([0x80, 0x02, 0x4b, 0x05, 0x2e])) // the int 5
const evilPickle = f('evil_pickle', Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from('cos\nsystem\n(X\x04\x00\x00\x00idtR.', 'latin1')]))
const evilPosix = f('evil_posix', Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from('cposix\nsystem\n(X\x04\x00\x00\x00idtR.', 'latin1')]))
const evilBuiltins = f('evil_eval', Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from('c__builtin__\neval\n(X\x01\x00\x00\x001tR.', 'latin1')]))
const emptyPickle = f('empty_pickle', '')

// ---- tables ----------------------------------------------------------------
const HEAD = 'ArchitectureString,CIFAR10TestAccuracy200Epochs,CIFAR100TestAccuracy200Epochs,ImageNetTestAccuracy200Epochs\n'
const emptyCsv = f('empty.csv', '')
const headerOnly = f('header.csv', HEAD)
const missingCol = f('missingcol.csv', `Foo,Bar\n1,2\n`)
const badArchCsv = f('badarch.csv', `${HEAD}"|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|",1,2,3\n`)
const dupCsv = f('dup.csv', `${HEAD}"${ARCH}",1,2,3\n"${ARCH}",1,2,3\n`)
const nanAccCsv = f('nanacc.csv', `${HEAD}"${ARCH}",abc,2,3\n`)
const binaryCsv = f('binary.csv', Buffer.from([0, 1, 2, 255, 254, 0, 10, 0]))
const tableFolder = folder('table-folder')
const NB101_HEAD = 'module_adjacency,module_operations,final_test_accuracy\n'
const nb101BadCsv = f('nb101bad.csv', `${NB101_HEAD}"[[0,1],[0,0]]","input,conv9x9",0.9\n`)
const nb101EmptyCsv = f('nb101empty.csv', '')
const nb101NoCols = f('nb101nocols.csv', 'a,b\n1,2\n')
// TFRecord: a length field + bad CRC; a good-looking header then truncated data
const tfBadCrc = f('badcrc.tfrecord', Buffer.concat([Buffer.from([10, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(4, 0xab), Buffer.alloc(14, 1)]))
const tfTrunc = f('trunc.tfrecord', Buffer.from([0xff, 0xff, 0, 0, 0, 0, 0, 0, 1, 2, 3]))
const tfEmpty = f('empty.tfrecord', '')

// ---- arch files / checkpoints ------------------------------------------------
const archEmpty = f('arch-empty.json', '')
const archGarbage = f('arch-garbage.json', '{"not":"an arch"')
const archWrong = f('arch-wrong.json', JSON.stringify({ space: 'nb201', arch: '|bogus~0|' }))
function ckpt(name: string, content: string | null, jsonl = '{"i":0}\n'): string {
  const d = folder(name)
  if (content !== null) fs.writeFileSync(path.join(d, 'checkpoint.json'), content)
  fs.writeFileSync(path.join(d, 'evaluated.jsonl'), jsonl)
  return d
}
const SEARCH = ['search', '--proxy', 'params', '--n', '2', '--batch', '4', '--dataset', 'noise:8:10']
const ckptOther = ckpt('ckpt-other', JSON.stringify({ config: { space: 'nb101' }, state: { completed: 1 } }))
const ckptNotJson = ckpt('ckpt-notjson', 'nope{')
const ckptNull = ckpt('ckpt-null', 'null')
const ckptNeg = ckpt('ckpt-neg', JSON.stringify({ config: {}, state: { completed: -1 } }))
const ckptFresh = ckpt('ckpt-exists', JSON.stringify({ config: {}, state: { completed: 0 } }))
const aFile = f('a-file', 'x')

type Case = { name: string; argv: string[]; line: RegExp }
const cases: Case[] = []
const add = (name: string, argv: string[], line: RegExp) => cases.push({ name, argv, line })
const out = (n: string) => ['--out', path.join(S, `out-${n}`)]

// dataset files, each through score, search and search --workers 2
const DATASETS: Array<[string, string, RegExp]> = [
  ['empty CIFAR-10 bin', `cifar10:${emptyBin}`, /data_batch_1\.bin.*empty|EMPTY_DATASET/],
  ['truncated CIFAR-10 bin', `cifar10:${truncBin}`, /\[BAD_FORMAT\].*trunc\.bin.*3073/],
  ['wrong-size CIFAR-10 bin', `cifar10:${wrongBin}`, /\[BAD_FORMAT\].*wrong\.bin.*5000 bytes/],
  ['CIFAR-10 label 11', `cifar10:${label11}`, /\[BAD_LABEL\].*label11\.bin/],
  ['CIFAR-10 label 255', `cifar10:${label255}`, /\[BAD_LABEL\].*label255\.bin/],
  ['CIFAR-100 fine label 200', `cifar100:${c100bad}`, /\[BAD_LABEL\].*c100bad\.bin/],
  ['CIFAR folder without batches', `cifar10:${noBatches}`, /no-batches/],
  ['missing CIFAR file', `cifar10:${path.join(S, 'nope.bin')}`, /\[FILE_NOT_FOUND\].*nope\.bin/],
  ['CIFAR path is a FIFO', `cifar10:${fifo}`, /data\.fifo/],
  ['CIFAR path links to /dev/zero', `cifar10:${zeroLink}`, /\[FILE_UNREADABLE\].*zero\.bin.*not a regular file/],
  ['not a pickle', `imagenet16:${notPickle}`, /train_data_batch_1/],
  ['truncated pickle', `imagenet16:${truncPickle}`, /trunc_pickle/],
  ['pickle of an int', `imagenet16:${intPickle}`, /int_pickle/],
  ['malicious pickle GLOBAL os.system', `imagenet16:${evilPickle}`, /\[UNSAFE_PICKLE\].*evil_pickle.*os.*system/],
  ['malicious pickle GLOBAL posix.system', `imagenet16:${evilPosix}`, /\[UNSAFE_PICKLE\].*evil_posix/],
  ['malicious pickle GLOBAL __builtin__.eval', `imagenet16:${evilBuiltins}`, /\[UNSAFE_PICKLE\].*evil_eval/],
  ['empty pickle', `imagenet16:${emptyPickle}`, /empty_pickle/],
  ['dataset spec without path', 'cifar10', /--dataset cifar10 needs a path/],
  ['unknown dataset kind', 'mnist:/x', /--dataset 'mnist:\/x' is not understood/],
]
for (const [name, spec, line] of DATASETS) {
  add(`score: ${name}`, ['score', '--arch', ARCH, '--proxies', 'synflow', '--batch', '4', '--dataset', spec], line)
  add(`search: ${name}`, [...SEARCH.slice(0, -2), '--dataset', spec, ...out(`ds-${cases.length}`)], line)
  add(`search --workers 2: ${name}`, [...SEARCH.slice(0, -2), '--dataset', spec, '--workers', '2', ...out(`dsw-${cases.length}`)], line)
}
void c100as10

// tables: NB201 CSV through search --table and evaluate --table; NB101 tables and TFRecords
const TABLES: Array<[string, string, RegExp]> = [
  ['empty CSV', emptyCsv, /empty\.csv/],
  ['header-only CSV', headerOnly, /header\.csv/],
  ['CSV missing the arch column', missingCol, /missingcol\.csv/],
  ['CSV with a bad arch string', badArchCsv, /badarch\.csv|conv_9x9/],
  ['CSV with a duplicate row', dupCsv, /dup\.csv/],
  ['CSV with a non-number accuracy', nanAccCsv, /nanacc\.csv|abc/],
  ['binary garbage as CSV', binaryCsv, /binary\.csv/],
  ['table is a folder', tableFolder, /table-folder/],
  ['table is a FIFO', fifo, /\[FILE_UNREADABLE\].*data\.fifo.*not a regular file/],
  ['table links to /dev/zero', zeroLink, /\[FILE_UNREADABLE\].*zero\.bin.*not a regular file/],
  ['missing table', path.join(S, 'none.csv'), /\[FILE_NOT_FOUND\].*none\.csv/],
]
for (const [name, p, line] of TABLES) {
  add(`search --table: ${name}`, [...SEARCH, '--table', p, ...out(`tb-${cases.length}`)], line)
  add(`evaluate --table: ${name}`, ['evaluate', '--table', p, '--n', '2', '--proxies', 'params', '--batch', '4', '--dataset', 'noise:8:10'], line)
}
const NB101: Array<[string, string, RegExp]> = [
  ['NB101 CSV with a bad op', nb101BadCsv, /nb101bad\.csv|conv9x9/],
  ['empty NB101 CSV', nb101EmptyCsv, /nb101empty\.csv/],
  ['NB101 CSV without adjacency/ops', nb101NoCols, /nb101nocols\.csv/],
  ['TFRecord with a bad CRC', tfBadCrc, /badcrc\.tfrecord/],
  ['truncated TFRecord', tfTrunc, /trunc\.tfrecord/],
  ['empty TFRecord', tfEmpty, /empty\.tfrecord/],
]
for (const [name, p, line] of NB101) {
  add(`search nb101 --table: ${name}`, ['search', '--space', 'nb101', '--proxy', 'params', '--n', '2', '--batch', '4', '--dataset', 'noise:8:10', '--table', p, ...out(`nb-${cases.length}`)], line)
  add(`search nb101 --pool: ${name}`, ['search', '--space', 'nb101', '--proxy', 'params', '--n', '2', '--batch', '4', '--dataset', 'noise:8:10', '--pool', p, ...out(`np-${cases.length}`)], line)
}

// arch strings and arch files
const ARCHES: Array<[string, RegExp]> = [
  ['', /arch/i],
  ['|', /arch/i],
  ['|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|', /conv_9x9/],
  ['|nor_conv_3x3~0|+|none~0|', /arch/i],
  ['|nor_conv_3x3~5|+|none~0|none~1|+|none~0|none~1|none~2|', /arch/i],
  ['x'.repeat(5000), /arch/i],
]
for (const [a, line] of ARCHES) add(`score --arch '${a.slice(0, 30)}'`, ['score', '--arch', a, '--proxies', 'params'], line)
add('score --arch-file empty', ['score', '--arch-file', archEmpty, '--proxies', 'params'], /arch-empty\.json/)
add('score --arch-file not JSON', ['score', '--arch-file', archGarbage, '--proxies', 'params'], /\[INVALID_ARCH\].*an arch/)
add('score --arch-file bad arch', ['score', '--arch-file', archWrong, '--proxies', 'params'], /arch-wrong\.json|bogus/)
add('score --arch-file missing', ['score', '--arch-file', path.join(S, 'none.json'), '--proxies', 'params'], /none\.json/)
add('score --arch-file FIFO', ['score', '--arch-file', fifo, '--proxies', 'params'], /data\.fifo/)

// proxies
for (const p of ['nope', 'wrcor,nope', ',', 'WRCOR;rm -rf /']) {
  add(`search --proxy '${p}'`, ['search', '--proxy', p, '--n', '2', '--batch', '4', ...out(`px-${cases.length}`)], /proxy/)
  add(`score --proxies '${p}'`, ['score', '--arch', ARCH, '--proxies', p], /prox/)
}

// batch and workers
for (const b of ['0', '-1', 'x', '1.5', '5000', '']) add(`search --batch '${b}'`, [...SEARCH.slice(0, 5), '--batch', b, ...out(`b-${cases.length}`)], /--batch/)
for (const w of ['0', '-1', '65', 'two', '1.5', '']) add(`search --workers '${w}'`, [...SEARCH, '--workers', w, ...out(`w-${cases.length}`)], /--workers/)

// --out and checkpoint/resume
add('search --out is a file', [...SEARCH, '--out', aFile], /a-file/)
add('search --out below a file', [...SEARCH, '--out', path.join(aFile, 'x')], /a-file/)
add('search --out in /proc', [...SEARCH, '--out', '/proc/zsnas-x'], /\/proc\/zsnas-x/)
add('search --out holds a search', [...SEARCH, '--out', ckptFresh], /already holds a search/)
add('--resume with other options', [...SEARCH, '--out', ckptOther, '--resume'], /options differ/)
add('--resume: checkpoint not JSON', [...SEARCH, '--out', ckptNotJson, '--resume'], /checkpoint\.json is not valid JSON/)
add('--resume: checkpoint null', [...SEARCH, '--out', ckptNull, '--resume'], /not a search checkpoint/)
add('--resume: negative completed', [...SEARCH, '--out', ckptNeg, '--resume'], /not a search checkpoint/)
add('--resume without --out', [...SEARCH, '--resume'], /--resume needs --out/)

/** Every path under the scratch folder with its size and (files) mtime; symlinks not followed. A folder's own mtime may move: --out is locked (search.lock made and removed) before its checkpoint is read. */
function snapshot(): string[] {
  const rows: string[] = []
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n)
      const st = fs.lstatSync(p)
      rows.push(st.isDirectory() ? `${path.relative(S, p)}/` : `${path.relative(S, p)} ${st.size} ${st.mtimeMs}`)
      if (st.isDirectory()) walk(p)
    }
  }
  walk(S)
  return rows
}

describe('zsnas bad input files (issue #22): exit 2, one line naming the fault, nothing written', () => {
  it('has at least 90 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(90)
  })
  for (const c of cases) {
    it(c.name, { timeout: 30_000 }, async () => {
      const before = snapshot()
      const io = capture()
      const code = await main(c.argv, io)
      if (process.env.BADFILES_PRINT) console.log(`${c.name} => ${code} ${io.stderr}`)
      expect(code).toBe(2)
      const lines = io.stderr.split('\n').filter((l) => l.length > 0)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(c.line)
      expect(io.stdout).toBe('')
      expect(snapshot()).toEqual(before)
    })
  }
})
