/**
 * What the backend needs from the engine, as one narrow interface. The real
 * implementation (`engine-adapter.ts`) wires the engine registries (spaces,
 * strategies, proxies, datasets, benchmark tables); keeping the port small
 * lets the supervisor be read and tested on its own.
 */
import type { GroundTruth } from '../../engine/core/data'
import type {
  CatalogEntry,
  DatasetPreview,
  DatasetSpecData,
  PickedDataset,
  RunConfig,
  TableInfo,
} from '../../shared/schemas'

/** One proposed architecture, in canonical string form. */
export interface Proposal {
  arch: string
  hash: string
}

/** What the strategy is told about one evaluation; `scores` null = failed (it then loses every comparison). */
export interface Told {
  arch: string
  scores: Record<string, number | null> | null
}

/**
 * A deterministic ask/tell search over one run. Contract (inherited from the
 * engine strategies): the same config + seed, and the same sequence of
 * `tell`s, give the same proposals; `restore(checkpoint())` continues exactly.
 */
export interface SearchDriver {
  ask(max: number): Proposal[]
  tell(results: Told[]): void
  done(): boolean
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
