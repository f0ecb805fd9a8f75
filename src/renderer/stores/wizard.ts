/**
 * New-search wizard state: the five steps (dataset → space → strategy+proxy →
 * budget/ground truth → summary), per-field validation with inline messages,
 * dataset detection/preview and benchmark-table validation through the API.
 * Defaults are the paper's (batch 64, PyTorch init, NB101 its own init,
 * budget 1000, seed 0); choosing a space with a paper protocol (MobileNetV2)
 * sets it (`chooseSpace`, components/wizard/protocol.ts), and the summary
 * measures one scoring and projects the run's wall time. Option menus, defaults, bounds and messages come from
 * the registries' declarations through the engine's `validateOptions`; batch
 * size and seed from the engine's request spec. A step with errors (including an unreadable dataset
 * or a table with wrong columns) cannot be left forwards.
 * Warnings (components/wizard/warnings.ts) flag setups that run but cannot do what is expected.
 * The choices persist across reloads (components/wizard/persist.ts, localStorage) and a stored run's
 * configuration can be loaded back ("Edit and retry": `loadConfig`). A call that fails because the
 * server is not reachable says so, instead of blaming the dataset or table.
 */
import { defineStore } from 'pinia'
import { computed, nextTick, reactive, ref, watch } from 'vue'
import { errorMessage, useApi } from '../api'
import { callProblem, intIn, optionDefaults, requestFieldError, validateOptions, type Errors } from '../components/wizard/validation'
import { useCatalogStore } from './catalog'
import { BATCH_SIZE_OPTION, INIT_OPTION, SEED_OPTION } from '../../engine/score/request-spec'
import { NOISE_CLASSES_OPTION, NOISE_IMAGE_SIZE_OPTION } from '../../engine/data/noise'
import type { InitScheme } from '../../engine/core/network'
import type { CatalogEntry, DatasetPreview, DatasetSpecData, PickedDataset, RunConfig, RunConfigInput, RunSummary, TableInfo } from '../../shared/schemas'
import { wizardWarnings } from '../components/wizard/warnings'
import { draftFromConfig, loadDraft } from '../components/wizard/persist'
import { draftSync } from '../components/wizard/draft-sync'
import { useProtocol } from '../components/wizard/protocol'

export const STEPS = ['Dataset', 'Search space', 'Strategy & proxy', 'Budget & ground truth', 'Summary'] as const
export type { Errors }
export { validateOptions }

export const useWizardStore = defineStore('wizard', () => {
  const api = useApi()
  const catalog = useCatalogStore()
  const step = ref(0)

  // step 1: dataset
  const datasetMode = ref<'noise' | 'file'>('noise')
  const noise = reactive({ imageSize: NOISE_IMAGE_SIZE_OPTION.default as number, numClasses: NOISE_CLASSES_OPTION.default as number })
  const datasetPath = ref('')
  /** 'auto' = let the backend detect the format; otherwise a dataset kind from catalog.datasets */
  const datasetKind = ref('auto')
  const datasetImageSize = ref<number>(32)
  const picked = ref<PickedDataset | null>(null)
  const preview = ref<DatasetPreview | null>(null)
  const datasetError = ref<string | null>(null)
  const datasetChecking = ref(false)

  // step 2: space
  const space = ref('')
  const spaceOptions = ref<Record<string, unknown>>({})
  // step 3: strategy + proxy
  const strategy = ref('')
  const strategyOptions = ref<Record<string, unknown>>({})
  const proxyMode = ref<'single' | 'voting'>('single')
  const proxy = ref('')
  const votingIds = ref<string[]>([])
  // step 4: budget, ground truth
  const n = ref<number>(1000)
  const batchSize = ref<number>(BATCH_SIZE_OPTION.default as number)
  const seed = ref<number>(SEED_OPTION.default as number)
  const init = ref<InitScheme>(INIT_OPTION.default as InitScheme)
  const workers = ref<number>(1)
  const name = ref('')
  const tablePath = ref('')
  const table = ref<TableInfo | null>(null)
  const tableMetric = ref('')
  const tableError = ref<string | null>(null)
  const tableChecking = ref(false)

  const submitting = ref(false)
  const submitError = ref<string | null>(null)
  /** set when the user tried to leave a step with errors: errors show from then on */
  const touched = ref<Set<number>>(new Set())

  /** Fills defaults from the catalog (first entries, the paper's defaults, machine worker count). */
  function applyDefaults() {
    if (!space.value && catalog.spaces.length) space.value = catalog.spaces.find((s) => s.id === 'nb201')?.id ?? catalog.spaces[0].id
    if (!strategy.value && catalog.strategies.length) strategy.value = catalog.strategies.find((s) => s.id === 'random')?.id ?? catalog.strategies[0].id
    if (!proxy.value && catalog.proxies.length) proxy.value = catalog.proxies.find((p) => p.id === 'wrcor')?.id ?? catalog.proxies[0].id
    if (catalog.system) workers.value = catalog.system.defaultWorkers
    spaceOptions.value = optionDefaults(spaceEntry.value)
    strategyOptions.value = optionDefaults(strategyEntry.value)
  }

  const spaceEntry = computed(() => catalog.spaces.find((s) => s.id === space.value))
  const strategyEntry = computed(() => catalog.strategies.find((s) => s.id === strategy.value))
  const proxyEntry = computed(() => catalog.proxies.find((p) => p.id === proxy.value))

  /** Proxies of the current choice that scores are computed with (a named vote expands to its members). */
  const scoredProxyIds = computed<string[]>(() => {
    if (proxyMode.value === 'voting') return [...votingIds.value]
    const members = proxyEntry.value?.meta?.members
    return Array.isArray(members) ? (members as string[]) : proxy.value ? [proxy.value] : []
  })
  /** Catalog entries of scored proxies that declare user options (e.g. ePADS batch and σ). */
  const optionProxies = computed(() =>
    scoredProxyIds.value
      .map((id) => catalog.proxies.find((p) => p.id === id))
      .filter((p): p is CatalogEntry => !!p && p.options.length > 0),
  )
  /** Per-proxy option values (`proxyOptions[proxyId]`), defaults = the proxy's reference defaults; kept across re-selection. */
  const proxyOptions = ref<Record<string, Record<string, unknown>>>({})
  watch(
    optionProxies,
    (entries) => {
      for (const e of entries) if (!proxyOptions.value[e.id]) proxyOptions.value[e.id] = optionDefaults(e)
    },
    { immediate: true },
  )

  watch(space, (id, old) => {
    if (id === old) return
    spaceOptions.value = optionDefaults(spaceEntry.value)
    init.value = id.includes('101') ? 'nb101' : 'pytorch'
    // a table validated for another space no longer applies
    if (table.value && table.value.space !== id) {
      table.value = null
      tableMetric.value = ''
    }
  })
  watch(strategy, () => {
    strategyOptions.value = optionDefaults(strategyEntry.value)
  })

  function resetDataset() {
    picked.value = null
    preview.value = null
    datasetError.value = null
  }
  watch([datasetMode, datasetPath, datasetKind, datasetImageSize], resetDataset)

  const datasetKindEntry = computed(() => catalog.datasets.find((d) => d.id === datasetKind.value))
  const kindNeedsSize = computed(() => !!datasetKindEntry.value?.options.some((o) => o.key === 'imageSize'))

  /** The spec for an explicitly chosen format (null for auto-detection). */
  function chosenSpec(path: string): DatasetSpecData | null {
    const kind = datasetKind.value
    if (kind === 'auto') return null
    if (kind === 'folder' || kind === 'u8') return { kind, path, imageSize: datasetImageSize.value }
    if (kind === 'cifar10' || kind === 'cifar100' || kind === 'imagenet16') return { kind, path }
    return null
  }

  /** Detects the dataset format at `datasetPath` (or opens the native dialog) and loads a preview. */
  async function checkDataset(useDialog = false): Promise<boolean> {
    resetDataset()
    const path = datasetPath.value.trim()
    if (!useDialog && !path) {
      datasetError.value = 'Enter the path of a dataset file or folder.'
      return false
    }
    if (!useDialog && kindNeedsSize.value) {
      const m = intIn(datasetImageSize.value, 1, 1024, 'Image size')
      if (m) {
        datasetError.value = m
        return false
      }
    }
    datasetChecking.value = true
    try {
      const spec = useDialog ? null : chosenSpec(path)
      if (spec) {
        // explicit format: reading a preview is the readability check
        preview.value = await api.datasets.preview(spec, { count: 8 })
        picked.value = { path, spec, description: `read as ${datasetKindEntry.value?.label ?? spec.kind}` }
        return true
      }
      const p = await api.files.pickDataset(useDialog ? undefined : { path })
      if (p === null) return false // dialog cancelled
      if (useDialog && datasetPath.value !== p.path) {
        datasetPath.value = p.path
        await nextTick() // let the path watcher clear the old result before the new one is stored
      }
      if (!p.spec) {
        datasetError.value = `Unrecognised dataset at ${p.path}: ${p.description || 'expected CIFAR-10/100 binary, ImageNet16 pickle, an image folder or raw uint8 NHWC'}.`
        return false
      }
      preview.value = await api.datasets.preview(p.spec, { count: 8 })
      picked.value = p
      return true
    } catch (e) {
      datasetError.value = (e as { code?: unknown })?.code === 'TRANSPORT' ? callProblem(e, 'the dataset') : `Cannot read the dataset: ${errorMessage(e)}`
      return false
    } finally {
      datasetChecking.value = false
    }
  }

  /** Validates the benchmark table for the chosen space; picks its first metric. */
  async function checkTable(): Promise<boolean> {
    table.value = null
    tableError.value = null
    tableMetric.value = ''
    const path = tablePath.value.trim()
    if (!path) return true
    tableChecking.value = true
    try {
      const info = await api.tables.validate({ path, space: space.value })
      table.value = info
      tableMetric.value = info.metrics[0] ?? ''
      return true
    } catch (e) {
      tableError.value = (e as { code?: unknown })?.code === 'TRANSPORT' ? callProblem(e, 'the table') : `This benchmark table cannot be used: ${errorMessage(e)}`
      return false
    } finally {
      tableChecking.value = false
    }
  }
  watch(tablePath, () => {
    table.value = null
    tableError.value = null
  })

  const datasetSpec = computed<DatasetSpecData | null>(() =>
    datasetMode.value === 'noise'
      ? { kind: 'noise', imageSize: noise.imageSize, numClasses: noise.numClasses }
      : (picked.value?.spec ?? null),
  )

  function stepErrors(i: number): Errors {
    const e: Errors = {}
    if (i === 0) {
      if (datasetMode.value === 'noise') {
        const a = requestFieldError(NOISE_IMAGE_SIZE_OPTION, noise.imageSize)
        const b = requestFieldError(NOISE_CLASSES_OPTION, noise.numClasses)
        if (a) e['noise.imageSize'] = a
        if (b) e['noise.numClasses'] = b
      } else if (datasetError.value) e.dataset = datasetError.value
      else if (!picked.value) e.dataset = datasetChecking.value ? 'Still checking the dataset…' : 'Check the dataset first (it must be readable).'
    } else if (i === 1) {
      if (!spaceEntry.value) e.space = 'Choose a search space.'
      Object.assign(e, validateOptions(spaceEntry.value, spaceOptions.value, 'space'))
    } else if (i === 2) {
      if (!strategyEntry.value) e.strategy = 'Choose a search strategy.'
      Object.assign(e, validateOptions(strategyEntry.value, strategyOptions.value, 'strategy'))
      for (const p of optionProxies.value) Object.assign(e, validateOptions(p, proxyOptions.value[p.id] ?? {}, `proxy.${p.id}`))
      if (proxyMode.value === 'single' && !proxyEntry.value) e.proxy = 'Choose a proxy.'
      if (proxyMode.value === 'voting' && votingIds.value.length < 2) e.proxy = 'A voting proxy needs at least two proxies.'
      if (proxyMode.value === 'voting' && votingIds.value.length % 2 === 0 && votingIds.value.length > 0)
        e.proxy = 'Choose an odd number of proxies so the majority vote cannot tie.'
    } else if (i === 3) {
      const checks: [string, string | undefined][] = [
        ['n', intIn(n.value, 1, 1_000_000, 'Budget')],
        ['batchSize', requestFieldError(BATCH_SIZE_OPTION, batchSize.value)],
        ['seed', requestFieldError(SEED_OPTION, seed.value)],
        ['workers', intIn(workers.value, 1, 64, 'Workers')],
      ]
      for (const [k, m] of checks) if (m) e[k] = m
      const count = datasetCount.value
      if (!e.batchSize && count !== null && count > 0 && batchSize.value > count) e.batchSize = `Batch size ${batchSize.value} exceeds the dataset's ${count.toLocaleString('en')} images (every evaluation would fail); use at most ${count}`
      if (tableError.value) e.table = tableError.value
      else if (tablePath.value.trim() && !table.value) e.table = tableChecking.value ? 'Still checking the table…' : 'Check the table first.'
      else if (table.value && !tableMetric.value) e.tableMetric = 'Choose the accuracy column to compare against.'
    }
    return e
  }

  const errors = computed<Errors>(() => {
    const all: Errors = {}
    for (const i of touched.value) Object.assign(all, stepErrors(i))
    return all
  })
  const currentValid = computed(() => Object.keys(stepErrors(step.value)).length === 0)

  function next(): boolean {
    touched.value = new Set([...touched.value, step.value])
    if (Object.keys(stepErrors(step.value)).length > 0) return false
    if (step.value < STEPS.length - 1) step.value++
    return true
  }
  function back() {
    if (step.value > 0) step.value--
  }
  /** Jump to an earlier step, or to a later one only if every step before it is valid. */
  function goTo(i: number) {
    for (let k = 0; k < i; k++) if (Object.keys(stepErrors(k)).length > 0) return
    step.value = i
  }

  const config = computed<RunConfigInput | null>(() => {
    const ds = datasetSpec.value
    if (!ds) return null
    const c: RunConfigInput = {
      space: space.value,
      spaceOptions: { ...spaceOptions.value },
      strategy: strategy.value,
      strategyOptions: { ...strategyOptions.value },
      proxy: proxyMode.value === 'single' ? { mode: 'single', id: proxy.value } : { mode: 'voting', ids: [...votingIds.value] },
      proxyOptions: Object.fromEntries(optionProxies.value.map((p) => [p.id, { ...(proxyOptions.value[p.id] ?? optionDefaults(p)) }])),
      n: n.value,
      seed: seed.value,
      dataset: ds,
      batchSize: batchSize.value,
      init: init.value,
      workers: workers.value,
    }
    if (name.value.trim()) c.name = name.value.trim()
    if (table.value && tableMetric.value) c.groundTruth = { path: table.value.path, metric: tableMetric.value }
    return c
  })

  // the space's paper protocol (set on a user's choice of space) and the measured projection (components/wizard/protocol.ts)
  const proto = useProtocol({ api, catalog, space, spaceOptions, spaceEntry, strategy, strategyOptions, strategyEntry, proxyMode, proxy, n, batchSize, workers, config })

  /** Validates every step and starts the run (a running calibration is cancelled first); resolves to its summary, or null with `submitError` set. */
  async function submit(): Promise<RunSummary | null> {
    submitError.value = null
    for (let i = 0; i < STEPS.length - 1; i++) {
      touched.value = new Set([...touched.value, i])
      if (Object.keys(stepErrors(i)).length > 0) {
        step.value = i
        return null
      }
    }
    if (!config.value) return null
    await proto.cancelMeasure()
    submitting.value = true
    try {
      return await api.runs.start(config.value)
    } catch (e) {
      submitError.value = (e as { code?: unknown })?.code === 'TRANSPORT' ? `The run was not started: ${callProblem(e, 'the configuration')}` : `The run could not start: ${errorMessage(e)}`
      return null
    } finally {
      submitting.value = false
    }
  }

  /** images in the chosen dataset when known (file datasets after the check; noise: unlimited → null) */
  const datasetCount = computed<number | null>(() => (datasetMode.value === 'file' && preview.value && preview.value.count > 0 ? preview.value.count : null))
  const warnings = computed(() =>
    wizardWarnings({
      strategy: strategy.value,
      strategyOptions: strategyOptions.value,
      n: n.value,
      workers: workers.value,
      cores: catalog.system?.cores ?? null,
      batchSize: batchSize.value,
      datasetCount: datasetCount.value,
      tableSize: table.value?.size ?? null,
      spaceSize: typeof spaceEntry.value?.meta?.size === 'number' ? (spaceEntry.value.meta.size as number) : null,
      spaceLabel: spaceEntry.value?.label ?? space.value,
    }),
  )

  // ------------------------------------------------------------ persistence / edit and retry (components/wizard/draft-sync.ts)
  const sync = draftSync({
    catalog, step, touched, datasetMode, noise, datasetPath, datasetKind, datasetImageSize, space, spaceOptions, strategy, strategyOptions,
    proxyMode, proxy, votingIds, proxyOptions, n, batchSize, seed, init, workers, name, tablePath, tableMetric, table,
    spaceEntry, strategyEntry, checkDataset, checkTable,
  })
  const applyDraft = sync.applyDraft

  /** "Edit and retry": the wizard with a stored run's configuration, at the first step. */
  async function loadConfig(c: RunConfig) {
    submitError.value = null
    await catalog.load()
    await applyDraft(draftFromConfig(c))
  }

  /** First visit: the stored choices of the last session, else the catalog's defaults. */
  async function init0() {
    const d = loadDraft()
    applyDefaults()
    if (d) await applyDraft(d)
    sync.startPersisting()
  }

  return {
    warnings, datasetCount, loadConfig, applyDraft, init0,
    step, datasetMode, noise, datasetPath, datasetKind, datasetImageSize, datasetKindEntry, kindNeedsSize, picked, preview, datasetError, datasetChecking,
    space, spaceOptions, strategy, strategyOptions, proxyMode, proxy, votingIds, optionProxies, proxyOptions,
    n, batchSize, seed, init, workers, name, tablePath, table, tableMetric, tableError, tableChecking,
    submitting, submitError, spaceEntry, strategyEntry, proxyEntry, datasetSpec, errors, currentValid, config,
    applyDefaults, checkDataset, checkTable, stepErrors, next, back, goTo, submit, ...proto,
  }
})
