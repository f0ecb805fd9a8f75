/**
 * computeProxies shares one forward between the response pass (WRCor, …)
 * and the input-Jacobian proxies (JacCor, NetSens, EPE) when they are asked
 * for together: the network's forward runs once, not twice, and every score
 * is bit-identical to the score of the proxy computed on its own.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { computeProxies } from '../../../src/engine/proxies'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { buildMbv2Network } from '../../../src/engine/spaces/mbv2'
import { nb101Space } from '../../../src/engine/spaces/nb101'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef } from '../../../src/engine/core/network'
import { backend } from './tiny-nets'

beforeAll(async () => {
  await backend('wasm')
})

function counted(def: NetworkDef): { def: NetworkDef; calls: () => number } {
  let n = 0
  // counts forwards on tensors (SynFlow's are {t: tensor, logScale}); shape-only passes (the memory estimate) are free
  const onTensors = (x: unknown): boolean => x instanceof tf.Tensor || (typeof x === 'object' && x !== null && (x as { t?: unknown }).t instanceof tf.Tensor)
  return { def: { ...def, forward: (ops, x) => (onTensors(x) && n++, def.forward(ops, x)) }, calls: () => n }
}

const CELL = '|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|nor_conv_1x1~1|nor_conv_3x3~2|'

async function score(ids: string[], seed: number, space = 'nb201', build = (): NetworkDef => buildNb201Network(nb201FromString(CELL), { numClasses: 10, inputSize: 16 })): Promise<{ scores: Record<string, number>; forwards: number }> {
  const { def, calls } = counted(build())
  const r = new Rng(seed)
  const n = 12
  const [h, w, ch] = def.inputShape
  const batch: Batch = {
    x: Float32Array.from({ length: n * h * w * ch }, () => r.normal()),
    shape: [n, h, w, ch],
    labels: Int32Array.from({ length: n }, (_, i) => (i * 7) % 10),
    numClasses: 10,
  }
  const params = materializeParams(def, 'pytorch', new Rng(seed + 1))
  try {
    const res = await computeProxies(ids, { space, def, params, batch, init: 'pytorch', seed })
    return { scores: res.scores, forwards: calls() }
  } finally {
    disposeParams(params)
  }
}

describe('shared forward of the response pass and the input-Jacobian proxies', () => {
  it('jaccor + wrcor: one forward instead of two, scores identical to separate runs', async () => {
    const before = tf.memory().numTensors
    const both = await score(['jaccor', 'wrcor'], 4)
    const j = await score(['jaccor'], 4)
    const w = await score(['wrcor'], 4)
    expect(j.forwards).toBe(1)
    expect(w.forwards).toBe(1)
    expect(both.forwards).toBe(1)
    expect(Number.isFinite(both.scores.jaccor) && Number.isFinite(both.scores.wrcor)).toBe(true)
    expect(both.scores.jaccor).toBe(j.scores.jaccor)
    expect(both.scores.wrcor).toBe(w.scores.wrcor)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('SJW members, NetSens and EPE with a forward-only response proxy (ACor): same values, one shared forward', async () => {
    const ids = ['synflow', 'acor', 'jaccor', 'netsens', 'epe', 'wrcor']
    const all = await score(ids, 9)
    for (const id of ids) {
      const alone = await score([id], 9)
      expect(all.scores[id], id).toBe(alone.scores[id])
    }
    // SynFlow runs its own (BN-free) forward; everything else shares one
    expect(all.forwards).toBe(2)
    const acorJac = await score(['acor', 'jaccor'], 9)
    expect(acorJac.forwards).toBe(1)
    expect(acorJac.scores.jaccor).toBe(all.scores.jaccor)
  })

  it('NB101 and MobileNetV2 networks (max-pool, channel splits, depthwise, SE, resize): shared scores equal separate ones', async () => {
    const st = (c: number, b: number, stride: number) => ({ e: 2, k: 3, s: stride, l: 1, c, b })
    const mbv2 = { stem: 8, stages: [st(8, 8, 2), st(8, 8, 1), st(16, 8, 2), st(16, 8, 1), st(16, 8, 2), st(16, 8, 1), st(16, 8, 1)], head: 16, resolution: 32 }
    const nets: [string, () => NetworkDef][] = [
      ['mbv2', () => buildMbv2Network(mbv2, { numClasses: 10, inputSize: 16 })],
      ['nb101', () => nb101Space.buildNetwork(nb101Space.fromString('matrix=0110/0001/0001/0000;ops=input,conv3x3-bn-relu,maxpool3x3,output'), { numClasses: 10, inputSize: 8 })],
    ]
    for (const [space, build] of nets) {
      const ids = ['jaccor', 'epe', 'wrcor']
      const all = await score(ids, 5, space, build)
      expect(all.forwards, space).toBe(1)
      for (const id of ids) {
        const alone = await score([id], 5, space, build)
        expect(Number.isFinite(all.scores[id]), `${space} ${id}`).toBe(true)
        expect(all.scores[id], `${space} ${id}`).toBe(alone.scores[id])
      }
    }
  })
})
