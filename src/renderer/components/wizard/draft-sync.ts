/**
 * The wizard store's draft plumbing: reads the current choices as a `WizardDraft`,
 * saves them to localStorage on every change (once persisting has started, so a
 * half-built state never overwrites the stored one), and applies a draft back
 * (reload, "Edit and retry"). Applying keeps the current value of anything the
 * catalog no longer knows (a removed space/strategy/proxy/dataset kind) and checks
 * file datasets and tables again (check results are never stored).
 */
import { nextTick, watch, type Ref } from 'vue'
import { optionDefaults as declaredDefaults } from '../../../engine/core/options'
import { INIT_OPTION } from '../../../engine/score/request-spec'
import type { InitScheme } from '../../../engine/core/network'
import type { CatalogEntry, TableInfo } from '../../../shared/schemas'
import { saveDraft, type WizardDraft } from './persist'

export interface DraftState {
  catalog: { spaces: CatalogEntry[]; strategies: CatalogEntry[]; proxies: CatalogEntry[]; datasets: CatalogEntry[] }
  step: Ref<number>
  touched: Ref<Set<number>>
  datasetMode: Ref<'noise' | 'file'>
  noise: { imageSize: number; numClasses: number }
  datasetPath: Ref<string>
  datasetKind: Ref<string>
  datasetImageSize: Ref<number>
  space: Ref<string>
  spaceOptions: Ref<Record<string, unknown>>
  strategy: Ref<string>
  strategyOptions: Ref<Record<string, unknown>>
  proxyMode: Ref<'single' | 'voting'>
  proxy: Ref<string>
  votingIds: Ref<string[]>
  proxyOptions: Ref<Record<string, Record<string, unknown>>>
  n: Ref<number>
  batchSize: Ref<number>
  seed: Ref<number>
  init: Ref<InitScheme>
  workers: Ref<number>
  name: Ref<string>
  tablePath: Ref<string>
  tableMetric: Ref<string>
  table: Ref<TableInfo | null>
  spaceEntry: Ref<CatalogEntry | undefined>
  strategyEntry: Ref<CatalogEntry | undefined>
  checkDataset: () => Promise<boolean>
  checkTable: () => Promise<boolean>
}

export function draftSync(w: DraftState) {
  const defaults = (e: CatalogEntry | undefined) => declaredDefaults(e?.options ?? [])
  const known = (list: CatalogEntry[], id: string) => list.some((x) => x.id === id)

  function draft(): WizardDraft {
    return {
      datasetMode: w.datasetMode.value, noise: { ...w.noise }, datasetPath: w.datasetPath.value, datasetKind: w.datasetKind.value, datasetImageSize: w.datasetImageSize.value,
      space: w.space.value, spaceOptions: { ...w.spaceOptions.value }, strategy: w.strategy.value, strategyOptions: { ...w.strategyOptions.value },
      proxyMode: w.proxyMode.value, proxy: w.proxy.value, votingIds: [...w.votingIds.value], proxyOptions: JSON.parse(JSON.stringify(w.proxyOptions.value)),
      n: w.n.value, batchSize: w.batchSize.value, seed: w.seed.value, init: w.init.value, workers: w.workers.value, name: w.name.value,
      tablePath: w.tablePath.value, tableMetric: w.tableMetric.value,
    }
  }
  let restoring = false
  let persisting = false
  watch(() => JSON.stringify(draft()), () => {
    if (persisting && !restoring) saveDraft(draft())
  })

  /** Applies a draft (see the file comment); resolves when the dataset and table checks are done. */
  async function applyDraft(d: WizardDraft): Promise<void> {
    restoring = true
    try {
      w.step.value = 0
      w.touched.value = new Set()
      w.datasetMode.value = d.datasetMode
      Object.assign(w.noise, d.noise)
      w.datasetPath.value = d.datasetPath ?? ''
      w.datasetKind.value = known(w.catalog.datasets, d.datasetKind) ? d.datasetKind : 'auto'
      if (typeof d.datasetImageSize === 'number') w.datasetImageSize.value = d.datasetImageSize
      if (known(w.catalog.spaces, d.space)) w.space.value = d.space
      if (known(w.catalog.strategies, d.strategy)) w.strategy.value = d.strategy
      await nextTick() // the store's space/strategy watchers reset their options to defaults first
      if (w.space.value === d.space) w.spaceOptions.value = { ...defaults(w.spaceEntry.value), ...d.spaceOptions }
      if (w.strategy.value === d.strategy) w.strategyOptions.value = { ...defaults(w.strategyEntry.value), ...d.strategyOptions }
      if (INIT_OPTION.choices?.some((c) => c.value === d.init)) w.init.value = d.init as InitScheme
      w.proxyMode.value = d.proxyMode === 'voting' ? 'voting' : 'single'
      if (known(w.catalog.proxies, d.proxy)) w.proxy.value = d.proxy
      w.votingIds.value = (d.votingIds ?? []).filter((id) => known(w.catalog.proxies, id))
      await nextTick()
      for (const [id, o] of Object.entries(d.proxyOptions ?? {})) w.proxyOptions.value[id] = { ...(w.proxyOptions.value[id] ?? {}), ...o }
      for (const k of ['n', 'batchSize', 'seed', 'workers'] as const) if (typeof d[k] === 'number') w[k].value = d[k]
      w.name.value = d.name ?? ''
      w.tablePath.value = d.tablePath ?? ''
      await nextTick() // the path watchers clear stale check results
      if (w.datasetMode.value === 'file' && w.datasetPath.value.trim()) await w.checkDataset()
      if (w.tablePath.value.trim() && (await w.checkTable()) && w.table.value?.metrics.includes(d.tableMetric)) w.tableMetric.value = d.tableMetric
    } finally {
      restoring = false
      persisting = true
    }
  }

  return { draft, applyDraft, startPersisting: () => (persisting = true) }
}
