/**
 * Pure parts of the #21 wizard and export work: warnings (one per setup that
 * runs but cannot do what is expected), the persisted draft / run-config
 * round trip, class names against the shared datasets' label files, and the
 * one evaluation export schema.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { wizardWarnings, type WizardFacts } from '../../src/renderer/components/wizard/warnings'
import { DRAFT_KEY, draftFromConfig, loadDraft, saveDraft } from '../../src/renderer/components/wizard/persist'
import { CIFAR100_FINE_CLASSES, CIFAR10_CLASSES, className } from '../../src/renderer/components/wizard/class-names'
import { evaluationColumns, evaluationRecord, evaluationsCsv, truthColumn } from '../../src/shared/export-schema'
import { RunConfigSchema } from '../../src/shared/schemas'
import { sharedPath } from '../helpers/shared-data'
import { row } from './helpers/fixtures'

const ok: WizardFacts = { strategy: 're', strategyOptions: { populationSize: 10 }, n: 100, workers: 2, cores: 2, batchSize: 64, datasetCount: 10000, tableSize: 15625, spaceSize: 15625, spaceLabel: 'NAS-Bench-201' }

describe('wizard warnings', () => {
  it('none for a sound setup; each problem gives exactly its warning', () => {
    expect(wizardWarnings(ok)).toEqual([])
    const ids = (f: Partial<WizardFacts>) => wizardWarnings({ ...ok, ...f }).map((w) => w.id)
    expect(ids({ n: 10 })).toEqual(['re-population']) // P = N: evolution never starts
    expect(ids({ n: 11 })).toEqual([])
    expect(ids({ strategy: 'random', n: 5 })).toEqual([]) // population only matters for RE
    expect(ids({ workers: 3 })).toEqual(['workers-cores'])
    expect(ids({ cores: null, workers: 64 })).toEqual([])
    expect(ids({ batchSize: 10001 })).toEqual(['batch-dataset'])
    expect(ids({ datasetCount: null, batchSize: 4096 })).toEqual([]) // noise: unlimited
    expect(ids({ tableSize: 1000 })).toEqual(['partial-table'])
    expect(wizardWarnings({ ...ok, tableSize: 10 })[0].text).toContain('10 of the 15,625 NAS-Bench-201 architectures (0.06 %)')
  })
})

describe('wizard draft', () => {
  it('a stored run config becomes a draft that keeps every field; storage round trip; junk is ignored', () => {
    const c = RunConfigSchema.parse({
      name: 'retry me', space: 'mbv2', spaceOptions: { flopsLimit: 3e8 }, strategy: 're', strategyOptions: { populationSize: 8 },
      proxy: { mode: 'voting', ids: ['synflow', 'naswot', 'wrcor'] }, n: 50, seed: 7, dataset: { kind: 'cifar10', path: '/d/c10' }, batchSize: 32, workers: 3,
      groundTruth: { path: '/t.csv', metric: 'cifar10' },
    })
    const d = draftFromConfig(c)
    expect(d).toMatchObject({ datasetMode: 'file', datasetPath: '/d/c10', datasetKind: 'cifar10', space: 'mbv2', spaceOptions: { flopsLimit: 3e8 }, strategy: 're',
      strategyOptions: { populationSize: 8 }, proxyMode: 'voting', votingIds: ['synflow', 'naswot', 'wrcor'], n: 50, seed: 7, batchSize: 32, workers: 3, name: 'retry me', tablePath: '/t.csv', tableMetric: 'cifar10' })
    const mem = new Map<string, string>()
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) }
    saveDraft(d, storage)
    expect(loadDraft(storage)).toEqual(d)
    mem.set(DRAFT_KEY, '{not json')
    expect(loadDraft(storage)).toBeNull()
    mem.set(DRAFT_KEY, JSON.stringify({ datasetMode: 'tape', space: 'x', strategy: 'y', noise: {} }))
    expect(loadDraft(storage)).toBeNull()
  })
})

describe('class names', () => {
  it('match the shared CIFAR-10 batches.meta.txt and CIFAR-100 fine_label_names.txt, in label order', () => {
    const c10 = sharedPath('cifar10', 'batches.meta.txt')
    const c100 = sharedPath('cifar100', 'fine_label_names.txt')
    if (fs.existsSync(c10)) expect([...CIFAR10_CLASSES]).toEqual(fs.readFileSync(c10, 'utf8').split(/\s+/).filter(Boolean))
    if (fs.existsSync(c100)) expect(CIFAR100_FINE_CLASSES).toEqual(fs.readFileSync(c100, 'utf8').split(/\s+/).filter(Boolean))
    expect(className('cifar10', 9)).toBe('truck')
    expect(className('cifar100', 1)).toBe('aquarium fish')
    expect(className('folder', 3)).toBe('class 3')
    expect(className('cifar10', 12)).toBe('class 12')
  })
})

describe('export schema zsnas-evaluations/1', () => {
  it('keeps the metric name, fills phase, spells non-finite scores, quotes fields', () => {
    expect(truthColumn('cifar10')).toBe('test_accuracy_cifar10')
    expect(truthColumn('imagenet16-120')).toBe('test_accuracy_imagenet16-120')
    expect(truthColumn('cifar10-valid')).toBe('val_accuracy_cifar10')
    expect(truthColumn(null)).toBeNull()
    expect(evaluationColumns(['flops', 'wrcor'], null)).toEqual(['index', 'arch', 'hash', 'status', 'phase', 'score_flops', 'score_wrcor', 'flops', 'params', 'seconds', 'attempts', 'error'])
    const r = row(0, -Infinity, { groundTruth: 90, error: null })
    expect(evaluationRecord(r, ['wrcor'], 'cifar10-valid')).toMatchObject({ phase: 'search', score_wrcor: '-Infinity', val_accuracy_cifar10: 90 })
    const csv = evaluationsCsv([row(1, NaN, { status: 'failed', scores: {}, error: { code: 'X', message: 'bad, "quoted"' } as never })], ['wrcor'], null).split('\n')
    expect(csv[1].split(',').slice(3, 6)).toEqual(['failed', 'search', '']) // a failed row: no score (empty), not NaN
    expect(csv[1].endsWith('"bad, ""quoted"""')).toBe(true)
  })
})
