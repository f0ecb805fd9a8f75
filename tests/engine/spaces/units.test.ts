/**
 * Every space marks its top-level units (what the reference hooks as
 * net.cells / net.layers / net.block_list): units 0..numBlocks−1, each once,
 * in order, and the ReLUs between two marks carry that unit's block index.
 */
import { describe, expect, it } from 'vitest'
import type { NetworkDef } from '../../../src/engine/core/network'
import { traceOps } from './trace-ops'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { getSpace } from '../../../src/engine/spaces/registry'
import { Rng } from '../../../src/engine/core/rng'

function trace(def: NetworkDef): { units: number[]; reluBlocksBefore: number[][] } {
  const units: number[] = []
  const reluBlocksBefore: number[][] = [[]]
  const ops = traceOps({
    relu: (x, t) => (t.site !== 'lastact' && reluBlocksBefore[reluBlocksBefore.length - 1].push(t.block), x),
    unitOutput: (x, u) => (units.push(u), reluBlocksBefore.push([]), x),
  })
  def.forward(ops, 0)
  return { units, reluBlocksBefore }
}

describe('top-level unit marks', () => {
  it('NB201: the 17 cells (reductions included), not the final BN-ReLU', () => {
    const def = buildNb201Network(nb201FromString('|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|'), { numClasses: 10, inputSize: 32 })
    const t = trace(def)
    expect(t.units).toEqual(Array.from({ length: 17 }, (_, i) => i))
    t.reluBlocksBefore.slice(0, 17).forEach((blocks, u) => expect(new Set(blocks)).toEqual(new Set([u])))
  })

  it('NB101 (12 layers: stem, 3×3 cells, 2 pools) and MobileNetV2 (9 blocks): units 0..numBlocks−1 in order', () => {
    for (const [space, n] of [['nb101', 12], ['mbv2', 9]] as const) {
      const s = getSpace(space)
      const def = s.buildNetwork(s.sample(new Rng(3)), { numClasses: 10, inputSize: 32 })
      expect(def.numBlocks).toBe(n)
      const t = trace(def)
      expect(t.units).toEqual(Array.from({ length: n }, (_, i) => i))
      t.reluBlocksBefore.slice(0, n).forEach((blocks, u) => {
        for (const b of blocks) expect(b).toBe(u) // a pool unit has no ReLU
      })
    }
  })
})
