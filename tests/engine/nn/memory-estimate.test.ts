/**
 * The peak-bytes estimate (nn/memory-estimate.ts) against the peak tfjs
 * itself counts (`tf.profile`: bytes of live tensors after every kernel)
 * for the plain and the checkpointed response pass (WRCor + JacCor's input
 * Jacobian, two backwards) on NB201, NB101 and MobileNetV2 networks, on
 * wasm: within 25 %. Also: checkpointing lowers the measured peak.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'
import { estimatePassBytes } from '../../../src/engine/nn/memory-estimate'
import { runResponsePass } from '../../../src/engine/proxies/responses'
import { getProxy } from '../../../src/engine/proxies/registry'
import { Rng } from '../../../src/engine/core/rng'
import type { NetworkDef } from '../../../src/engine/core/network'
import type { ProxyContext, ResponseProxyDef } from '../../../src/engine/proxies/types'
import { backend } from '../proxies/tiny-nets'
import { MEMORY_NETS, batchFor } from './checkpoint-nets'

beforeAll(async () => {
  await backend('wasm')
})

async function measuredPeak(def: NetworkDef, space: string, n: number, checkpoint: 'on' | 'off'): Promise<number> {
  const batch = batchFor(def, n, 5)
  const params = materializeParams(def, 'pytorch', new Rng(2))
  try {
    const wrcor = getProxy('wrcor') as ResponseProxyDef
    const ctx = { space, def, params, batch, init: 'pytorch', mode: 'paper', options: {}, rng: new Rng(1) } as unknown as ProxyContext
    const start = tf.memory().numBytes
    // awaited: the pass may be asynchronous (host reads)
    const prof = await tf.profile(async () => {
      await runResponsePass({ space, mode: 'paper', def, params, batch, checkpoint }, [wrcor.consumer(ctx)], { onInputJacobian: () => {} })
    })
    return prof.peakBytes - start
  } finally {
    disposeParams(params)
  }
}

describe('peak-bytes estimate of the response pass', () => {
  for (const [space, build, n] of MEMORY_NETS) {
    it(`${space}: plain and checkpointed estimates within 25 % of the measured peak`, async () => {
      const def = build()
      const est = estimatePassBytes(def, { batchSize: n, backwards: 2, reluHooks: true, bn: 'train' })
      const plain = await measuredPeak(def, space, n, 'off')
      const ck = await measuredPeak(def, space, n, 'on')
      console.log(`${space} N=${n}: plain est ${(est.plainBytes / 2 ** 20).toFixed(1)} MB measured ${(plain / 2 ** 20).toFixed(1)} MB; checkpointed est ${(est.checkpointedBytes / 2 ** 20).toFixed(1)} MB measured ${(ck / 2 ** 20).toFixed(1)} MB`)
      expect(Math.abs(est.plainBytes / plain - 1)).toBeLessThan(0.25)
      expect(Math.abs(est.checkpointedBytes / ck - 1)).toBeLessThan(0.25)
      // never above the plain pass (NB101 at N = 8: both peak in the same max-pool backward since BN saves its input)
      expect(ck).toBeLessThanOrEqual(plain)
    })
  }
})
