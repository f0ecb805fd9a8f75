import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/engine/backend/select'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef } from '../../../src/engine/core/network'
import { computeProxies, registerProxy, isOutOfMemory, type ProxyDef } from '../../../src/engine/proxies'
import type { ParamStore } from '../../../src/engine/nn/params'

const def: NetworkDef = {
  name: 'lin',
  params: [{ name: 'w', kind: 'linear', shape: [4, 2], fanIn: 4, fanOut: 2 }],
  numBlocks: 1,
  inputShape: [1, 1, 4],
  numClasses: 2,
  bnEps: 1e-5,
  forward: (o, x) => o.linear(o.relu(x, { block: 0, site: 'main' }), 'w'),
}

// response proxy that "runs out of memory" on chunks larger than 3 samples; its chunk score is the chunk size
const seenChunks: number[] = []
const oomProxy: ProxyDef = {
  kind: 'response',
  id: 'test-oom',
  label: 'OOM test',
  description: 'test only',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  consumer(ctx) {
    const n = ctx.batch.shape[0]
    return {
      wantsActivationCorr: true,
      onActivationCorr: () => {
        if (n > 3) throw new Error('wasm: out of memory (test)')
      },
      finish: () => (seenChunks.push(n), n),
    }
  },
}
// standalone proxy that overwrites its parameters; must get its own copy
const mutating: ProxyDef = {
  kind: 'standalone',
  id: 'test-mutate',
  label: 'mutating test',
  description: 'test only',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  mutatesParams: true,
  compute(ctx) {
    const old = ctx.params.get('w')!
    ctx.params.set('w', tf.zerosLike(old))
    old.dispose()
    return ctx.rng.next()
  },
}

let params: ParamStore
const batch: Batch = {
  x: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) + (i % 5) * 0.1),
  shape: [6, 1, 1, 4],
  labels: Int32Array.from([0, 1, 0, 1, 1, 0]),
  numClasses: 2,
}

beforeAll(async () => {
  await initBackend({ log: () => {} })
  registerProxy(oomProxy)
  registerProxy(mutating)
  params = new Map([['w', tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2])]])
})

describe('proxy registry wrapper', () => {
  it('out of memory: splits the batch and multiplies the chunk scores (reference quirk)', async () => {
    seenChunks.length = 0
    const r = await computeProxies(['test-oom', 'acor'], { space: 't', def, params, batch, init: 'pytorch', seed: 1 })
    expect(r.responseChunks).toBe(2)
    expect(seenChunks).toEqual([3, 3])
    expect(r.scores['test-oom']).toBe(9)
    expect(Number.isFinite(r.scores.acor) || r.scores.acor === -Infinity).toBe(true)
  })

  it('gives up after maxSplits and rethrows', async () => {
    await expect(
      computeProxies(['test-oom'], { space: 't', def, params, batch, init: 'pytorch', seed: 1, maxSplits: 0 }),
    ).rejects.toThrow(/out of memory/)
  })

  it('a proxy that mutates parameters gets a fresh copy; per-proxy rng is seeded', async () => {
    const a = await computeProxies(['test-mutate'], { space: 't', def, params, batch, init: 'pytorch', seed: 5 })
    expect(Array.from(params.get('w')!.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    const b = await computeProxies(['test-mutate'], { space: 't', def, params, batch, init: 'pytorch', seed: 5 })
    expect(b.scores['test-mutate']).toBe(a.scores['test-mutate'])
    expect(a.timings['test-mutate']).toBeGreaterThanOrEqual(0)
  })

  it('duplicate ids are rejected; OOM detection', () => {
    expect(() => registerProxy(oomProxy)).toThrow(/registered twice/)
    expect(isOutOfMemory(new Error('Aborted(). Build with -sASSERTIONS'))).toBe(true)
    expect(isOutOfMemory(new Error('shape mismatch'))).toBe(false)
  })
})
