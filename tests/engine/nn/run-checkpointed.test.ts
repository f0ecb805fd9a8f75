/**
 * The checkpointed multi-backward pass (unit-by-unit forward, recompute in
 * the backward) against the plain one (nn/run-multi.ts) on NB201, NB101 and
 * MobileNetV2 networks, on wasm: losses, logits, input gradients and every
 * hook tensor must be bit-identical (same kernels on the same values, same
 * accumulation order), and nothing may leak.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'
import { forwardMultiBackward, type BackwardSpec } from '../../../src/engine/nn/run-multi'
import { forwardMultiBackwardCheckpointed } from '../../../src/engine/nn/run-checkpointed'
import { checkSegmentable } from '../../../src/engine/nn/segments'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef } from '../../../src/engine/core/network'
import { backend } from '../proxies/tiny-nets'
import { TEST_NETS, batchFor } from './checkpoint-nets'

beforeAll(async () => {
  await backend('wasm')
})

interface Trace {
  fwd: string[]
  bwd: string[]
  fwdData: Float32Array[]
  bwdData: Float32Array[]
}

function run(checkpointed: boolean, def: NetworkDef, batch: Batch, seed: number) {
  const params = materializeParams(def, 'pytorch', new Rng(seed))
  const t: Trace = { fwd: [], bwd: [], fwdData: [], bwdData: [] }
  const backwards: BackwardSpec[] = [
    { loss: 'ce', hooks: { onReluBackward: (c, g) => (t.bwd.push(`${c.index}:${c.tag.block}:${c.tag.site}`), t.bwdData.push(g.dataSync().slice() as Float32Array)) } },
    { loss: 'sumLogits', inputGrad: true },
  ]
  const forwardHooks = { onReluForward: (c: { index: number; tag: { block: number; site: string } }, pre: tf.Tensor) => (t.fwd.push(`${c.index}:${c.tag.block}`), t.fwdData.push(pre.dataSync().slice() as Float32Array)) }
  try {
    const r = (checkpointed ? forwardMultiBackwardCheckpointed : forwardMultiBackward)(def, params, batch, { bn: 'train', forwardHooks, backwards })
    const g = r.inputGrads[1]!.dataSync().slice()
    r.inputGrads.forEach((x) => x?.dispose())
    expect(r.inputGrads[0]).toBeUndefined()
    return { losses: r.losses, logits: r.logits, g, t }
  } finally {
    disposeParams(params)
  }
}

describe('checkpointed forward/multi-backward', () => {
  for (const [name, build] of TEST_NETS) {
    it(`${name}: bit-identical to the plain pass, no leaked tensors`, () => {
      const def = build()
      expect(checkSegmentable(def)).toBe(true)
      const batch = batchFor(def, 6, 3)
      const before = tf.memory().numTensors
      const plain = run(false, def, batch, 11)
      const ck = run(true, def, batch, 11)
      expect(tf.memory().numTensors).toBe(before)
      expect(ck.losses).toEqual(plain.losses)
      expect(ck.logits).toEqual(plain.logits)
      expect(ck.g).toEqual(plain.g)
      expect(ck.t.fwd).toEqual(plain.t.fwd)
      expect(ck.t.bwd).toEqual(plain.t.bwd)
      expect(ck.t.bwd.length).toBeGreaterThan(def.numBlocks)
      ck.t.fwdData.forEach((d, i) => expect(d).toEqual(plain.t.fwdData[i]))
      ck.t.bwdData.forEach((d, i) => expect(d).toEqual(plain.t.bwdData[i]))
    })
  }

  it('a network whose unit reads past the previous unit output is refused', () => {
    const def = TEST_NETS[0][1]()
    const skipping: NetworkDef = {
      ...def,
      forward: (ops, x) => {
        let first: typeof x | undefined
        return def.forward({ ...ops, unitOutput: (v, u) => (u === 0 ? (first = ops.unitOutput(v, u)) : u === 2 ? ops.unitOutput(ops.add(v, first!), u) : ops.unitOutput(v, u)) }, x)
      },
    }
    expect(checkSegmentable(skipping)).toBe(false)
    expect(() => forwardMultiBackwardCheckpointed(skipping, new Map(), batchFor(def, 2, 1), { bn: 'train', backwards: [{ loss: 'ce', inputGrad: true }] })).toThrow(/cannot be checkpointed/)
  })
})
