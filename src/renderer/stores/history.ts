/** Run history: the list of runs, deletion (confirmed by the view), and per-run notes. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessage, useApi } from '../api'
import type { RunSummary } from '../../shared/schemas'

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

  /** Writes the run's export folder (manifest, evaluations CSV/JSONL, best, zero-cost JSON) on the backend machine. */
  async function exportRun(id: string): Promise<boolean> {
    message.value = null
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
