/**
 * `compute.backends` for the Node shells (browser-mode server; the CLI prints the same report with
 * `zsnas backends`): the probe report of backend-status.ts (one child process per backend) turned into the
 * contract's BackendsInfo — the backend automatic selection uses (with its adapter) and, for every other
 * backend, why it is not in use and the fix. The desktop app builds the same object from its GPU-window probe
 * (scoring-workers.ts).
 *
 * Guarantees: the probe runs once per provider (its answer is cached; a concurrent second call shares it);
 * `refresh()` forgets it. Never throws for an unavailable backend (it is a row with its reason).
 */
import type { BackendsInfo, GpuAdapter } from '../shared/schemas'
import { probeBackends, type BackendReport } from './backend-status'

/** The engine's adapter object (BackendStatus.info.adapter) as the contract's, or undefined. */
function adapterOf(info: Record<string, unknown> | undefined): GpuAdapter | undefined {
  const a = info?.adapter
  if (typeof a !== 'object' || a === null) return undefined
  const o = a as Record<string, unknown>
  const s = (v: unknown) => (typeof v === 'string' ? v : '')
  return { vendor: s(o.vendor), architecture: s(o.architecture), device: s(o.device), description: s(o.description), isSoftware: o.isSoftware === true }
}

/** Pure: a probe report → BackendsInfo (workers = Node child processes). */
export function backendsInfoFromReport(r: BackendReport, now: Date = new Date()): BackendsInfo {
  const selected = r.selected ?? 'none'
  const rows = r.backends.map((b) => {
    const adapter = adapterOf(b.info)
    const base = { backend: b.backend, available: b.available, inUse: b.backend === r.selected, ...(adapter ? { adapter } : {}) }
    if (b.available && b.backend === r.selected) return base
    if (b.available) return { ...base, reason: `available, but the automatic order picks ${selected}`, hint: `ZSNAS_BACKEND=${b.backend}` }
    const failed = b.candidates.filter((c) => !c.ok)
    const reason = failed.map((c) => `${c.name !== b.backend ? `${c.name}: ` : ''}${c.reason ?? c.error ?? 'failed'}`).join('; ') || 'not available'
    const hints = [...new Set(failed.map((c) => c.hint).filter((h): h is string => typeof h === 'string' && h !== ''))]
    return { ...base, reason, ...(hints.length > 0 ? { hint: hints.join('; ') } : {}) }
  })
  const inUse = r.backends.find((b) => b.backend === r.selected)
  const adapter = adapterOf(inUse?.info)
  return { inUse: { backend: selected, ...(adapter ? { adapter } : {}), workers: 'process' }, backends: rows, probedAt: now.toISOString() }
}

export interface BackendsProvider {
  (): Promise<BackendsInfo>
  refresh(): void
}

/** A cached provider over `probe` (default: probeBackends with a 60 s limit per child). */
export function probedBackends(probe: () => Promise<BackendReport> = () => probeBackends({ timeoutMs: 60_000 })): BackendsProvider {
  let cached: Promise<BackendsInfo> | null = null
  const get = (() => {
    cached ??= probe().then((r) => backendsInfoFromReport(r))
    cached.catch(() => (cached = null))
    return cached
  }) as BackendsProvider
  get.refresh = () => (cached = null)
  return get
}
