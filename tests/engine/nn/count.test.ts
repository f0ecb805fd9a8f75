import { describe, expect, it } from 'vitest'
import { countNetwork, NB201_COUNT_RULES, type CountRules } from '../../../src/engine/nn/count'
import type { NetworkDef, ParamSpec } from '../../../src/engine/core/network'
import { ZsnasError } from '../../../src/engine/core/errors'

const conv = (name: string, k: number, i: number, o: number): ParamSpec => ({ name, kind: 'conv', shape: [k, k, i, o], fanIn: i * k * k, fanOut: o * k * k })
const bnp = (name: string, c: number): ParamSpec[] => [
  { name: `${name}.g`, kind: 'bnGamma', shape: [c], fanIn: c, fanOut: c },
  { name: `${name}.b`, kind: 'bnBeta', shape: [c], fanIn: c, fanOut: c },
]

// 5×5×2 input: conv3 s2 pad1 -> 3×3×4 (+bias); BN; ReLU; depthwise 3×3 'same' s1 -> 3×3×4; maxpool 3 'valid' -> 1×1×4; linear 4->3 (+bias)
const def: NetworkDef = {
  name: 'toy',
  params: [
    conv('c1', 3, 2, 4),
    { name: 'c1.bias', kind: 'bias', shape: [4], fanIn: 18, fanOut: 36 },
    ...bnp('bn', 4),
    { name: 'dw', kind: 'depthwise', shape: [3, 3, 4, 1], fanIn: 9, fanOut: 36 },
    { name: 'fc', kind: 'linear', shape: [4, 3], fanIn: 4, fanOut: 3 },
    { name: 'fc.bias', kind: 'bias', shape: [3], fanIn: 4, fanOut: 3 },
  ],
  numBlocks: 1,
  inputShape: [5, 5, 2],
  numClasses: 3,
  bnEps: 1e-5,
  forward(o, x) {
    let h = o.conv2d(x, 'c1', { stride: 2, pad: 1, bias: 'c1.bias' })
    h = o.relu(o.batchNorm(h, 'bn.g', 'bn.b'), { block: 0, site: 'main' })
    h = o.conv2d(h, 'dw', { stride: 1, pad: 'same', depthwise: true })
    h = o.maxPool(h, 3, 1, 'valid')
    return o.linear(o.globalAvgPool(h), 'fc', 'fc.bias')
  },
}

describe('countNetwork (shape-only interpreter)', () => {
  it('NB201 rules on a hand-counted toy network', () => {
    const r = countNetwork(def)
    // params: 72 + 4 + 8 + 36 + 12 + 3
    expect(r.params).toBe(135)
    // conv: 3·3 positions × (9·2·4 + 4 bias) = 684; depthwise: 9 × 9·1·4 = 324; linear 12 + 3 = 15
    expect(r.flopsByOp).toMatchObject({ conv: 684 + 324, linear: 15, batchNorm: 0, pool: 0 })
    expect(r.flops).toBe(684 + 324 + 15)
  })

  it('custom rules see the right shapes (e.g. a counter that also counts BN and pools)', () => {
    const seen: string[] = []
    const rules: CountRules = {
      ...NB201_COUNT_RULES,
      param: (s) => (s.kind === 'bnGamma' || s.kind === 'bnBeta' ? s.shape[0] / 2 : NB201_COUNT_RULES.param(s)),
      batchNorm: (x) => (seen.push(`bn ${x.h}x${x.w}x${x.c}`), x.h * x.w * x.c),
      pool: (i) => (seen.push(`pool ${i.input.h}->${i.output.h} k${i.k} ${i.kind}`), i.output.h * i.output.w * i.output.c * i.k * i.k),
    }
    const r = countNetwork(def, rules)
    expect(seen).toEqual(['bn 3x3x4', 'pool 3->1 k3 max'])
    expect(r.params).toBe(135 - 4)
    expect(r.flops).toBe(684 + 324 + 15 + 36 + 36)
  })

  it('shape errors name the layer', () => {
    const bad: NetworkDef = { ...def, forward: (o, x) => o.linear(o.globalAvgPool(o.conv2d(x, 'dw', { stride: 1, pad: 'same' })), 'fc') }
    expect(() => countNetwork(bad)).toThrow(ZsnasError)
    expect(() => countNetwork(bad)).toThrow(/conv dw: input has 2 channels/)
    const unknown: NetworkDef = { ...def, forward: (o, x) => o.linear(o.globalAvgPool(x), 'nope') }
    expect(() => countNetwork(unknown)).toThrow(/unknown parameter 'nope'/)
  })
})
