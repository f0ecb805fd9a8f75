/** Pinia + injected fake API for store tests and for mounting components. */
import { createApp } from 'vue'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { API_KEY } from '../../../src/renderer/api'
import type { FakeApi } from './fake-api'

/** Activates a fresh Pinia installed on an app that provides the fake API (stores inject it). */
export function storeEnv(fake: FakeApi): Pinia {
  const app = createApp({})
  const pinia = createPinia()
  app.use(pinia)
  app.provide(API_KEY, fake.api)
  setActivePinia(pinia)
  return pinia
}

/** `global` mounting options for @vue/test-utils with the fake API and a fresh Pinia. */
export function mountGlobal(fake: FakeApi) {
  const pinia = createPinia()
  setActivePinia(pinia)
  return {
    plugins: [pinia],
    provide: { [API_KEY as symbol]: fake.api },
    stubs: { Echarts: { name: 'Echarts', template: '<div class="vchart-stub" />', props: ['option', 'theme', 'autoresize'] } },
  }
}

export const flush = () => new Promise((r) => setTimeout(r, 0))
