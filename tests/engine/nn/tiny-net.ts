/**
 * A tiny network exercising every `Ops` method, for interpreter/runner tests
 * (input 5x5x3, resized to 6x6 first).
 * ReLU calls in order: #0 block 0 'main', #1 block 1 'main', #2 block 1 'se',
 * #3 block 2 'lastact' (inplace). Conv/linear layers in order:
 * stem.w, c1.w, c2.w, dw.w, se.w, fc.w. `unused.w` is declared but never used.
 */
import type { NetworkDef, Ops, ParamSpec } from '../../../src/engine/core/network'

const conv = (name: string, k: number, cin: number, cout: number): ParamSpec => ({
  name,
  kind: 'conv',
  shape: [k, k, cin, cout],
  fanIn: cin * k * k,
  fanOut: cout * k * k,
})
const bn = (p: string, c: number): ParamSpec[] => [
  { name: `${p}.g`, kind: 'bnGamma', shape: [c], fanIn: c, fanOut: c },
  { name: `${p}.b`, kind: 'bnBeta', shape: [c], fanIn: c, fanOut: c },
]

export const TINY_RELU_TAGS = [
  { block: 0, site: 'main' },
  { block: 1, site: 'main' },
  { block: 1, site: 'se' },
  { block: 2, site: 'lastact', inplace: true },
]
export const TINY_LAYERS = ['stem.w', 'c1.w', 'c2.w', 'dw.w', 'se.w', 'fc.w']

export function tinyNet(withUnused = false): NetworkDef {
  const params: ParamSpec[] = [
    conv('stem.w', 3, 3, 4),
    ...bn('stem', 4),
    conv('c1.w', 1, 4, 4),
    ...bn('c1', 4),
    conv('c2.w', 3, 4, 6),
    ...bn('c2', 6),
    { name: 'dw.w', kind: 'depthwise', shape: [3, 3, 6, 1], fanIn: 9, fanOut: 54 },
    { name: 'dw.b', kind: 'bias', shape: [6], fanIn: 9, fanOut: 54 },
    conv('se.w', 1, 6, 6),
    ...bn('last', 6),
    { name: 'fc.w', kind: 'linear', shape: [6, 4], fanIn: 6, fanOut: 4 },
    { name: 'fc.b', kind: 'bias', shape: [4], fanIn: 6, fanOut: 4 },
  ]
  if (withUnused) params.push(conv('unused.w', 1, 6, 6))
  return {
    name: 'tiny',
    params,
    numBlocks: 2,
    inputShape: [5, 5, 3],
    numClasses: 4,
    bnEps: 1e-5,
    forward<T>(ops: Ops<T>, x: T): T {
      const h = ops.batchNorm(ops.conv2d(ops.resizeBilinear(x, 6), 'stem.w', { stride: 1, pad: 'same' }), 'stem.g', 'stem.b')
      // block 0: relu-conv1x1-bn edge + avg-pool edge + 'none' edge
      let a = ops.relu(h, { block: 0, site: 'main' })
      a = ops.batchNorm(ops.conv2d(a, 'c1.w', { stride: 1, pad: 0 }), 'c1.g', 'c1.b')
      const n1 = ops.add(ops.add(a, ops.avgPool(h, 3, 1, 'same')), ops.zero(h))
      // block 1: relu-conv3x3/s2 (PyTorch pad 1)-bn, depthwise conv with bias, max-pool residual, SE gate
      let b = ops.relu(n1, { block: 1, site: 'main' })
      b = ops.batchNorm(ops.conv2d(b, 'c2.w', { stride: 2, pad: 1 }), 'c2.g', 'c2.b')
      b = ops.conv2d(b, 'dw.w', { stride: 1, pad: 'same', depthwise: true, bias: 'dw.b' })
      b = ops.add(b, ops.maxPool(b, 3, 1, 'same'))
      const s = ops.relu(ops.conv2d(ops.globalAvgPool(b), 'se.w', { stride: 1, pad: 'valid' }), { block: 1, site: 'se' })
      b = ops.mulChannels(b, ops.sigmoid(s))
      b = ops.sliceChannels(ops.concatChannels([b, ops.sigmoid(b)]), 6)
      const o = ops.relu(ops.batchNorm(b, 'last.g', 'last.b'), { block: 2, site: 'lastact', inplace: true })
      return ops.linear(ops.globalAvgPool(o), 'fc.w', 'fc.b')
    },
  }
}
