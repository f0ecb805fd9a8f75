/**
 * Contracts of the model/structure exporters (one file per exporter, listed in
 * `registry.ts`). Exporters are pure: they return file names and contents and
 * never touch the file system (the CLI, the app's backend and the run-folder
 * export write them).
 */
import type { InitScheme, NetworkDef } from '../core/network'
import type { SearchSpace } from '../core/space'
import type { ExportGraph } from './graph'
import type { WeightMap } from './weights'

/** One exported file: a name relative to the output folder and its text or bytes. */
export interface ExportFile {
  name: string
  data: string | Uint8Array
  /** one line saying what the file is */
  description: string
}

/** What a user asks for (serialisable: it crosses IPC). */
export interface ExportRequest {
  /** search-space id, e.g. 'mbv2' */
  space: string
  /** architecture in any form the space's `fromString` accepts */
  arch: string
  /** exporter id (registry), e.g. 'onnx' */
  format: string
  /** classifier width (default: the space's, see `EXPORT_DEFAULTS`) */
  numClasses?: number
  /** input image size H = W the model takes (default: the space's) */
  inputSize?: number
  /** PyTorch: also write the engine's initial weights as a state_dict file (ONNX always carries weights) */
  weights?: boolean
  /** initialisation scheme of the exported weights (default 'pytorch', as `zsnas score`) */
  init?: InitScheme
  /** seed of the exported weights: those `zsnas score --seed S` scores with (default 0) */
  seed?: number
}

/** Everything an exporter may need, computed once per request (graph and weights lazily). */
export interface ExportContext {
  spaceId: string
  space: SearchSpace<unknown>
  /** canonical architecture string */
  arch: string
  hash: string
  numClasses: number
  inputSize: number
  withWeights: boolean
  def: NetworkDef
  /** params and multiply-adds per sample (the space's counter) */
  cost: { params: number; flops: number }
  graph(): ExportGraph
  /** the engine's initial weights for (init, seed), engine layout */
  weights(): WeightMap
  init: InitScheme
  seed: number
}

export interface Exporter {
  id: string
  label: string
  description: string
  /** space ids it applies to, or 'all' */
  spaces: readonly string[] | 'all'
  /** whether `weights` changes what it writes */
  usesWeightsOption: boolean
  export(ctx: ExportContext): ExportFile[]
}
