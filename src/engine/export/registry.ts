/**
 * Registry of exporters (menus, the CLI's --format list and the run-folder
 * export come from here). Adding an exporter = one file + one entry in
 * `EXPORTERS`. Options and their defaults/bounds are declared once in
 * `EXPORT_OPTIONS` / `exportDefaults`.
 *
 * `exportArchitecture(req)` is the one entry point: it validates the request
 * (`INVALID_OPTION` naming the field), parses the architecture
 * (`INVALID_ARCH`), builds the engine network and runs the exporter.
 */
import type { InitScheme } from '../core/network'
import { ZsnasError } from '../core/errors'
import { getSpace } from '../spaces/registry'
import { INIT_SCHEMES } from '../nn/init'
import { optionProblem, type OptionSpec } from '../core/options'
import { traceNetwork, type ExportGraph } from './graph'
import { scoringWeights, type WeightMap } from './weights'
import type { ExportContext, Exporter, ExportFile, ExportRequest } from './types'
import { pytorchExporter } from './pytorch-exporter'
import { onnxExporter } from './onnx-exporter'
import { nb101JsonExporter, nb201Exporter, plainnetExporter } from './structure'

export type { ExportFile, ExportRequest, Exporter } from './types'

const EXPORTERS: readonly Exporter[] = [pytorchExporter, onnxExporter, plainnetExporter, nb201Exporter, nb101JsonExporter]

export interface ExporterInfo {
  id: string
  label: string
  description: string
  spaces: readonly string[] | 'all'
  usesWeightsOption: boolean
}

/** Exporters (optionally only those that apply to `space`), in menu order. */
export function listExporters(space?: string): ExporterInfo[] {
  return EXPORTERS.filter((e) => space === undefined || e.spaces === 'all' || e.spaces.includes(space)).map((e) => ({
    id: e.id,
    label: e.label,
    description: e.description,
    spaces: e.spaces,
    usesWeightsOption: e.usesWeightsOption,
  }))
}

export function getExporter(id: string): Exporter {
  const e = EXPORTERS.find((x) => x.id === id)
  if (!e) throw new ZsnasError('NOT_FOUND', `unknown export format '${id}'; expected one of ${EXPORTERS.map((x) => x.id).join(', ')}`, { id })
  return e
}

/** Defaults of an export request for `space`: CIFAR-10 for the cell spaces, ImageNet-1k at R for MobileNetV2. */
export function exportDefaults(space: string, resolution?: number): { numClasses: number; inputSize: number; init: InitScheme; seed: number; weights: boolean } {
  return space === 'mbv2'
    ? { numClasses: 1000, inputSize: resolution ?? 224, init: 'pytorch', seed: 0, weights: false }
    : { numClasses: 10, inputSize: 32, init: 'pytorch', seed: 0, weights: false }
}

/**
 * The options of an export with their bounds, declared once (the CLI flags and
 * the app's menu read them). `default` is the cell spaces'; for MobileNetV2
 * `numClasses` defaults to 1000 and `inputSize` to the architecture's R
 * (`exportDefaults`).
 */
export const EXPORT_OPTIONS: readonly OptionSpec[] = [
  { key: 'numClasses', label: 'classes', type: 'int', default: 10, min: 1, max: 100000, description: 'classifier outputs (10; MobileNetV2: 1000)' },
  { key: 'inputSize', label: 'input size', type: 'int', default: 32, min: 4, max: 1024, description: 'input H = W of the model (32; MobileNetV2: its R)' },
  { key: 'weights', label: 'weights', type: 'boolean', default: false, description: 'PyTorch: also write the initial weights (weights.safetensors)' },
  { key: 'init', label: 'init', type: 'enum', default: 'pytorch', choices: INIT_SCHEMES.map((v) => ({ value: v, label: v })), description: 'initialisation of the exported weights' },
  { key: 'seed', label: 'seed', type: 'int', default: 0, min: 0, max: 0xffffffff, description: 'weights = those zsnas score --seed S scores with' },
]

function checked<T>(key: string, v: T): T {
  const spec = EXPORT_OPTIONS.find((o) => o.key === key)!
  const problem = optionProblem(spec, v)
  if (problem !== undefined) throw new ZsnasError('INVALID_OPTION', `export option ${key} ${problem}`, { key })
  return v
}

/** Runs one export (pure: returns the files; see the module comment). */
export function exportArchitecture(req: ExportRequest): ExportFile[] {
  const exporter = getExporter(req.format)
  const space = getSpace(req.space)
  if (exporter.spaces !== 'all' && !exporter.spaces.includes(req.space)) {
    throw new ZsnasError('INVALID_OPTION', `format '${req.format}' is for the ${exporter.spaces.join('/')} space, not '${req.space}'; formats for ${req.space}: ${listExporters(req.space).map((e) => e.id).join(', ')}`)
  }
  const arch = space.fromString(req.arch)
  const resolution = req.space === 'mbv2' ? (arch as { resolution?: number }).resolution : undefined
  const d = exportDefaults(req.space, resolution)
  const numClasses = checked('numClasses', req.numClasses ?? d.numClasses)
  const inputSize = checked('inputSize', req.inputSize ?? d.inputSize)
  const seed = checked('seed', req.seed ?? d.seed)
  const init = checked('init', req.init ?? d.init)
  const withWeights = checked('weights', req.weights ?? d.weights)
  const opts = { numClasses, inputSize }
  const def = space.buildNetwork(arch, opts)
  let graph: ExportGraph | undefined
  let weights: WeightMap | undefined
  const ctx: ExportContext = {
    spaceId: req.space,
    space,
    arch: space.toString(arch),
    hash: space.hash(arch),
    numClasses,
    inputSize,
    withWeights,
    def,
    cost: space.cost(arch, opts),
    graph: () => (graph ??= traceNetwork(def)),
    weights: () => (weights ??= scoringWeights(def, init, seed)),
    init,
    seed,
  }
  return exporter.export(ctx)
}
