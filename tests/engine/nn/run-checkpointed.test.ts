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
import { runSegment, traceCuts, type Segment } from '../../../src/engine/nn/segments'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef, Ops } from '../../../src/engine/core/network'
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

/** every valid cut: the finest plan */
function finest(def: NetworkDef): Segment[] {
  const { cuts, inputs } = traceCuts(def)
  const ends = [...cuts, inputs.length - 1]
  return ends.map((to, i) => ({ from: i === 0 ? -1 : ends[i - 1], to }))
}

/** one op per segment: boundaries of several live values (residual inputs, NB201 nodes) everywhere */
function everyOp(def: NetworkDef): Segment[] {
  return traceCuts(def).inputs.map((_, i) => ({ from: i - 1, to: i }))
}

async function run(checkpointed: boolean | ((def: NetworkDef) => Segment[]), def: NetworkDef, batch: Batch, seed: number, separateSweeps = false) {
  const params = materializeParams(def, 'pytorch', new Rng(seed))
  const t: Trace = { fwd: [], bwd: [], fwdData: [], bwdData: [] }
  const backwards: BackwardSpec[] = [
    { loss: 'ce', hooks: { onReluBackward: (c, g) => (t.bwd.push(`${c.index}:${c.tag.block}:${c.tag.site}`), t.bwdData.push(g.dataSync().slice() as Float32Array)) } },
    { loss: 'sumLogits', inputGrad: true },
  ]
  const forwardHooks = { onReluForward: (c: { index: number; tag: { block: number; site: string } }, pre: tf.Tensor) => (t.fwd.push(`${c.index}:${c.tag.block}`), t.fwdData.push(pre.dataSync().slice() as Float32Array)) }
  try {
    const o = { bn: 'train' as const, forwardHooks, backwards }
    const plan = checkpointed === true ? finest(def) : checkpointed === false ? undefined : checkpointed(def)
    const r = plan !== undefined ? await forwardMultiBackwardCheckpointed(def, params, batch, { ...o, plan, separateSweeps }) : await forwardMultiBackward(def, params, batch, o)
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
    it(`${name}: bit-identical to the plain pass, no leaked tensors`, async () => {
      const def = build()
      // cuts at least at every unit output (chain networks), and more inside units
      expect(traceCuts(def).cuts.length).toBeGreaterThanOrEqual(def.numBlocks)
      const batch = batchFor(def, 6, 3)
      const before = tf.memory().numTensors
      const plain = await run(false, def, batch, 11)
      const ck = await run(true, def, batch, 11)
      expect(tf.memory().numTensors).toBe(before)
      expect(ck.losses).toEqual(plain.losses)
      expect(ck.logits).toEqual(plain.logits)
      expect(ck.g).toEqual(plain.g)
      expect(ck.t.fwd).toEqual(plain.t.fwd)
      expect(ck.t.bwd).toEqual(plain.t.bwd)
      expect(ck.t.bwd.length).toBeGreaterThan(def.numBlocks)
      ck.t.fwdData.forEach((d, i) => expect(d).toEqual(plain.t.fwdData[i]))
      ck.t.bwdData.forEach((d, i) => expect(d).toEqual(plain.t.bwdData[i]))
      // one sweep per backward
      const sep = await run(true, def, batch, 11, true)
      expect(sep.losses).toEqual(plain.losses)
      expect(sep.g).toEqual(plain.g)
      expect(sep.t.bwd).toEqual(plain.t.bwd)
      sep.t.bwdData.forEach((d, i) => expect(d).toEqual(plain.t.bwdData[i]))
      expect(sep.t.fwd).toEqual(plain.t.fwd)
      // one op per segment (several live values at most boundaries)
      const fine = await run(everyOp, def, batch, 11)
      expect(tf.memory().numTensors).toBe(before)
      expect(fine.losses).toEqual(plain.losses)
      expect(fine.g).toEqual(plain.g)
      expect(fine.t.bwd).toEqual(plain.t.bwd)
      fine.t.bwdData.forEach((d, i) => expect(d).toEqual(plain.t.bwdData[i]))
    })
  }

  it('a value read across units removes the cuts it spans; a segment starting at an invalid cut is refused', () => {
    const def = TEST_NETS[0][1]()
    const plainCuts = traceCuts(def).cuts
    let unit0 = -1
    const skipping: NetworkDef = {
      ...def,
      forward: (ops, x) => {
        let first: typeof x | undefined
        return def.forward({ ...ops, unitOutput: (v, u) => (u === 0 ? (first = ops.unitOutput(v, u)) : u === 2 ? ops.unitOutput(ops.add(v, first!), u) : ops.unitOutput(v, u)) }, x)
      },
    }
    // op index of unit 0's output = the first cut of the plain network at or after the stem
    const tracer = traceCuts({ ...def, forward: (ops, x) => def.forward({ ...ops, unitOutput: (v, u) => (u === 0 && unit0 < 0 ? ((unit0 = v as unknown as number), v) : v) }, x) })
    expect(tracer.cuts).toEqual(plainCuts)
    expect(plainCuts).toContain(unit0)
    const cuts = traceCuts(skipping).cuts
    // between unit 0's output and the add in unit 2 no cut is valid (unit 0's output stays live)
    const add = traceCuts(skipping).inputs.findIndex((ins) => ins.includes(unit0) && ins.length === 2)
    expect(add).toBeGreaterThan(unit0)
    expect(cuts.some((c) => c > unit0 && c < add)).toBe(false)
    expect(cuts.some((c) => c < unit0)).toBe(true)
    // an interpreter that computes nothing: only runSegment's own check can fail
    const stub = new Proxy({}, { get: () => () => 0 }) as Ops<number>
    const inside = plainCuts.find((c) => c > unit0 && c < add)!
    expect(() => runSegment(skipping, stub, { from: inside, to: add }, 0, new Map([[inside, 0]]))).toThrow(/reads a value made before/)
    expect(runSegment(def, stub, { from: inside, to: add }, 0, new Map([[inside, 0]]))).toEqual([0])
    // kept with unit 0's output too, the same segment runs
    expect(runSegment(skipping, stub, { from: inside, to: add }, 0, new Map([[inside, 0], [unit0, 0]]))).toEqual([0])
  })
})
