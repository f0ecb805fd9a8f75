/**
 * What the backend needs from the engine, as one narrow interface. The real
 * implementation (`engine-adapter.ts`) wires the engine registries (spaces,
 * strategies, proxies, datasets, benchmark tables); keeping the port small
 * lets the supervisor be read and tested on its own.
 */
import type { GroundTruth } from '../engine/core/data'
import type {
  CatalogEntry,
  DatasetPreview,
  DatasetSpecData,
  PickedDataset,
  RunConfig,
  TableInfo,
} from '../shared/schemas'
import type { ScoreValue } from '../shared/score-value'

/** One proposed architecture; `index` is its 0-based position in the run's evaluation sequence. */
export interface Proposal {
  index: number
  arch: string
  hash: string
  /** 'warmup' = not counted in the budget, never best (RL reward normalisation) */
  phase: 'warmup' | 'search'
}

/** What the strategy is told about one evaluation; `scores` null = failed (told as −∞, see `toldScore` in engine-adapter.ts). */
export interface Told {
  index: number
  scores: Record<string, ScoreValue> | null
}

/**
 * A deterministic ask/tell search over one run (wraps an engine strategy).
 * Contract (inherited from src/engine/search/types.ts): the same config +
 * seed and the same told scores give the same proposals whatever the batch
 * concurrency; `restore(checkpoint())` on a fresh driver continues exactly.
 */
export interface SearchDriver {
  ask(max: number): Proposal[]
  /** the strategy's group size (see StrategyRun.groupSize): asking for max(workers, this) keeps a pool busy */
  groupSize(): number
  /** results of the outstanding batch, in ask order */
  tell(results: Told[]): void
  done(): boolean
  /** planned evaluations including warm-up */
  total(): number
  /** evaluations told so far */
  completed(): number
  /** index of the best-so-far evaluation (strategy's comparator), or null */
  bestIndex(): number | null
  checkpoint(): unknown
  restore(state: unknown): void
}

export interface EnginePort {
  /** engine version string (goes into run manifests) */
  version: string
  /** proxies scored for every architecture of a run (the single proxy or the voting members), in order */
  proxyIds(config: RunConfig): string[]
  /** validates the config against the registries (throws ZsnasError INVALID_OPTION naming the field) */
  validate(config: RunConfig): void
  createDriver(config: RunConfig): SearchDriver
  loadGroundTruth(path: string, space: string): GroundTruth
  spaces(): CatalogEntry[]
  proxies(): CatalogEntry[]
  strategies(): CatalogEntry[]
  datasets(): CatalogEntry[]
  detectDataset(path: string): PickedDataset
  previewDataset(spec: DatasetSpecData, count: number): DatasetPreview
  validateTable(path: string, space?: string): Omit<TableInfo, 'sha256'>
}
