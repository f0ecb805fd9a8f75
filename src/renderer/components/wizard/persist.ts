/**
 * The wizard's choices across reloads (localStorage, key `zsnas-wizard/1`) and
 * the conversion of a stored run configuration into those choices ("Edit and
 * retry"). A draft that does not parse is ignored (never throws); values are
 * re-validated by the wizard like typed ones.
 */
import type { RunConfig } from '../../../shared/schemas'

export const DRAFT_KEY = 'zsnas-wizard/1'

export interface WizardDraft {
  datasetMode: 'noise' | 'file'
  noise: { imageSize: number; numClasses: number }
  datasetPath: string
  datasetKind: string
  datasetImageSize: number
  space: string
  spaceOptions: Record<string, unknown>
  strategy: string
  strategyOptions: Record<string, unknown>
  proxyMode: 'single' | 'voting'
  proxy: string
  votingIds: string[]
  proxyOptions: Record<string, Record<string, unknown>>
  n: number
  batchSize: number
  seed: number
  init: string
  workers: number
  name: string
  tablePath: string
  tableMetric: string
}

/** The draft that reproduces a run's configuration in the wizard. */
export function draftFromConfig(c: RunConfig): WizardDraft {
  const d = c.dataset
  return {
    datasetMode: d.kind === 'noise' ? 'noise' : 'file',
    noise: d.kind === 'noise' ? { imageSize: d.imageSize, numClasses: d.numClasses } : { imageSize: 32, numClasses: 10 },
    datasetPath: 'path' in d ? d.path : '',
    datasetKind: d.kind === 'noise' ? 'auto' : d.kind,
    datasetImageSize: 'imageSize' in d && d.kind !== 'noise' ? d.imageSize : 32,
    space: c.space,
    spaceOptions: { ...c.spaceOptions },
    strategy: c.strategy,
    strategyOptions: { ...c.strategyOptions },
    proxyMode: c.proxy.mode,
    proxy: c.proxy.mode === 'single' ? c.proxy.id : '',
    votingIds: c.proxy.mode === 'voting' ? [...c.proxy.ids] : [],
    proxyOptions: JSON.parse(JSON.stringify(c.proxyOptions ?? {})),
    n: c.n,
    batchSize: c.batchSize,
    seed: c.seed,
    init: c.init,
    workers: c.workers ?? 1,
    name: c.name ?? '',
    tablePath: c.groundTruth?.path ?? '',
    tableMetric: c.groundTruth?.metric ?? '',
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Reads the stored draft; null when absent, unreadable or not a draft. */
export function loadDraft(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): WizardDraft | null {
  try {
    const raw = storage?.getItem(DRAFT_KEY)
    if (!raw) return null
    const d = JSON.parse(raw) as unknown
    if (!isObj(d) || (d.datasetMode !== 'noise' && d.datasetMode !== 'file') || typeof d.space !== 'string' || typeof d.strategy !== 'string' || !isObj(d.noise)) return null
    return d as unknown as WizardDraft
  } catch {
    return null
  }
}

export function saveDraft(d: WizardDraft, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(DRAFT_KEY, JSON.stringify(d))
  } catch {
    /* storage full or unavailable: the wizard still works, it just forgets */
  }
}
