/**
 * Names shared by the PyTorch and ONNX exporters: every conv / BN / linear node
 * of an `ExportGraph` becomes one module whose name is derived from its engine
 * parameter name, and whose tensors get PyTorch `state_dict` keys.
 *
 * Guarantees: module names are valid, unique Python identifiers (the engine
 * name with its trailing `.w`/`.b`/`.weight`/`.bias`/`.gamma`/`.beta` removed
 * and dots turned into underscores, e.g. `stage1.0.expand.w` →
 * `stage1_0_expand`); `stateTensors` lists every tensor a PyTorch module
 * built from the graph has, in module order, with the engine parameter it
 * comes from (BN running statistics and `num_batches_tracked` have none).
 */
import { ZsnasError } from '../core/errors'
import type { ExportGraph, GraphNode } from './graph'
import { torchShape } from './weights'

/** Python identifier of the module built from parameter `name`. */
export function moduleName(name: string): string {
  const base = name.replace(/\.(w|b|weight|bias|gamma|beta)$/, '')
  let id = base.replace(/[^A-Za-z0-9_]/g, '_')
  if (/^[0-9]/.test(id)) id = `m_${id}`
  return id
}

export type ParamNode = Extract<GraphNode, { op: 'conv' | 'bn' | 'linear' }>

/** The module name of a conv / BN / linear node. */
export function nodeModule(n: ParamNode): string {
  return moduleName(n.op === 'bn' ? n.gamma : n.weight)
}

export interface StateTensor {
  /** state_dict key, e.g. `stem.weight` */
  key: string
  /** engine parameter it holds (undefined for BN running statistics) */
  param?: string
  /** BN buffers: their constant fill value */
  fill?: number
  dtype: 'float32' | 'int64'
  shape: number[]
}

/** Modules of the graph in execution order; throws INTERNAL on a name clash. */
export function paramNodes(g: ExportGraph): ParamNode[] {
  const out = g.nodes.filter((n): n is ParamNode => n.op === 'conv' || n.op === 'bn' || n.op === 'linear')
  const seen = new Map<string, string>()
  for (const n of out) {
    const m = nodeModule(n)
    const p = n.op === 'bn' ? n.gamma : n.weight
    if (seen.has(m)) throw new ZsnasError('INTERNAL', `exporter: parameters '${seen.get(m)}' and '${p}' map to the same module name '${m}'`)
    seen.set(m, p)
  }
  return out
}

/** Every tensor of the PyTorch model's state_dict, in order (see module comment). */
export function stateTensors(g: ExportGraph): StateTensor[] {
  const spec = new Map(g.params.map((p) => [p.name, p]))
  const shape = (name: string): number[] => torchShape(spec.get(name)!)
  const out: StateTensor[] = []
  for (const n of paramNodes(g)) {
    const m = nodeModule(n)
    if (n.op === 'bn') {
      out.push({ key: `${m}.weight`, param: n.gamma, dtype: 'float32', shape: [n.channels] })
      out.push({ key: `${m}.bias`, param: n.beta, dtype: 'float32', shape: [n.channels] })
      out.push({ key: `${m}.running_mean`, fill: 0, dtype: 'float32', shape: [n.channels] })
      out.push({ key: `${m}.running_var`, fill: 1, dtype: 'float32', shape: [n.channels] })
      out.push({ key: `${m}.num_batches_tracked`, fill: 0, dtype: 'int64', shape: [] })
      continue
    }
    out.push({ key: `${m}.weight`, param: n.weight, dtype: 'float32', shape: shape(n.weight) })
    if (n.bias !== undefined) out.push({ key: `${m}.bias`, param: n.bias, dtype: 'float32', shape: shape(n.bias) })
  }
  return out
}
