// @vitest-environment happy-dom
/**
 * The wizard against the REAL catalog (the backend adapter's lists built from
 * the engine registries, no hand-written fixture): every option a proxy,
 * space or strategy declares reaches the menus with its declared default, and
 * the wizard's messages are the engine's `validateOptions` messages.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { fakeApi, type FakeApi } from './helpers/fake-api'
import { SYSTEM } from './helpers/fixtures'
import { flush, mountGlobal, storeEnv } from './helpers/setup'
import { useWizardStore } from '../../src/renderer/stores/wizard'
import { useCatalogStore } from '../../src/renderer/stores/catalog'
import NewSearchWizard from '../../src/renderer/components/wizard/NewSearchWizard.vue'
import { createEngineAdapter } from '../../src/backend/engine-adapter'
import { validateOptions } from '../../src/engine/core/options'
import { getProxy } from '../../src/engine/proxies'
import { getSpaceDef } from '../../src/engine/spaces/registry'

const engine = createEngineAdapter()
const realCatalog = {
  'catalog.spaces': () => engine.spaces(),
  'catalog.proxies': () => engine.proxies(),
  'catalog.strategies': () => engine.strategies(),
  'catalog.datasets': () => [],
  'system.info': () => SYSTEM,
}

let fake: FakeApi
afterEach(() => {
  expect(fake.unexpected).toEqual([])
})

async function readyStore() {
  fake = fakeApi(realCatalog)
  storeEnv(fake)
  await useCatalogStore().load()
  const w = useWizardStore()
  w.applyDefaults()
  return w
}

describe('wizard with the registry catalog', () => {
  it("ZiCo's batches reaches the wizard: default 2, 1 refused with the engine's message, 3 goes into the config", async () => {
    const w = await readyStore()
    w.proxy = 'zico'
    await flush()
    expect(w.optionProxies.map((p) => p.id)).toEqual(['zico'])
    expect(w.proxyOptions.zico).toEqual({ batches: 2 })
    w.proxyOptions.zico.batches = 1
    w.step = 2
    expect(w.next()).toBe(false)
    const engineMsg = validateOptions(getProxy('zico').options ?? [], { batches: 1 }).errors.batches
    expect(w.errors['proxy.zico.batches']).toBe(engineMsg)
    expect(engineMsg).toBe('ZiCo batches (batches) must be an integer ≥ 2, got 1')
    w.proxyOptions.zico.batches = 3
    expect(w.next()).toBe(true)
    expect(w.config?.proxyOptions).toEqual({ zico: { batches: 3 } })
  })

  it("WRCor's weighting is a menu of the Table 3 schemes; the default config sends the declared default", async () => {
    const w = await readyStore()
    expect(w.proxy).toBe('wrcor')
    await flush()
    const entry = w.optionProxies.find((p) => p.id === 'wrcor')!
    expect(entry.options.map((o) => [o.key, o.type, o.default])).toEqual([['weighting', 'enum', 'exp']])
    expect(entry.options[0].choices!.map((c) => c.value)).toEqual(['exp', 'none', 'linear', 'quadratic', 'expTopDown'])
    expect(w.config?.proxyOptions).toEqual({ wrcor: { weighting: 'exp' } })
  })

  it('MBv2 defaults in the wizard are the space declaration (600e6 FLOPs, 192–320), batch bounds from the request spec', async () => {
    const w = await readyStore()
    w.space = 'mbv2'
    await flush()
    expect(w.spaceOptions).toEqual(Object.fromEntries(getSpaceDef('mbv2').options.map((o) => [o.key, o.default])))
    expect(w.spaceOptions).toEqual({ flopsLimit: 600e6, minResolution: 192, maxResolution: 320 })
    w.step = 3
    w.batchSize = 1
    expect(w.next()).toBe(false)
    expect(w.errors.batchSize).toBe('Batch size must be an integer in 2..4096, got 1')
  })

  it('component: picking ZiCo shows a batches field; typing 1 shows the message and blocks Next', async () => {
    fake = fakeApi(realCatalog)
    const wrapper = mount(NewSearchWizard, { global: mountGlobal(fake), attachTo: document.body })
    await flush()
    await flush()
    await wrapper.find('[data-testid="wizard-next"]').trigger('click') // dataset (noise) → space
    await wrapper.find('[data-testid="wizard-next"]').trigger('click') // space nb201 → strategy & proxy
    await wrapper.find('[data-testid="proxy-zico"]').setValue(true)
    await flush()
    const field = wrapper.find('[data-testid="proxy-options-zico"] input[type="number"]')
    expect(field.exists()).toBe(true)
    expect((field.element as HTMLInputElement).value).toBe('2')
    expect(wrapper.find('[data-testid="proxy-options-zico"]').text()).toContain('(≥ 2)')
    await field.setValue('1')
    await wrapper.find('[data-testid="wizard-next"]').trigger('click')
    expect(wrapper.text()).toContain('ZiCo batches (batches) must be an integer ≥ 2, got 1')
    await field.setValue('4')
    await wrapper.find('[data-testid="wizard-next"]').trigger('click')
    expect(wrapper.text()).not.toContain('ZiCo batches (batches) must be')
    expect(wrapper.find('[data-testid="budget-batchSize"]').exists()).toBe(true)
    wrapper.unmount()
  })
})
