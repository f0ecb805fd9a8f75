/**
 * The "Compute" setting (this machine | Redis cluster URL) and the live list
 * of connected cluster workers. `watch()` polls `compute.workers` every
 * `intervalMs` while a view shows the list (`unwatch()` stops it); a Redis
 * that does not answer shows as `error` (the list keeps its last content
 * greyed by the view), never as an exception.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessage, useApi } from '../api'
import type { BackendPreference, BackendsInfo, ClusterWorker, ComputeInfo, ComputeSetting } from '../../shared/schemas'

export const useComputeStore = defineStore('compute', () => {
  const api = useApi()
  const info = ref<ComputeInfo | null>(null)
  const workers = ref<ClusterWorker[]>([])
  const error = ref<string | null>(null)
  const saving = ref(false)
  /** when the list was last read (ms since epoch), null before the first read */
  const listedAt = ref<number | null>(null)
  let timer: ReturnType<typeof setInterval> | null = null
  /** `compute.backends`: the tfjs backend (and GPU adapter) new local runs score on, and why not the others */
  const backends = ref<BackendsInfo | null>(null)
  const backendsError = ref<string | null>(null)
  let backendsLoading: Promise<void> | null = null

  /** Reads `compute.backends` once (the backend probes once and caches); later calls reuse the answer. */
  function loadBackends(): Promise<void> {
    backendsLoading ??= (async () => {
      try {
        backends.value = await api.compute.backends()
        backendsError.value = null
      } catch (e) {
        backendsError.value = `Could not read the backends: ${errorMessage(e)}`
        backendsLoading = null
      }
    })()
    return backendsLoading
  }

  async function load(): Promise<void> {
    try {
      info.value = await api.compute.get()
      error.value = null
    } catch (e) {
      error.value = `Could not read the compute setting: ${errorMessage(e)}`
    }
  }

  async function refreshWorkers(): Promise<void> {
    if (info.value?.mode !== 'redis') {
      workers.value = []
      return
    }
    try {
      workers.value = await api.compute.workers()
      listedAt.value = Date.now()
      error.value = null
    } catch (e) {
      error.value = errorMessage(e)
    }
  }

  /** Desktop app: the worker kind for runs started or resumed from now on; false with `backendsError` set when refused. */
  async function setBackend(p: BackendPreference): Promise<boolean> {
    try {
      backends.value = await api.compute.setBackend(p)
      backendsError.value = null
      return true
    } catch (e) {
      backendsError.value = `Could not change the backend: ${errorMessage(e)}`
      return false
    }
  }

  /** Saves the setting (applies to runs started or resumed afterwards); false with `error` set when refused. */
  async function save(s: ComputeSetting): Promise<boolean> {
    saving.value = true
    try {
      info.value = await api.compute.set(s)
      error.value = null
      await refreshWorkers()
      return true
    } catch (e) {
      error.value = errorMessage(e)
      return false
    } finally {
      saving.value = false
    }
  }

  function watch(intervalMs = 2000): void {
    unwatch()
    void load().then(refreshWorkers)
    timer = setInterval(() => void refreshWorkers(), intervalMs)
  }

  function unwatch(): void {
    if (timer) clearInterval(timer)
    timer = null
  }

  return { info, workers, error, saving, listedAt, backends, backendsError, load, loadBackends, setBackend, refreshWorkers, save, watch, unwatch }
})
