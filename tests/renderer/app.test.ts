// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { fakeApi, type FakeApi } from './helpers/fake-api'
import { catalogHandlers } from './helpers/fixtures'
import { flush, mountGlobal } from './helpers/setup'
import App from '../../src/renderer/App.vue'
import { useUiStore } from '../../src/renderer/stores/ui'

let fake: FakeApi
afterEach(() => expect(fake.unexpected).toEqual([]))

describe('App shell', () => {
  it('starts on the wizard, switches theme on the root element, shows unexpected errors as a banner', async () => {
    fake = fakeApi({ ...catalogHandlers, 'runs.list': () => [] })
    const w = mount(App, { global: mountGlobal(fake) })
    await flush()
    expect(w.find('[data-testid="wizard-body"]').exists()).toBe(true)
    expect(w.find('[data-testid="nav-run"]').attributes('disabled')).toBeDefined() // no run yet
    const before = document.documentElement.dataset.theme
    await w.find('[data-testid="theme-toggle"]').trigger('click')
    expect(document.documentElement.dataset.theme).toBe(before === 'dark' ? 'light' : 'dark')
    await w.find('[data-testid="nav-history"]').trigger('click')
    await flush()
    expect(w.text()).toContain('No runs yet')
    useUiStore().reportError(new Error('boom in a chart'))
    await flush()
    expect(w.find('[data-testid="fatal"]').text()).toContain('Something went wrong: boom in a chart')
  })
})
