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
import type { StrategyRun } from '../engine/search/types'

/** A run's strategy plus the space's hash function (what a `SearchSession` needs from the engine). */
export interface RunSearch {
  /** the engine's deterministic ask/tell strategy (src/engine/search/types.ts) */
  strategy: StrategyRun
  hashOf(arch: string): string
}

export interface EnginePort {
  /** engine version string (goes into run manifests) */
  version: string
  /** proxies scored for every architecture of a run (the single proxy or the voting members), in order */
  proxyIds(config: RunConfig): string[]
  /** validates the config against the registries (throws ZsnasError INVALID_OPTION naming the field) */
  validate(config: RunConfig): void
  /** a fresh strategy for the run (validates the strategy options) */
  createSearch(config: RunConfig): RunSearch
  loadGroundTruth(path: string, space: string): GroundTruth
  spaces(): CatalogEntry[]
  proxies(): CatalogEntry[]
  strategies(): CatalogEntry[]
  datasets(): CatalogEntry[]
  detectDataset(path: string): PickedDataset
  previewDataset(spec: DatasetSpecData, count: number): DatasetPreview
  validateTable(path: string, space?: string): Omit<TableInfo, 'sha256'>
}
