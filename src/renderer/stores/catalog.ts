/** Menus from the engine's registries (catalog.* methods) plus system info; loaded once. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessage, useApi } from '../api'
import type { CatalogEntry, SystemInfo } from '../../shared/schemas'

export const useCatalogStore = defineStore('catalog', () => {
  const api = useApi()
  const spaces = ref<CatalogEntry[]>([])
  const proxies = ref<CatalogEntry[]>([])
  const strategies = ref<CatalogEntry[]>([])
  const datasets = ref<CatalogEntry[]>([])
  const system = ref<SystemInfo | null>(null)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  let pending: Promise<void> | null = null

  function load(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    pending ??= (async () => {
      try {
        const [sp, px, st, ds, sys] = await Promise.all([
          api.catalog.spaces(),
          api.catalog.proxies(),
          api.catalog.strategies(),
          api.catalog.datasets(),
          api.system.info(),
        ])
        spaces.value = sp
        proxies.value = px
        strategies.value = st
        datasets.value = ds
        system.value = sys
        loaded.value = true
        error.value = null
      } catch (e) {
        error.value = `Could not load the menus: ${errorMessage(e)}`
      } finally {
        pending = null
      }
    })()
    return pending
  }

  const proxyLabel = (id: string) => proxies.value.find((p) => p.id === id)?.label ?? id
  const spaceLabel = (id: string) => spaces.value.find((p) => p.id === id)?.label ?? id
  const strategyLabel = (id: string) => strategies.value.find((p) => p.id === id)?.label ?? id

  return { spaces, proxies, strategies, datasets, system, loaded, error, load, proxyLabel, spaceLabel, strategyLabel }
})
