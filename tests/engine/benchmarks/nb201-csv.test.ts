import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadNb201Table } from '../../../src/engine/benchmarks/nb201-csv'
import { sharedPath } from '../../helpers/shared-data'

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-nb201-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|'
const RESNET = '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'

describe('NB201 CSV (shared real file)', () => {
  const file = sharedPath('nb201', 'nats_bench_tss_test_acc.csv')
  it('loads 15,625 rows keyed by arch string in benchmark-index order, with the published maxima', () => {
    const gt = loadNb201Table(file)
    expect(gt.size).toBe(15_625)
    expect(gt.space).toBe('nb201')
    expect(gt.metrics).toEqual(['cifar10', 'cifar100', 'imagenet16-120'])
    const keys = gt.keys()
    expect(keys[0]).toBe('|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|')
    expect(keys[6111]).toBe(BEST)
    expect(keys[11472]).toBe(RESNET)
    const argmax = (m: string) => keys.reduce((bi, k, i) => (gt.get(k, m)! > gt.get(keys[bi], m)! ? i : bi), 0)
    expect(argmax('cifar10')).toBe(6111)
    expect(gt.get(BEST, 'cifar10')).toBeCloseTo(94.3733, 4)
    expect(argmax('cifar100')).toBe(9930)
    expect(gt.get(keys[9930], 'cifar100')).toBeCloseTo(73.5133, 4)
    expect(argmax('imagenet16-120')).toBe(857)
    expect(gt.get(keys[857], 'imagenet16-120')).toBeCloseTo(47.3111, 4)
    expect(gt.get(RESNET, 'cifar10')).toBeCloseTo(93.91, 2)
    const mean = keys.reduce((s, k) => s + gt.get(k, 'cifar10')!, 0) / keys.length
    expect(mean).toBeCloseTo(87.06, 2)
    expect(gt.get(BEST, 'nope')).toBeUndefined()
    expect(gt.get('|x|', 'cifar10')).toBeUndefined()
  })
  it('caches the parsed index and reuses it on the next open', () => {
    const cacheDir = join(tmp, 'cache')
    const a = loadNb201Table(file, { cacheDir })
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(1)
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.tmp'))).toBe(false)
    const b = loadNb201Table(file, { cacheDir })
    expect(b.keys()).toEqual(a.keys())
    expect(b.get(BEST, 'cifar10')).toBe(a.get(BEST, 'cifar10'))
  })
})

describe('NB201 tables in other layouts', () => {
  it('maps columns by name for a reordered CSV with other headers', () => {
    const p = join(tmp, 'other.csv')
    writeFileSync(p, `acc,arch\n91.5,"${BEST}"\n12.25,${RESNET}\n`)
    const gt = loadNb201Table(p, { columns: { key: 'arch', cifar10: 'acc' } })
    expect(gt.metrics).toEqual(['cifar10'])
    expect(gt.keys()).toEqual([BEST, RESNET])
    expect(gt.get(RESNET, 'cifar10')).toBe(12.25)
  })
  it('reads JSON arrays of rows and JSON objects keyed by arch', () => {
    const a = join(tmp, 'rows.json'), o = join(tmp, 'map.json')
    writeFileSync(a, JSON.stringify([{ arch: BEST, c10: 94 }, { arch: RESNET, c10: 93 }]))
    writeFileSync(o, JSON.stringify({ [BEST]: { c10: 94.5 }, [RESNET]: { c10: 93.5 } }))
    expect(loadNb201Table(a, { columns: { key: 'arch', cifar10: 'c10' } }).get(RESNET, 'cifar10')).toBe(93)
    const gt = loadNb201Table(o, { columns: { key: '$key', cifar10: 'c10' } })
    expect(gt.keys()).toEqual([BEST, RESNET])
    expect(gt.get(BEST, 'cifar10')).toBe(94.5)
  })
  it('duplicates: mean / first when asked', () => {
    const p = join(tmp, 'dup.csv')
    writeFileSync(p, `arch,acc\n${BEST},90\n${RESNET},80\n${BEST},92\n`)
    expect(loadNb201Table(p, { columns: { key: 'arch', cifar10: 'acc' }, duplicates: 'mean' }).get(BEST, 'cifar10')).toBe(91)
    const first = loadNb201Table(p, { columns: { key: 'arch', cifar10: 'acc' }, duplicates: 'first' })
    expect(first.get(BEST, 'cifar10')).toBe(90)
    expect(first.keys()).toEqual([BEST, RESNET])
  })
  it('missing values are skipped when asked', () => {
    const p = join(tmp, 'nan.csv')
    writeFileSync(p, `arch,acc\n${BEST},NaN\n${RESNET},80\n`)
    const gt = loadNb201Table(p, { columns: { key: 'arch', cifar10: 'acc' }, missing: 'skip' })
    expect(gt.get(BEST, 'cifar10')).toBeUndefined()
    expect(gt.get(RESNET, 'cifar10')).toBe(80)
  })
})
