/** Run history: the list of runs, deletion (confirmed by the view), per-run notes, and the run-folder export. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessage, useApi } from '../api'
import { useCatalogStore } from './catalog'
import { downloadUrl } from '../lib/download'
import type { RunSummary } from '../../shared/schemas'

/** Same-origin URL of a run's zipped export folder in browser mode (served by src/server/server.ts, token cookie). */
export function runZipUrl(id: string): string {
  return `/export/${encodeURIComponent(id)}.zip`
}

export const useHistoryStore = defineStore('history', () => {
  const api = useApi()
  const runs = ref<RunSummary[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  const message = ref<string | null>(null)

  async function refresh() {
    loading.value = true
    try {
      runs.value = await api.runs.list()
      error.value = null
    } catch (e) {
      error.value = `Could not list runs: ${errorMessage(e)}`
    } finally {
      loading.value = false
    }
  }

  async function remove(id: string): Promise<boolean> {
    try {
      await api.runs.delete(id)
      runs.value = runs.value.filter((r) => r.id !== id)
      error.value = null
      return true
    } catch (e) {
      error.value = `Could not delete run ${id}: ${errorMessage(e)}`
      return false
    }
  }

  async function saveNotes(id: string, notes: string): Promise<boolean> {
    try {
      const s = await api.runs.setNotes(id, notes)
      runs.value = runs.value.map((r) => (r.id === id ? s : r))
      error.value = null
      return true
    } catch (e) {
      error.value = `Could not save the notes: ${errorMessage(e)}`
      return false
    }
  }

  /**
   * Exports the run folder (manifest, evaluations CSV/JSONL, best, zero-cost JSON, best model). Browser mode:
   * the browser downloads `<runId>.zip` (nothing is written on the server's disk). Electron: written into
   * the data folder's exports/ on this machine and the folder named.
   */
  async function exportRun(id: string): Promise<boolean> {
    message.value = null
    const catalog = useCatalogStore()
    if (!catalog.system) await catalog.load()
    if (catalog.system?.mode === 'browser') {
      downloadUrl(`${id}.zip`, runZipUrl(id))
      message.value = `Downloading ${id}.zip (the run folder: manifest, evaluations, zero-cost JSON, best model)`
      error.value = null
      return true
    }
    try {
      const r = await api.runs.export(id)
      message.value = `Exported ${r.files.length} files to ${r.dir}`
      error.value = null
      return true
    } catch (e) {
      error.value = `Could not export run ${id}: ${errorMessage(e)}`
      return false
    }
  }

  return { runs, loading, error, message, refresh, remove, saveNotes, exportRun }
})
