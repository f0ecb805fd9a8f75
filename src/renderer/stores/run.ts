/**
 * The run being viewed (live or read-only). Rows live in a shallowRef and
 * are only ever appended from `run.evaluated` events (the backend sends each
 * row once); event traffic is coalesced and applied at most 4 times a second,
 * so charts and the table redraw ≤ 4×/s however fast results arrive.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { errorMessage, useApi } from '../api'
import { loadAllEvaluations, mergeRows } from '../lib/evaluations'
import type { EvaluationRow, LogEntry, RunDetail, RunSummary } from '../../shared/schemas'
import type { EventPayload } from '../../shared/contract'

export const FLUSH_MS = 250
const MAX_LOGS = 2000

export interface Progress {
  done: number
  failed: number
  total: number
  rate: number
  elapsed: number
  eta: number | null
}

export const useRunStore = defineStore('run', () => {
  const api = useApi()
  const runId = ref<string | null>(null)
  const summary = ref<RunDetail | RunSummary | null>(null)
  const readOnly = ref(false)
  const rows = shallowRef<EvaluationRow[]>([])
  const logs = shallowRef<LogEntry[]>([])
  const progress = ref<Progress | null>(null)
  const lastResultAt = ref<number | undefined>(undefined)
  const now = ref(Date.now())
  const loading = ref(false)
  const error = ref<string | null>(null)
  const actionError = ref<string | null>(null)
  /** how many times buffered events were applied (each = one redraw) */
  const flushes = ref(0)

  let unsubs: (() => void)[] = []
  let pendingRows: EvaluationRow[] = []
  let pendingLogs: LogEntry[] = []
  let pendingProgress: Progress | null = null
  let flushTimer: ReturnType<typeof setTimeout> | null = null
  let clock: ReturnType<typeof setInterval> | null = null
  let initialLoadDone = false

  const status = computed(() => summary.value?.status ?? null)
  const running = computed(() => status.value === 'running' || status.value === 'queued')
  /** interrupted/cancelled runs can be resumed, also when opened read-only from the history (resume goes live) */
  const canResume = computed(() => status.value === 'interrupted' || status.value === 'cancelled')

  function flush() {
    flushTimer = null
    if (!initialLoadDone) return scheduleFlush()
    if (pendingRows.length) {
      rows.value = mergeRows(rows.value, pendingRows)
      lastResultAt.value = Date.now()
      pendingRows = []
    }
    if (pendingLogs.length) {
      const l = logs.value.concat(pendingLogs)
      logs.value = l.length > MAX_LOGS ? l.slice(l.length - MAX_LOGS) : l
      pendingLogs = []
    }
    if (pendingProgress) {
      progress.value = pendingProgress
      pendingProgress = null
    }
    flushes.value++
  }
  function scheduleFlush() {
    flushTimer ??= setTimeout(flush, FLUSH_MS)
  }

  function startClock() {
    if (clock) return
    clock = setInterval(() => {
      now.value = Date.now()
      if (!running.value) stopClock()
    }, 1000)
  }
  function stopClock() {
    if (clock) clearInterval(clock)
    clock = null
  }

  function detach() {
    unsubs.forEach((u) => u())
    unsubs = []
    if (flushTimer) clearTimeout(flushTimer)
    flushTimer = null
    pendingRows = []
    pendingLogs = []
    pendingProgress = null
    stopClock()
  }

  function subscribe(id: string) {
    const mine = <T extends { runId: string }>(f: (p: T) => void) => (p: T) => {
      if (p.runId === id) f(p)
    }
    unsubs.push(
      api.on('run.evaluated', mine((p: EventPayload<'run.evaluated'>) => {
        pendingRows.push(...p.rows)
        scheduleFlush()
      })),
      api.on('run.progress', mine((p: EventPayload<'run.progress'>) => {
        const { done, failed, total, rate, elapsed, eta } = p
        pendingProgress = { done, failed, total, rate, elapsed, eta }
        scheduleFlush()
      })),
      api.on('run.log', mine((p: EventPayload<'run.log'>) => {
        pendingLogs.push(p.entry)
        scheduleFlush()
      })),
      api.on('run.best', mine((p: EventPayload<'run.best'>) => {
        if (summary.value) summary.value = { ...summary.value, best: p.row }
      })),
      api.on('run.finished', mine((p: EventPayload<'run.finished'>) => {
        finish(p.summary)
      })),
      api.on('run.failed', mine((p: EventPayload<'run.failed'>) => {
        if (p.summary) finish(p.summary)
        else if (summary.value) summary.value = { ...summary.value, status: 'failed', error: p.error }
        error.value = `The run failed: ${p.error.message}`
      })),
    )
  }

  function finish(s: RunSummary) {
    summary.value = { ...summary.value, ...s }
    const p = progress.value
    const elapsed = s.timing?.activeSeconds ?? p?.elapsed ?? 0
    progress.value = { done: s.done, failed: s.failed, total: s.total, rate: p?.rate ?? 0, elapsed, eta: 0 }
    // catch anything still buffered right away
    if (initialLoadDone) flush()
  }

  /** Opens a run: subscribes first (no gap), then loads its detail and every stored row. */
  async function open(id: string, opts: { readOnly?: boolean } = {}) {
    detach()
    runId.value = id
    readOnly.value = opts.readOnly ?? false
    summary.value = null
    rows.value = []
    logs.value = []
    progress.value = null
    lastResultAt.value = undefined
    error.value = null
    actionError.value = null
    initialLoadDone = false
    loading.value = true
    if (!readOnly.value) subscribe(id)
    try {
      const detail = await api.runs.get(id)
      const all = await loadAllEvaluations(api, id)
      if (runId.value !== id) return
      summary.value = detail
      rows.value = all
      logs.value = detail.logs
      // until the first progress event: the stored active scoring time (never updatedAt − createdAt, which a notes edit or downtime moves)
      const span = detail.timing?.activeSeconds ?? 0
      progress.value ??= { done: detail.done, failed: detail.failed, total: detail.total, rate: span > 0 ? detail.done / span : 0, elapsed: span, eta: null }
      if (all.length) lastResultAt.value = Date.now()
      initialLoadDone = true
      if (pendingRows.length || pendingLogs.length || pendingProgress) flush()
      if (running.value) startClock()
    } catch (e) {
      error.value = `Could not open run ${id}: ${errorMessage(e)}`
    } finally {
      loading.value = false
    }
  }

  /** Shows a freshly started run (its summary comes from runs.start). */
  async function watchNew(s: RunSummary) {
    await open(s.id)
  }

  async function cancel() {
    if (!runId.value) return
    actionError.value = null
    try {
      summary.value = { ...summary.value, ...(await api.runs.cancel(runId.value)) }
    } catch (e) {
      actionError.value = `Cancel failed: ${errorMessage(e)}`
    }
  }

  async function resume() {
    if (!runId.value) return
    actionError.value = null
    try {
      summary.value = { ...summary.value, ...(await api.runs.resume(runId.value)) }
      error.value = null
      if (readOnly.value) {
        readOnly.value = false
        subscribe(runId.value)
      }
      startClock()
    } catch (e) {
      actionError.value = `Resume failed: ${errorMessage(e)}`
    }
  }

  function close() {
    detach()
    runId.value = null
    summary.value = null
    rows.value = []
  }

  return {
    runId, summary, readOnly, rows, logs, progress, lastResultAt, now, loading, error, actionError, flushes,
    status, running, canResume, open, watchNew, cancel, resume, close, flush,
  }
})
