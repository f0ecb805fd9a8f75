/**
 * The wizard's paper protocol and projection (issue #18):
 *  - choosing a space that declares a protocol (its catalog entry's
 *    `protocol`, i.e. `SpaceDef.protocol`: MobileNetV2's batch 64, SJW, RE
 *    P 64 / S 10, N 5000) sets those fields, on top of the space's own option
 *    defaults (resolutions, FLOPs limit); every field stays editable and
 *    `departures` names what the user changed since. Restoring a draft or a
 *    stored run never re-applies it (only a user's choice of space does);
 *  - `measure()` runs ONE calibration scoring of the run's evaluation 0
 *    through the contract (`calibration.start`, polled with `calibration.get`,
 *    cancellable), and `projection` turns its seconds into the wall time of
 *    N on this run's workers, one process per core of the scoring machine,
 *    and the reference workstation (src/shared/projection.ts, the arithmetic
 *    of `zsnas search`'s first line). A measurement belongs to the
 *    configuration it was taken with: any change that affects a scoring
 *    (space, options, proxy, dataset, batch, init) makes it stale.
 */
import { computed, nextTick, onScopeDispose, ref, type ComputedRef, type Ref } from 'vue'
import type { Api } from '../../api'
import { errorMessage } from '../../api'
import type { Calibration, CatalogEntry, RunConfigInput } from '../../../shared/contract'
import { optionDefaults } from './validation'
import {
  formatDuration, projectedSeconds, protocolDepartures, protocolSummary, secondsAtBatch, workstationProjection, workstationText,
} from '../../../shared/projection'
import type { SpaceProtocol } from '../../../engine/core/space'

export interface ProtocolState {
  api: Api
  catalog: { spaces: CatalogEntry[]; proxies: CatalogEntry[]; strategies: CatalogEntry[] }
  space: Ref<string>
  spaceOptions: Ref<Record<string, unknown>>
  spaceEntry: ComputedRef<CatalogEntry | undefined>
  strategy: Ref<string>
  strategyOptions: Ref<Record<string, unknown>>
  strategyEntry: ComputedRef<CatalogEntry | undefined>
  proxyMode: Ref<'single' | 'voting'>
  proxy: Ref<string>
  n: Ref<number>
  batchSize: Ref<number>
  workers: Ref<number>
  config: ComputedRef<RunConfigInput | null>
}

/** Poll interval of a running calibration (ms). */
export const CALIBRATION_POLL_MS = 500

/** The parts of a configuration a scoring's time depends on (not N, seed, workers, name, ground truth). */
function scoringKey(c: RunConfigInput | null): string {
  if (c === null) return ''
  return JSON.stringify([c.space, c.spaceOptions, c.proxy, c.proxyOptions, c.dataset, c.batchSize, c.init, c.mode])
}

export function useProtocol(w: ProtocolState) {
  const protocol = computed<SpaceProtocol | undefined>(() => w.spaceEntry.value?.protocol)

  /** Sets the protocol's fields for the current space (after the space's watcher has reset its options). */
  async function applyProtocol(): Promise<void> {
    const p = protocol.value
    if (p === undefined) return
    w.batchSize.value = p.batchSize
    if (w.catalog.proxies.some((x) => x.id === p.proxy)) {
      w.proxyMode.value = 'single'
      w.proxy.value = p.proxy
    }
    if (w.catalog.strategies.some((x) => x.id === p.strategy)) w.strategy.value = p.strategy
    await nextTick() // the strategy watcher resets its options to the declared defaults first
    if (w.strategy.value === p.strategy) w.strategyOptions.value = { ...optionDefaults(w.strategyEntry.value), ...p.strategyOptions }
    w.n.value = p.budget
  }

  /** A user's choice of space: the space's option defaults, then its paper protocol if it declares one. */
  async function chooseSpace(id: string): Promise<void> {
    if (w.space.value === id) return
    w.space.value = id
    await nextTick() // the store's space watcher resets the space options (the paper's resolutions / FLOPs limit)
    await applyProtocol()
  }

  /** What the current choices set differently from the protocol (space constraints included); [] = the protocol as declared. */
  const departures = computed<string[]>(() => {
    const p = protocol.value
    if (p === undefined) return []
    const out = protocolDepartures(p, {
      n: w.n.value, batchSize: w.batchSize.value, proxy: w.proxyMode.value === 'single' ? w.proxy.value : 'a custom vote',
      strategy: w.strategy.value, strategyOptions: w.strategyOptions.value,
    })
    const defaults = optionDefaults(w.spaceEntry.value)
    for (const o of w.spaceEntry.value?.options ?? []) if (w.spaceOptions.value[o.key] !== defaults[o.key]) out.unshift(`${o.label} ${String(w.spaceOptions.value[o.key])}`)
    return out
  })
  const protocolText = computed(() => (protocol.value === undefined ? '' : protocolSummary(protocol.value)))
  /** The space's constraints at their declared defaults, e.g. "Min resolution 192, Max resolution 320, FLOPs limit 600 M". */
  const constraintsText = computed(() =>
    (w.spaceEntry.value?.options ?? []).map((o) => {
      const v = optionDefaults(w.spaceEntry.value)[o.key]
      return typeof v === 'number' && o.displayUnit ? `${o.label} ${+(v / o.displayUnit.factor).toPrecision(6)} ${o.displayUnit.label}` : `${o.label} ${String(v)}`
    }).join(', '),
  )

  // ------------------------------------------------------------------ calibration
  const calibration = ref<Calibration | null>(null)
  const calibrationKey = ref('')
  const calibrationError = ref<string | null>(null)
  /** the last finished measurement and its configuration (kept while a new one runs or after one is cancelled) */
  const measuredCal = ref<Calibration | null>(null)
  const measuredKey = ref('')
  let timer: ReturnType<typeof setTimeout> | null = null
  const stopPolling = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  onScopeDispose(stopPolling)
  const calibrating = computed(() => calibration.value?.state === 'running')
  /** the measurement belongs to another configuration */
  const calibrationStale = computed(() => measuredCal.value !== null && measuredKey.value !== scoringKey(w.config.value))

  async function poll(id: string): Promise<void> {
    timer = null
    try {
      const c = await w.api.calibration.get(id)
      if (calibration.value?.id !== id) return // superseded
      calibration.value = c
      if (c.state === 'running') timer = setTimeout(() => void poll(id), CALIBRATION_POLL_MS)
      else if (c.state === 'done') {
        measuredCal.value = c
        measuredKey.value = calibrationKey.value
      }
      else if (c.state === 'failed') calibrationError.value = `The calibration scoring failed: ${c.error?.message ?? 'unknown error'}${c.error?.code ? ` (${c.error.code})` : ''}`
    } catch (e) {
      calibrationError.value = `Lost the calibration: ${errorMessage(e)}`
    }
  }

  /** Starts one calibration scoring of the current configuration (cancels a running one). */
  async function measure(): Promise<void> {
    const c = w.config.value
    if (c === null) return
    stopPolling()
    calibrationError.value = null
    try {
      const started = await w.api.calibration.start(c)
      calibration.value = started
      calibrationKey.value = scoringKey(c)
      timer = setTimeout(() => void poll(started.id), CALIBRATION_POLL_MS)
    } catch (e) {
      calibrationError.value = `The calibration could not start: ${errorMessage(e)}`
    }
  }

  /** Cancels the running calibration (its worker is killed). */
  async function cancelMeasure(): Promise<void> {
    const c = calibration.value
    if (c === null || c.state !== 'running') return
    stopPolling()
    try {
      calibration.value = await w.api.calibration.cancel(c.id)
    } catch (e) {
      calibrationError.value = `The calibration could not be cancelled: ${errorMessage(e)}`
    }
  }

  /** Progress of a running calibration: elapsed and, where the protocol gives an expectation, fraction and ETA. */
  const calibrationProgress = computed(() => {
    const c = calibration.value
    if (c === null || c.state !== 'running') return null
    const e = c.expectedSeconds
    // past the expectation (a loaded machine, another resolution): no ETA, elapsed only
    return { elapsed: c.elapsedSeconds, fraction: e ? Math.min(0.99, c.elapsedSeconds / e) : null, eta: e && e > c.elapsedSeconds ? e - c.elapsedSeconds : null }
  })

  /** Projection lines for the summary: from the fresh calibration (this machine), and from the protocol's stored measurement. */
  const projection = computed(() => {
    const n = w.n.value
    const workers = Math.max(1, w.workers.value || 1)
    const c = measuredCal.value
    const p = protocol.value
    const peak = p?.measured?.peakRssGB
    const measured = c !== null && !calibrationStale.value && c.secondsPerArch !== null
      ? {
          seconds: c.secondsPerArch,
          text: `measured ${c.secondsPerArch.toFixed(1)} s/arch here (one scoring of evaluation 0 at batch ${c.batchSize}, ${c.backend ?? '?'}; a first scoring in a fresh worker includes set-up: an upper bound)`,
          here: `N ${n} projected ${formatDuration(projectedSeconds(n, c.secondsPerArch, workers))} on ${workers} worker${workers === 1 ? '' : 's'}` +
            (c.machine.cores > workers ? `, ${formatDuration(projectedSeconds(n, c.secondsPerArch, c.machine.cores))} on ${c.machine.cores} (one per core)` : '') +
            ` — this machine: ${c.machine.cores} cores, ${c.machine.memoryGB.toFixed(0)} GB`,
          // this run's workers against the scoring machine's memory (each worker holds its whole peak at once)
          memory: c.peakRssGB !== null && workers * c.peakRssGB > c.machine.memoryGB
            ? `${workers} workers × ${c.peakRssGB.toFixed(2)} GB peak RSS = ${(workers * c.peakRssGB).toFixed(1)} GB exceeds this machine's ${c.machine.memoryGB.toFixed(0)} GB: use at most ${Math.max(1, Math.floor(c.machine.memoryGB / c.peakRssGB))} workers`
            : null,
          // memory bound: this scoring's own peak RSS where the server could read it, else the protocol's measurement
          workstation: c.peakRssGB !== null
            ? `${workstationText(workstationProjection(n, c.secondsPerArch, c.peakRssGB), n)} (memory bound: peak RSS ${c.peakRssGB.toFixed(2)} GB measured here)`
            : peak === undefined || p?.measured === undefined ? null
              : `${workstationText(workstationProjection(n, c.secondsPerArch, peak), n)} (memory bound: the peak RSS of the protocol's batch-${p.measured.batchSize} measurement${c.batchSize === p.measured.batchSize ? '' : `, not of batch ${c.batchSize}`})`,
        }
      : null
    let reference: string | null = null
    if (p?.measured !== undefined) {
      const { seconds, extrapolated } = secondsAtBatch(p.measured, w.batchSize.value)
      reference = `protocol's measurement: ${p.measured.secondsPerArch.toFixed(0)} s/arch at batch ${p.measured.batchSize} (${p.measured.where})` +
        (extrapolated ? ` → ≈ ${seconds.toFixed(0)} s/arch at batch ${w.batchSize.value} (extrapolated, linear in batch)` : '') +
        ` → N ${n} ≈ ${formatDuration(projectedSeconds(n, seconds, workers))} on ${workers} worker${workers === 1 ? '' : 's'}` +
        (peak !== undefined ? `; ${workstationText(workstationProjection(n, seconds, peak), n)}` : '')
    }
    return { measured, reference }
  })

  return {
    protocol, applyProtocol, chooseSpace, departures, protocolText, constraintsText,
    calibration, calibrating, calibrationStale, calibrationError, calibrationProgress, measure, cancelMeasure, projection,
  }
}
