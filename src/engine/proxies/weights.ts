import type { NetworkDef, ParamSpec } from '../core/network'

/**
 * The "layer metric" parameters of zero-cost-nas (`get_layer_metric_array`):
 * the weights of every Conv2d (regular and depthwise, incl. SE and shortcut
 * convs) and Linear module — never biases or BN parameters.
 */
export function layerWeightSpecs(def: NetworkDef): ParamSpec[] {
  return def.params.filter((p) => p.kind === 'conv' || p.kind === 'depthwise' || p.kind === 'linear')
}

/**
 * Output channels of a layer weight in this project's layouts: conv HWIO
 * [k,k,in,out] → out; depthwise [k,k,C,1] → C; linear [in,out] → out.
 */
export function outChannels(spec: ParamSpec): number {
  if (spec.kind === 'depthwise') return spec.shape[2]
  return spec.shape[spec.shape.length - 1]
}

/**
 * Elements per output channel = PyTorch's prod(weight.shape[1:]):
 * conv (in/groups)·k·k, depthwise k·k, linear in.
 */
export function elementsPerOutChannel(spec: ParamSpec): number {
  return spec.shape.reduce((a, b) => a * b, 1) / outChannels(spec)
}
