import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { crc32c } from '@aws-crypto/crc32c'
import { loadNb101, loadNb101Table, loadNb101Tfrecord } from '../../../src/engine/benchmarks/nb101'
import { encodeTfRecord, maskedCrc32c, readTfRecords } from '../../../src/engine/benchmarks/tfrecord'
import { sharedPath } from '../../helpers/shared-data'
import { nb101Tfrecord, type Nb101Row } from '../../fixtures/nb101-tfrecord'

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-nb101-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

// anchor cell 1 of shared/data/nb101/README.md (official hash; mean val 92.6416 %, mean test 92.0606 %)
const A = '00005c142e6f48ac74fdcf73e3439874'
const A_ADJ = '0100110001000000010010000010000001000000010000000'
const A_OPS = ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output']
const B = 'ffffffffffffffffffffffffffffffff'
const rowsA: Nb101Row[] = [
  { hash: A, epochs: 108, adjacency: A_ADJ, ops: A_OPS, final: { valid: 0.93, test: 0.92 } },
  { hash: A, epochs: 108, adjacency: A_ADJ, ops: A_OPS, final: { valid: 0.92, test: 0.921 } },
  { hash: A, epochs: 108, adjacency: A_ADJ, ops: A_OPS, final: { valid: 3 * 0.9264155824979147 - 0.93 - 0.92, test: 3 * 0.920606315 - 0.92 - 0.921 } },
  { hash: A, epochs: 36, adjacency: A_ADJ, ops: A_OPS, final: { valid: 0.5, test: 0.5 } },
]
const rowB: Nb101Row = { hash: B, epochs: 108, adjacency: '0000', ops: ['input', 'output'], final: { valid: 0.8, test: 0.75 } }

describe('TFRecord framing', () => {
  it('CRC32C matches the standard check value and the TF mask formula', () => {
    expect(crc32c(new TextEncoder().encode('123456789')) >>> 0).toBe(0xe3069283)
    const c = 0xe3069283
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe((((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0)
  })
  it('round-trips records through encodeTfRecord/readTfRecords, across small read chunks', () => {
    const recs = ['a', '', 'x'.repeat(1000)].map((s) => new TextEncoder().encode(s))
    const file = join(tmp, 'rt.tfrecord')
    writeFileSync(file, Buffer.concat(recs.map((r) => encodeTfRecord(r))))
    const got: string[] = []
    expect(readTfRecords(file, (d) => got.push(new TextDecoder().decode(d)), 64)).toBe(3)
    expect(got).toEqual(['a', '', 'x'.repeat(1000)])
  })
})

describe('NB101 official tfrecord (generated fixture)', () => {
  const file = join(tmp, 'nasbench_only108.tfrecord')
  writeFileSync(file, nb101Tfrecord([rowsA[0], rowB, rowsA[1], rowsA[3], rowsA[2]]))
  it('keys by module hash, averages the 108-epoch repeats of the final evaluation, in percent', () => {
    const gt = loadNb101Tfrecord(file)
    expect(gt.space).toBe('nb101')
    expect(gt.keys()).toEqual([A, B])
    expect(gt.metrics).toEqual(['cifar10', 'cifar10-valid'])
    expect(gt.get(A, 'cifar10')).toBeCloseTo(92.0606315, 8)
    expect(gt.get(A, 'cifar10-valid')).toBeCloseTo(92.64155824979147, 8)
    expect(gt.get(B, 'cifar10')).toBeCloseTo(75, 10)
  })
  it('reports import progress ending at the file size', () => {
    const seen: number[] = []
    loadNb101Tfrecord(file, { onProgress: (done, total) => (seen.push(done), expect(total).toBe(readFileSync(file).length)) })
    expect(seen.at(-1)).toBe(readFileSync(file).length)
  })
  it('selects another epoch budget and refuses a missing one', () => {
    const gt = loadNb101Tfrecord(file, { epochs: 36 })
    expect(gt.keys()).toEqual([A])
    expect(gt.get(A, 'cifar10')).toBeCloseTo(50, 10)
    expect(() => loadNb101Tfrecord(file, { epochs: 4 })).toThrow(expect.objectContaining({ code: 'EMPTY_DATASET', message: expect.stringMatching(/epochs found: 108, 36/) }))
  })
  it('loadNb101 dispatches on the .tfrecord extension and caches the index', () => {
    const cacheDir = join(tmp, 'cache')
    const a = loadNb101(file, { cacheDir })
    const b = loadNb101(file, { cacheDir })
    expect(b.keys()).toEqual(a.keys())
    expect(b.get(A, 'cifar10')).toBe(a.get(A, 'cifar10'))
    // a renamed TFRecord is recognised by its first frame header; a CSV is not mistaken for one
    const renamed = join(tmp, 'nb101.data')
    writeFileSync(renamed, readFileSync(file))
    expect(loadNb101(renamed).keys()).toEqual([A, B])
    expect(loadNb101(sharedPath('nb101', 'nb101_naslib_zc_500.csv')).size).toBe(292)
  })
})

describe('NB101 CSV (shared real NASLib sample)', () => {
  const file = sharedPath('nb101', 'nb101_naslib_zc_500.csv')
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','))
  it('500 rows → 292 distinct hashes; repeated hashes are averaged', () => {
    const gt = loadNb101Table(file)
    expect(lines).toHaveLength(500)
    expect(gt.size).toBe(292)
    expect(gt.metrics).toEqual(['cifar10-valid'])
    const groups = new Map<string, number[]>()
    for (const l of lines) groups.set(l[0], [...(groups.get(l[0]) ?? []), Number(l[3])])
    expect([...groups.values()].filter((g) => g.length > 1)).toHaveLength(48)
    for (const [h, accs] of groups) expect(gt.get(h, 'cifar10-valid')).toBeCloseTo(accs.reduce((s, x) => s + x, 0) / accs.length, 9)
    expect(gt.keys()[0]).toBe(lines[0][0])
    const all = lines.map((l) => Number(l[3]))
    expect(Math.min(...all)).toBeCloseTo(73.38, 2)
    expect(Math.max(...all)).toBeCloseTo(94.71, 2)
  })
  it('without the hash column, keys are computed from adjacency + ops and agree with the published hashes', () => {
    const gt = loadNb101Table(file, { columns: { 'cifar10-valid': 'val_accuracy' } })
    expect(gt.keys()).toEqual(loadNb101Table(file).keys())
  })
  it('JSON rows with matrix + ops arrays, and JSON objects keyed by hash', () => {
    const m = [[0, 1, 0, 0, 1, 1, 0], [0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]]
    const rows = join(tmp, 'rows.json')
    writeFileSync(rows, JSON.stringify([{ matrix: m, ops: A_OPS, test: 92.06 }]))
    const gt = loadNb101Table(rows, { columns: { cifar10: 'test' }, matrixColumn: 'matrix', opsColumn: 'ops' })
    expect(gt.keys()).toEqual([A]) // the published hash of the README anchor cell
    const byHash = join(tmp, 'byhash.json')
    writeFileSync(byHash, JSON.stringify({ [A]: { test: 92.06, valid: 92.64 } }))
    const g2 = loadNb101Table(byHash, { columns: { key: '$key', cifar10: 'test', 'cifar10-valid': 'valid' } })
    expect(g2.get(A, 'cifar10-valid')).toBe(92.64)
  })
  it('refuses duplicates when asked', () => {
    expect(() => loadNb101Table(file, { duplicates: 'error' })).toThrow(expect.objectContaining({ code: 'DUPLICATE_ROW' }))
  })
})
