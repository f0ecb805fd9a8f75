import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { computeProxies } from '../../../src/engine/proxies'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { buildMbv2Network } from '../../../src/engine/spaces/mbv2'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef } from '../../../src/engine/core/network'
import { backend } from './tiny-nets'

beforeAll(async () => {
  await backend('wasm')
})

const ISSUE3 = ['synflow', 'jaccor', 'naswot', 'snip', 'grasp', 'fisher', 'gradnorm', 'pnorm', 'zico', 'zen', 'params', 'flops', 'netsens', 'epe', 'lydyniso', 'phi', 'bt']

function batchFor(def: NetworkDef, n: number, seed: number): Batch {
  const [h, w, c] = def.inputShape
  const r = new Rng(seed)
  return {
    x: Float32Array.from({ length: n * h * w * c }, () => r.normal()),
    shape: [n, h, w, c],
    labels: Int32Array.from({ length: n }, (_, i) => i % def.numClasses),
    numClasses: def.numClasses,
  }
}

async function scoreAll(space: string, def: NetworkDef): Promise<Record<string, number>> {
  const before = tf.memory().numTensors
  const params = materializeParams(def, 'pytorch', new Rng(1))
  const r = await computeProxies(ISSUE3, { space, def, params, batch: batchFor(def, 4, 2), init: 'pytorch', seed: 3 })
  // every proxy cleans up after itself: once the parameters (and the kernels the op library cached for them) are released, nothing remains
  disposeParams(params)
  expect(tf.memory().numTensors).toBe(before)
  return r.scores
}

describe('every issue-#3 proxy end to end through the registry', () => {
  it('NB201 cell: all finite, in the requested order, no tensor leaks', async () => {
    const def = buildNb201Network(nb201FromString('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|'), {
      numClasses: 10,
      inputSize: 8,
    })
    const s = await scoreAll('nb201', def)
    expect(Object.keys(s)).toEqual(ISSUE3)
    for (const id of ISSUE3) expect(Number.isFinite(s[id]), id).toBe(true)
  })

  it('MobileNetV2-space network (depthwise convs, SE, resize, biased shortcut): all finite, no leaks', async () => {
    const st = (c: number, b: number, s: number) => ({ e: 2, k: 3, s, l: 1, c, b })
    const arch = {
      stem: 8,
      stages: [st(8, 8, 2), st(8, 8, 1), st(16, 8, 2), st(16, 8, 1), st(16, 8, 2), st(16, 8, 1), st(16, 8, 1)],
      head: 16,
      resolution: 32,
    }
    const def = buildMbv2Network(arch, { numClasses: 10, inputSize: 16 })
    const s = await scoreAll('mbv2', def)
    for (const id of ISSUE3) expect(Number.isFinite(s[id]), id).toBe(true)
  })
})
