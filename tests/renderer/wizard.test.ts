// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { fakeApi, serviceError, type FakeApi } from './helpers/fake-api'
import { catalogHandlers, summary } from './helpers/fixtures'
import { flush, mountGlobal, storeEnv } from './helpers/setup'
import { useWizardStore } from '../../src/renderer/stores/wizard'
import { useCatalogStore } from '../../src/renderer/stores/catalog'
import NewSearchWizard from '../../src/renderer/components/wizard/NewSearchWizard.vue'

let fake: FakeApi
afterEach(() => {
  expect(fake.unexpected).toEqual([])
})

async function readyStore(extra: Parameters<typeof fakeApi>[0] = {}) {
  fake = fakeApi({ ...catalogHandlers, ...extra })
  storeEnv(fake)
  await useCatalogStore().load()
  const w = useWizardStore()
  w.applyDefaults()
  return w
}

const PREVIEW = {
  kind: 'cifar10',
  label: 'CIFAR-10',
  count: 10000,
  numClasses: 10,
  imageSize: 32,
  samples: [{ label: 3, width: 2, height: 1, rgbBase64: btoa('\x01\x02\x03\x04\x05\x06') }],
}

describe('wizard store', () => {
  it('defaults are the paper\'s and give a valid NB201/random/WRCor config on noise', async () => {
    const w = await readyStore()
    expect(w.space).toBe('nb201')
    expect(w.strategy).toBe('random')
    expect(w.proxy).toBe('wrcor')
    for (let i = 0; i < 4; i++) expect(w.next()).toBe(true)
    expect(w.step).toBe(4)
    expect(w.config).toEqual({
      space: 'nb201', spaceOptions: {}, strategy: 'random', strategyOptions: {},
      proxy: { mode: 'single', id: 'wrcor' }, proxyOptions: {}, n: 1000, seed: 0,
      dataset: { kind: 'noise', imageSize: 32, numClasses: 10 }, batchSize: 64, init: 'pytorch', workers: 1,
    })
  })

  it('an unreadable dataset shows the service message and blocks step 1', async () => {
    const w = await readyStore({
      'files.pickDataset': () => {
        throw serviceError('FILE_UNREADABLE', '/data/broken.bin: truncated record 3 of CIFAR-10 binary (expected 3073 bytes)')
      },
    })
    w.datasetMode = 'file'
    w.datasetPath = '/data/broken.bin'
    expect(await w.checkDataset()).toBe(false)
    expect(w.datasetError).toMatch(/Cannot read the dataset: .*truncated record 3.*FILE_UNREADABLE/)
    expect(w.next()).toBe(false)
    expect(w.step).toBe(0)
    expect(fake.calls.find((c) => c.method === 'files.pickDataset')!.args).toEqual([{ path: '/data/broken.bin' }])
  })

  it('an unrecognised format (spec null) is refused with the detector\'s description', async () => {
    const w = await readyStore({ 'files.pickDataset': () => ({ path: '/x/notes.txt', spec: null, description: 'a text file' }) })
    w.datasetMode = 'file'
    w.datasetPath = '/x/notes.txt'
    expect(await w.checkDataset()).toBe(false)
    expect(w.datasetError).toContain('Unrecognised dataset at /x/notes.txt: a text file')
    expect(w.next()).toBe(false)
  })

  it('a readable dataset is previewed and its detected spec goes into the config', async () => {
    const spec = { kind: 'cifar10', path: '/data/c10' }
    const w = await readyStore({
      'files.pickDataset': () => ({ path: '/data/c10', spec, description: 'CIFAR-10 binary, 5 files' }),
      'datasets.preview': (s: unknown) => {
        expect(s).toEqual(spec)
        return PREVIEW
      },
    })
    w.datasetMode = 'file'
    w.datasetPath = '/data/c10'
    expect(await w.checkDataset()).toBe(true)
    expect(w.preview?.count).toBe(10000)
    expect(w.next()).toBe(true)
    expect(w.config?.dataset).toEqual(spec)
  })

  it('Electron: "Browse…" opens the native dialog; the picked path and its preview are kept', async () => {
    const spec = { kind: 'cifar100', path: '/picked/c100' }
    const w = await readyStore({
      'files.pickDataset': (...args: unknown[]) => {
        expect(args).toEqual([]) // no path: the backend opens its dialog
        return { path: '/picked/c100', spec, description: 'CIFAR-100 binary' }
      },
      'datasets.preview': () => ({ ...PREVIEW, kind: 'cifar100', label: 'CIFAR-100', numClasses: 100 }),
    })
    w.datasetMode = 'file'
    await flush()
    expect(await w.checkDataset(true)).toBe(true)
    await flush()
    expect(w.datasetPath).toBe('/picked/c100')
    expect(w.preview?.numClasses).toBe(100)
    expect(w.next()).toBe(true)
    expect(w.config?.dataset).toEqual(spec)
  })

  it('an explicitly chosen format (image folder + size) is checked by reading a preview, not by detection', async () => {
    const w = await readyStore({
      'catalog.datasets': () => [
        { id: 'noise', label: 'Gaussian noise', description: 'noise', options: [] },
        { id: 'folder', label: 'Image folder', description: 'root/<class>/*.png', options: [{ key: 'imageSize', label: 'Image size', description: '', type: 'int', default: 32 }] },
      ],
      'datasets.preview': (spec: { kind: string; imageSize?: number }) => {
        if (spec.imageSize !== 64) throw serviceError('BAD_SHAPE', 'image 3 is 64×64, expected 48×48')
        return { ...PREVIEW, kind: 'folder', label: 'Image folder' }
      },
    })
    w.datasetMode = 'file'
    w.datasetPath = '/imgs'
    w.datasetKind = 'folder'
    expect(w.kindNeedsSize).toBe(true)
    w.datasetImageSize = 48
    expect(await w.checkDataset()).toBe(false)
    expect(w.datasetError).toMatch(/Cannot read the dataset: image 3 is 64×64, expected 48×48 \(BAD_SHAPE\)/)
    w.datasetImageSize = 64
    expect(await w.checkDataset()).toBe(true)
    expect(w.config?.dataset).toEqual({ kind: 'folder', path: '/imgs', imageSize: 64 })
    expect(fake.calls.some((c) => c.method === 'files.pickDataset')).toBe(false)
  })

  it('a benchmark table with wrong columns blocks step 4; a good one adds ground truth', async () => {
    let good = false
    const w = await readyStore({
      'tables.validate': (req: { path: string; space: string }) => {
        expect(req.space).toBe('nb201')
        if (!good) throw serviceError('MISSING_COLUMN', `${req.path}: missing column ArchitectureString`)
        return { path: req.path, space: 'nb201', metrics: ['cifar10', 'cifar100'], size: 15625, sha256: 'ab'.repeat(32), sample: [] }
      },
    })
    w.step = 3
    w.tablePath = '/t/wrong.csv'
    expect(await w.checkTable()).toBe(false)
    expect(w.tableError).toMatch(/cannot be used: .*missing column ArchitectureString/)
    expect(w.next()).toBe(false)
    expect(w.errors.table).toBeDefined()
    good = true
    w.tablePath = '/t/nb201.csv'
    expect(await w.checkTable()).toBe(true)
    expect(w.next()).toBe(true)
    expect(w.config?.groundTruth).toEqual({ path: '/t/nb201.csv', metric: 'cifar10' })
  })

  it('validates numbers inline and voting sizes', async () => {
    const w = await readyStore()
    w.step = 3
    w.n = 0
    w.batchSize = 2.5
    expect(w.next()).toBe(false)
    expect(w.errors.n).toBe('Budget must be between 1 and 1000000')
    expect(w.errors.batchSize).toBe('Batch size must be an integer in 2..4096, got 2.5')
    w.step = 2
    w.proxyMode = 'voting'
    w.votingIds = ['wrcor', 'synflow']
    expect(w.next()).toBe(false)
    expect(w.errors.proxy).toMatch(/odd number/)
    w.votingIds = ['wrcor', 'synflow', 'naswot']
    expect(w.next()).toBe(true)
    expect(w.config?.proxy).toEqual({ mode: 'voting', ids: ['wrcor', 'synflow', 'naswot'] })
  })

  it('catalog option defaults and bounds (MBv2 FLOPs limit) are enforced; NB101 switches init', async () => {
    const w = await readyStore()
    w.space = 'mbv2'
    await flush()
    expect(w.spaceOptions).toEqual({ flopsLimit: 600e6, minResolution: 192, maxResolution: 320 })
    // the minimum is the cheapest architecture of the space (13.6 M multiply-adds at R=192), not 1
    w.spaceOptions.flopsLimit = 300
    w.step = 1
    expect(w.next()).toBe(false)
    expect(w.errors['space.flopsLimit']).toBe('FLOPs limit (flopsLimit) must be a finite number ≥ 13648528, got 300')
    // resolution range: multiples of 32, and min must not exceed max
    w.spaceOptions.flopsLimit = 600e6
    w.spaceOptions.minResolution = 200
    expect(w.next()).toBe(false)
    expect(w.errors['space.minResolution']).toBe('Min resolution (minResolution) must be an integer in 192..320, a multiple of 32, got 200')
    w.spaceOptions.minResolution = 288
    w.spaceOptions.maxResolution = 224
    expect(w.next()).toBe(false)
    expect(w.errors['space.minResolution']).toBe('Min resolution (minResolution) must not exceed Max resolution (maxResolution): 288 > 224')
    w.spaceOptions.maxResolution = 320
    expect(w.next()).toBe(true)
    w.space = 'nb101'
    await flush()
    expect(w.init).toBe('nb101')
  })

  it('proxy options (ePADS batch, σ) appear for the chosen proxy or vote members, are validated and go into the config', async () => {
    const w = await readyStore()
    expect(w.optionProxies).toEqual([]) // WRCor has no options
    w.proxy = 'epads'
    await flush()
    expect(w.optionProxies.map((p) => p.id)).toEqual(['epads'])
    w.proxyOptions.epads.sigma = 0.5
    w.proxyOptions.epads.batchSize = 0
    w.step = 2
    expect(w.next()).toBe(false)
    expect(w.errors['proxy.epads.batchSize']).toBe('ePADS batch (batchSize) must be an integer in 1..1024, got 0')
    w.proxyOptions.epads.batchSize = 64
    expect(w.next()).toBe(true)
    expect(w.config?.proxyOptions).toEqual({ epads: { batchSize: 64, sigma: 0.5 } })
    // a named vote expands to its members; the values typed above are kept
    w.proxy = 'sew'
    await flush()
    expect(w.optionProxies.map((p) => p.id)).toEqual(['epads'])
    expect(w.config?.proxyOptions).toEqual({ epads: { batchSize: 64, sigma: 0.5 } })
    // an explicit vote without ePADS sends no proxy options
    w.proxyMode = 'voting'
    w.votingIds = ['wrcor', 'synflow', 'naswot']
    await flush()
    expect(w.config?.proxyOptions).toEqual({})
  })

  it('submit starts the run with the config; a rejected start shows the reason', async () => {
    let fail = true
    const w = await readyStore({
      'runs.start': (cfg: unknown) => {
        if (fail) throw serviceError('INVALID_OPTION', 'batch size 64 exceeds dataset size')
        return summary('r1', { config: { ...summary('r1').config, ...(cfg as object) } })
      },
    })
    expect(await w.submit()).toBeNull()
    expect(w.submitError).toMatch(/could not start: batch size 64 exceeds dataset size/)
    fail = false
    const s = await w.submit()
    expect(s?.id).toBe('r1')
    expect(fake.calls.filter((c) => c.method === 'runs.start')[1].args[0]).toMatchObject({ space: 'nb201', n: 1000 })
  })
})

describe('NewSearchWizard component', () => {
  it('walks the steps by clicking, shows menus with paper ρ, and emits started', async () => {
    fake = fakeApi({ ...catalogHandlers, 'runs.start': () => summary('r9') })
    const wrapper = mount(NewSearchWizard, { global: mountGlobal(fake), attachTo: document.body })
    await flush()
    await flush()
    expect(wrapper.find('[data-testid="ds-noise"]').exists()).toBe(true)
    await wrapper.find('[data-testid="wizard-next"]').trigger('click')
    expect(wrapper.find('[data-testid="space-mbv2"]').exists()).toBe(true)
    await wrapper.find('[data-testid="space-mbv2"]').setValue(true)
    expect(wrapper.find('#space-flopsLimit').exists()).toBe(true)
    // shown and typed in M (#21 defect 5): the unit next to the field, bounds and errors in M
    expect(wrapper.text()).toContain('maximum multiply-adds of a sampled/mutated architecture (reference counter, 1000 classes); the paper uses 600 M (≥ 13.6485 M)')
    expect(wrapper.find('[data-testid="unit-space-flopsLimit"]').text()).toBe('M')
    expect((wrapper.find('#space-flopsLimit').element as HTMLInputElement).value).toBe('600')
    await wrapper.find('#space-flopsLimit').setValue('5')
    await wrapper.find('[data-testid="wizard-next"]').trigger('click')
    expect(wrapper.text()).toContain('FLOPs limit must be a number ≥ 13.6485 M, got 5 M')
    await wrapper.find('#space-flopsLimit').setValue('300')
    expect(useWizardStore().spaceOptions.flopsLimit).toBe(300e6)
    await wrapper.find('[data-testid="space-nb201"]').setValue(true)
    expect(wrapper.text()).toContain('15,625 architectures')
    await wrapper.find('[data-testid="wizard-next"]').trigger('click')
    expect(wrapper.text()).toContain('paper ρ: NB201 C10 0.811')
    expect(wrapper.text()).toContain('weighted response correlation')
    await wrapper.find('[data-testid="proxy-synflow"]').setValue(true)
    await wrapper.find('[data-testid="wizard-next"]').trigger('click')
    await wrapper.find('[data-testid="budget-n"]').setValue('30')
    await wrapper.find('[data-testid="budget-batchSize"]').setValue('8')
    await wrapper.find('[data-testid="wizard-next"]').trigger('click')
    const sum = wrapper.find('[data-testid="summary"]').text()
    expect(sum).toContain('SynFlow')
    expect(sum).toContain('30 architectures, batch 8')
    await wrapper.find('[data-testid="wizard-start"]').trigger('click')
    await flush()
    expect(wrapper.emitted('started')?.[0]?.[0]).toMatchObject({ id: 'r9' })
    expect(fake.calls.find((c) => c.method === 'runs.start')!.args[0]).toMatchObject({ n: 30, batchSize: 8, proxy: { mode: 'single', id: 'synflow' } })
    wrapper.unmount()
  })

  it('bad dataset: the message is shown and Next does not advance', async () => {
    fake = fakeApi({
      ...catalogHandlers,
      'files.pickDataset': () => {
        throw serviceError('FILE_NOT_FOUND', 'no such file /nope')
      },
    })
    const wrapper = mount(NewSearchWizard, { global: mountGlobal(fake) })
    await flush()
    await wrapper.find('[data-testid="ds-file"]').setValue(true)
    await wrapper.find('[data-testid="ds-path"]').setValue('/nope')
    await wrapper.find('[data-testid="ds-check"]').trigger('click')
    await flush()
    expect(wrapper.find('[data-testid="ds-error"]').text()).toContain('no such file /nope')
    await wrapper.find('[data-testid="wizard-next"]').trigger('click')
    expect(wrapper.find('[data-testid="step-blocked"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="ds-path"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="step-0"]').attributes('aria-current')).toBe('step')
    wrapper.unmount()
  })
})
