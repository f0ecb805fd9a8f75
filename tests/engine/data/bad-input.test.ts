import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PNG } from 'pngjs'
import { ZsnasError, type ErrorCode } from '../../../src/engine/core/errors'
import { Rng } from '../../../src/engine/core/rng'
import { openDataset } from '../../../src/engine/data/open'
import { ImageFolderSource } from '../../../src/engine/data/image-folder'
import { loadNb201Table } from '../../../src/engine/benchmarks/nb201-csv'
import { loadNb101Table, loadNb101Tfrecord } from '../../../src/engine/benchmarks/nb101'
import { sharedPath } from '../../helpers/shared-data'
import { evilPickleGlobal, evilPickleStackGlobal, pickleImagenet16 } from '../../fixtures/pickle-writer'
import { nb101Tfrecord } from '../../fixtures/nb101-tfrecord'

/**
 * The bad-input catalogue of issue #5: every entry must raise a typed
 * ZsnasError whose message names the file, what is wrong and what was
 * expected — never a crash (TypeError/RangeError) and never a half-written
 * cache entry.
 */
const tmp = mkdtempSync(join(tmpdir(), 'zsnas-bad-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function expectError(fn: () => unknown, code: ErrorCode, ...mustMention: (string | RegExp)[]): ZsnasError {
  let err: unknown
  try {
    fn()
  } catch (e) {
    err = e
  }
  expect(err, 'expected a ZsnasError').toBeInstanceOf(ZsnasError)
  const z = err as ZsnasError
  expect(z.code).toBe(code)
  for (const m of mustMention) expect(z.message).toMatch(m)
  // crosses IPC unchanged
  expect(ZsnasError.fromData(JSON.parse(JSON.stringify(z.toData()))).message).toBe(z.message)
  return z
}

const file = (name: string, data: Uint8Array | string) => {
  const p = join(tmp, name)
  writeFileSync(p, data)
  return p
}

const cifarTest = readFileSync(sharedPath('cifar10', 'test_batch_10000_reconstructed.bin'))
const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|'
const RESNET = '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'

describe('bad dataset specs', () => {
  it('unknown kind, missing path, bad sizes are INVALID_OPTION', () => {
    expectError(() => openDataset({ kind: 'mnist', path: 'x' } as never), 'INVALID_OPTION', /unknown dataset kind "mnist"/, /cifar10/)
    expectError(() => openDataset({ kind: 'cifar10' } as never), 'INVALID_OPTION', /needs a "path"/)
    expectError(() => openDataset(null as never), 'INVALID_OPTION')
    expectError(() => openDataset({ kind: 'imagenet16', path: tmp, classes: 0 }), 'INVALID_OPTION', /classes/)
    expectError(() => openDataset({ kind: 'folder', path: tmp, imageSize: -1 }), 'INVALID_OPTION', /imageSize/)
  })
})

describe('bad CIFAR files', () => {
  it('truncated file (5.5 records)', () => {
    const p = file('truncated_batch.bin', cifarTest.subarray(0, 5 * 3073 + 1500))
    expectError(() => openDataset({ kind: 'cifar10', path: p }), 'BAD_FORMAT', 'truncated_batch.bin', /not a whole number of 3073-byte/, /5 records \+ 1500 extra bytes/, /truncated/)
  })
  it('oversized file (10,001 records)', () => {
    const big = new Uint8Array(10_001 * 3073)
    const p = file('oversized.bin', big)
    expectError(() => openDataset({ kind: 'cifar10', path: p }), 'BAD_FORMAT', 'oversized.bin', /10001 records/, /at most 10000/)
  })
  it('wrong record length: a CIFAR-100 file opened as CIFAR-10', () => {
    const p = file('cifar100_as_10.bin', readFileSync(sharedPath('cifar100', 'test_first916_exact.bin')).subarray(0, 3 * 3074))
    expectError(() => openDataset({ kind: 'cifar10', path: p }), 'BAD_FORMAT', 'cifar100_as_10.bin', /3074-byte records: is it a CIFAR-100 file/)
  })
  it('labels out of range (CIFAR-10 label 10, CIFAR-100 fine label 100)', () => {
    const bad10 = Uint8Array.from(cifarTest.subarray(0, 4 * 3073))
    bad10[2 * 3073] = 10
    expectError(() => openDataset({ kind: 'cifar10', path: file('label10.bin', bad10) }), 'BAD_LABEL', 'label10.bin', /record 2 has label 10/, /expected 0\.\.9/)
    const bad100 = new Uint8Array(2 * 3074)
    bad100[3074 + 1] = 100
    expectError(() => openDataset({ kind: 'cifar100', path: file('fine100.bin', bad100) }), 'BAD_LABEL', 'fine100.bin', /record 1 has fine label 100/, /0\.\.99/)
  })
  it('empty file, missing file, folder without batches, Python-pickle version', () => {
    expectError(() => openDataset({ kind: 'cifar10', path: file('empty.bin', new Uint8Array(0)) }), 'EMPTY_DATASET', 'empty.bin')
    expectError(() => openDataset({ kind: 'cifar10', path: join(tmp, 'nope.bin') }), 'FILE_NOT_FOUND', 'nope.bin')
    mkdirSync(join(tmp, 'nocifar'))
    expectError(() => openDataset({ kind: 'cifar10', path: join(tmp, 'nocifar') }), 'EMPTY_DATASET', 'nocifar', /data_batch_1\.bin/)
    expectError(() => openDataset({ kind: 'cifar10', path: file('data_batch_1', Uint8Array.from([0x80, 2, 0x7d, 0x71, 0, 0x2e])) }), 'BAD_FORMAT', 'data_batch_1', /expected a CIFAR-10 python-version batch with 'data' and 'labels'/)
  })
  it('a batch larger than the dataset is refused', () => {
    const src = openDataset({ kind: 'cifar10', path: file('three.bin', cifarTest.subarray(0, 3 * 3073)) })
    expectError(() => src.sampleBatch(64, new Rng(1)), 'INVALID_OPTION', /64 exceeds the 3 images/)
  })
})

describe('bad pickles (ImageNet16)', () => {
  it('a pickle that calls os.system is refused and nothing runs', () => {
    const marker = join(tmp, 'pwned')
    const p = file('train_data_batch_1', evilPickleGlobal(`touch ${marker}`))
    expectError(() => openDataset({ kind: 'imagenet16', path: p }), 'UNSAFE_PICKLE', 'train_data_batch_1', /os\.system/)
    expect(existsSync(marker)).toBe(false)
    expectError(() => openDataset({ kind: 'imagenet16', path: file('val_data_eval', evilPickleStackGlobal()) }), 'UNSAFE_PICKLE', /builtins\.eval/)
  })
  it('a pickle with an unexpected opcode (NEWOBJ) is refused', () => {
    const good = pickleImagenet16({ data: new Uint8Array(768), rows: 1, rowBytes: 768, labels: [1], protocol: 2 })
    const bad = Uint8Array.from(good)
    bad[2] = 0x81 // replace EMPTY_DICT by NEWOBJ
    expectError(() => openDataset({ kind: 'imagenet16', path: file('newobj_pickle', bad) }), 'UNSAFE_PICKLE', 'newobj_pickle', /NEWOBJ/, /byte 2/)
  })
  it('a truncated pickle, a pickle without data/labels, labels out of range, wrong row size', () => {
    const good = pickleImagenet16({ data: new Uint8Array(2 * 768), rows: 2, rowBytes: 768, labels: [1, 2], protocol: 2 })
    expectError(() => openDataset({ kind: 'imagenet16', path: file('trunc_pickle', good.subarray(0, 500)) }), 'BAD_FORMAT', 'trunc_pickle', /truncated/)
    const list = Uint8Array.from([0x80, 2, 0x5d, 0x2e])
    expectError(() => openDataset({ kind: 'imagenet16', path: file('list_pickle', list) }), 'BAD_FORMAT', 'list_pickle', /expected \{'data'/)
    const l0 = pickleImagenet16({ data: new Uint8Array(2 * 768), rows: 2, rowBytes: 768, labels: [1, 0], protocol: 2 })
    expectError(() => openDataset({ kind: 'imagenet16', path: file('label0_pickle', l0) }), 'BAD_LABEL', 'label0_pickle', /image 1 has label 0/, /1-based/)
    const l1001 = pickleImagenet16({ data: new Uint8Array(2 * 768), rows: 2, rowBytes: 768, labels: [1001, 3], protocol: 4 })
    expectError(() => openDataset({ kind: 'imagenet16', path: file('label1001_pickle', l1001) }), 'BAD_LABEL', /label 1001/)
    const rows = pickleImagenet16({ data: new Uint8Array(2 * 700), rows: 2, rowBytes: 700, labels: [1, 3], protocol: 2 })
    expectError(() => openDataset({ kind: 'imagenet16', path: file('rows_pickle', rows) }), 'BAD_SHAPE', 'rows_pickle', /768/)
    const none = pickleImagenet16({ data: new Uint8Array(768), rows: 1, rowBytes: 768, labels: [500], protocol: 2 })
    expectError(() => openDataset({ kind: 'imagenet16', path: file('only500_pickle', none) }), 'EMPTY_DATASET', /label ≤ 120/)
  })
})

describe('bad image folders', () => {
  it('empty folder, and class folders without images', () => {
    mkdirSync(join(tmp, 'empty_root'))
    expectError(() => openDataset({ kind: 'folder', path: join(tmp, 'empty_root'), imageSize: 32 }), 'EMPTY_DATASET', 'empty_root', /no class subfolders/)
    mkdirSync(join(tmp, 'noimg', 'cat'), { recursive: true })
    writeFileSync(join(tmp, 'noimg', 'cat', 'readme.txt'), 'x')
    expectError(() => openDataset({ kind: 'folder', path: join(tmp, 'noimg'), imageSize: 32 }), 'EMPTY_DATASET', /no \.png\/\.jpg images/)
  })
  it('an unreadable image is a BAD_FORMAT naming the file', () => {
    mkdirSync(join(tmp, 'broken', 'a'), { recursive: true })
    writeFileSync(join(tmp, 'broken', 'a', 'x.png'), 'this is not a png')
    expectError(() => openDataset({ kind: 'folder', path: join(tmp, 'broken'), imageSize: 8 }), 'BAD_FORMAT', 'x.png', /not a PNG or JPEG/)
    mkdirSync(join(tmp, 'broken2', 'a'), { recursive: true })
    mkdirSync(join(tmp, 'broken2', 'b'), { recursive: true })
    const png = new PNG({ width: 8, height: 8 })
    writeFileSync(join(tmp, 'broken2', 'a', 'ok.png'), PNG.sync.write(png))
    const truncated = PNG.sync.write(png).subarray(0, 40)
    writeFileSync(join(tmp, 'broken2', 'b', 'cut.png'), truncated)
    // small folders are decoded at open, so the bad image is found there
    expectError(() => openDataset({ kind: 'folder', path: join(tmp, 'broken2'), imageSize: 8 }), 'BAD_FORMAT', 'cut.png', /cannot decode PNG/)
    // large folders decode lazily: the bad image surfaces when sampled
    const lazy = new ImageFolderSource(join(tmp, 'broken2'), 8, { preloadMax: 0 })
    expectError(() => lazy.sampleBatch(2, new Rng(1)), 'BAD_FORMAT', 'cut.png', /cannot decode PNG/)
  })
})

describe('bad benchmark tables', () => {
  it('CSV missing a column names the file, the column and the columns found', () => {
    const p = file('nb201_wrong.csv', `arch,acc\n${BEST},90\n`)
    const e = expectError(() => loadNb201Table(p), 'MISSING_COLUMN', 'nb201_wrong.csv', /"ArchitectureString"/, /columns found: arch, acc/)
    expect(e.details).toMatchObject({ missing: 'ArchitectureString', found: ['arch', 'acc'] })
    expectError(() => loadNb101Table(file('nb101_wrong.csv', 'hash,acc\n')), 'MISSING_COLUMN', /"val_accuracy"/)
  })
  it('duplicate architecture rows name both lines', () => {
    const p = file('dup.csv', `ArchitectureString,CIFAR10TestAccuracy200Epochs\n${BEST},90\n${RESNET},80\n${BEST},91\n`)
    expectError(() => loadNb201Table(p, { columns: { key: 'ArchitectureString', cifar10: 'CIFAR10TestAccuracy200Epochs' } }), 'DUPLICATE_ROW', 'dup.csv', /line 4/, /line 2/)
  })
  it('NaN / empty / out-of-range / non-numeric accuracies', () => {
    const cols = { columns: { key: 'a', cifar10: 'c' } }
    expectError(() => loadNb201Table(file('nan.csv', `a,c\n${BEST},nan\n`), cols), 'BAD_VALUE', 'nan.csv', /line 2/, /missing or NaN/)
    expectError(() => loadNb201Table(file('blank.csv', `a,c\n${BEST},\n`), cols), 'BAD_VALUE', /missing or NaN/)
    expectError(() => loadNb201Table(file('range.csv', `a,c\n${BEST},0.9\n${RESNET},930\n`), cols), 'BAD_VALUE', /930/, /\[0, 100\]/)
    expectError(() => loadNb201Table(file('text.csv', `a,c\n${BEST},high\n`), cols), 'BAD_VALUE', /"high"/, /expected a number/)
    expectError(() => loadNb201Table(file('arch.csv', `a,c\n|conv~0|,90\n`), cols), 'BAD_VALUE', /not an NB201 arch string/)
  })
  it('broken CSV quoting and broken JSON are BAD_FORMAT', () => {
    expectError(() => loadNb201Table(file('quote.csv', `a,c\n"${BEST},90\n`), { columns: { key: 'a', cifar10: 'c' } }), 'BAD_FORMAT', 'quote.csv')
    expectError(() => loadNb201Table(file('bad.json', `[{"a": 1},`), { columns: { key: 'a', cifar10: 'c' } }), 'BAD_FORMAT', 'bad.json')
  })
  it('TFRecord with a bad data CRC, a bad length CRC, or truncated', () => {
    const rec = nb101Tfrecord([{ hash: 'a'.repeat(32), epochs: 108, adjacency: '0100', ops: ['input', 'output'], final: { valid: 0.9, test: 0.9 } }, { hash: 'b'.repeat(32), epochs: 108, adjacency: '0100', ops: ['input', 'output'], final: { valid: 0.9, test: 0.9 } }])
    const firstLen = rec.length / 2
    const badData = Uint8Array.from(rec)
    badData[firstLen + 20] ^= 1 // a data byte of record 1
    expectError(() => loadNb101Tfrecord(file('baddata.tfrecord', badData)), 'BAD_CHECKSUM', 'baddata.tfrecord', /record 1 at byte \d+/, /data CRC32C/)
    const badLen = Uint8Array.from(rec)
    badLen[0] ^= 1
    expectError(() => loadNb101Tfrecord(file('badlen.tfrecord', badLen)), 'BAD_CHECKSUM', /record 0 at byte 0/, /length field/)
    expectError(() => loadNb101Tfrecord(file('cut.tfrecord', rec.subarray(0, rec.length - 3))), 'BAD_FORMAT', /record 1/, /truncated/)
  })
  it('a failed import leaves nothing in the cache folder', () => {
    const cacheDir = join(tmp, 'cache-fail')
    const p = file('dup2.csv', `a,c\n${BEST},90\n${BEST},91\n`)
    expectError(() => loadNb201Table(p, { columns: { key: 'a', cifar10: 'c' }, cacheDir }), 'DUPLICATE_ROW')
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([])
  })
})
