/**
 * Checkpointing never changes a score: WRCor, RCor, ACor, GCor, JacCor and
 * SynFlow computed together (one shared response pass + JacCor's Jacobian
 * from it) with checkpoint 'on' equal those with 'off', bit for bit, on
 * NB201, NB101 and MobileNetV2 networks (wasm). SynFlow runs its own
 * single-sample BN-free pass, which is never checkpointed (see README).
 * Also ACor alone (forward only: the checkpointed forward without a backward).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { computeProxies } from '../../../src/engine/proxies'
import { lastResponsePass } from '../../../src/engine/proxies/responses'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'
import { Rng } from '../../../src/engine/core/rng'
import type { NetworkDef } from '../../../src/engine/core/network'
import { backend } from './tiny-nets'
import { TEST_NETS, batchFor } from '../nn/checkpoint-nets'

beforeAll(async () => {
  await backend('wasm')
})

async function scores(def: NetworkDef, space: string, ids: string[], checkpoint: 'on' | 'off'): Promise<Record<string, number>> {
  const batch = batchFor(def, 8, 21)
  const params = materializeParams(def, 'pytorch', new Rng(4))
  try {
    const r = await computeProxies(ids, { space, def, params, batch, init: 'pytorch', seed: 3, checkpoint })
    expect(lastResponsePass.decision?.checkpoint).toBe(checkpoint === 'on')
    // the plan really splits the network
    if (checkpoint === 'on') expect(lastResponsePass.decision!.estimate.segments.length).toBeGreaterThan(1)
    return r.scores
  } finally {
    disposeParams(params)
  }
}

describe('checkpointed response pass: identical scores', () => {
  for (const [space, build] of TEST_NETS) {
    it(`${space}: WRCor family, JacCor and SynFlow bit-identical with checkpoint on and off`, async () => {
      const def = build()
      const before = tf.memory().numTensors
      const ids = ['wrcor', 'rcor', 'acor', 'gcor', 'jaccor', 'synflow']
      const off = await scores(def, space, ids, 'off')
      const on = await scores(def, space, ids, 'on')
      for (const id of ids) {
        expect(Number.isFinite(off[id]), `${space} ${id}`).toBe(true)
        expect(on[id], `${space} ${id}`).toBe(off[id])
      }
      // a forward-only response proxy alone
      expect((await scores(def, space, ['acor'], 'on')).acor).toBe(off.acor)
      expect(tf.memory().numTensors).toBe(before)
    })
  }
})
