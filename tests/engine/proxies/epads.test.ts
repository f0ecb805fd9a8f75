import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../../src/engine/backend/select'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef } from '../../../src/engine/core/network'
import type { ParamStore } from '../../../src/engine/nn/params'
import { disposeParams, materializeParams } from '../../../src/engine/nn/params'
import { runEpads } from '../../../src/engine/proxies/epads/run'
import { computeProxies, getProxy, listProxies } from '../../../src/engine/proxies'
import { EPADS_DEFAULTS, epadsOptions } from '../../../src/engine/proxies/epads'
import { nb201Space } from '../../../src/engine/spaces/nb201'

beforeAll(async () => {
  await initBackend({ log: () => {} })
})

/**
 * Tiny hand-built ReLU net, no BN: x [N,1,1,2] → linear W1 [2,3] → ReLU (block 0)
 * → linear W2 [3,2] → ReLU (block 1) = logits [N,2].
 */
const linNet: NetworkDef = {
  name: 'tiny-linear-relu',
  params: [
    { name: 'w1', kind: 'linear', shape: [2, 3], fanIn: 2, fanOut: 3 },
    { name: 'w2', kind: 'linear', shape: [3, 2], fanIn: 3, fanOut: 2 },
  ],
  numBlocks: 2,
  inputShape: [1, 1, 2],
  numClasses: 2,
  bnEps: 1e-5,
  forward: (ops, x) => ops.relu(ops.linear(ops.relu(ops.linear(x, 'w1'), { block: 0, site: 'main' }), 'w2'), { block: 1, site: 'main' }),
}
// W1 columns: h = (x0, x1, x0 − x1);  W2 columns: (r0 − r1, r2 − r0)
const linParams = (): ParamStore =>
  new Map([
    ['w1', tf.tensor2d([1, 0, 1, 0, 1, -1], [2, 3])],
    ['w2', tf.tensor2d([1, -1, -1, 0, 0, 1], [3, 2])],
  ])
// clean x: s0 = (1, 2), s1 = (−1, 1), s2 = (2, −3);  injected ε: (0,0), (1.5,0), (0,4)
const X = Float32Array.from([1, 2, -1, 1, 2, -3])
const EPS = Float32Array.from([0, 0, 1.5, 0, 0, 4])
/*
 * By hand.
 * Layer 1 (h = x0, x1, x0−x1):
 *   clean  s0 (1,2,−1) → 110   s1 (−1,1,−2) → 010   s2 (2,−3,5) → 101
 *   pert.  s0 (1,2,−1) → 110   s1 (0.5,1,−0.5) → 110   s2 (2,1,1) → 111     D2 = 0+1+1 = 2
 *   π = [1,2,0]: |c0−c1| = 100 (1), |c1−c2| = 111 (3), |c2−c0| = 011 (2)     D1 = 6
 * Layer 2 (r = relu(h); h2 = (r0−r1, r2−r0)):
 *   clean  s0 (−1,−1) → 00   s1 (−1,0) → 00   s2 (2,3) → 11
 *   pert.  s0 (−1,−1) → 00   s1 (−0.5,−0.5) → 00   s2 (1,−1) → 10          D2 = 1
 *   π = [2,0,1]: |c0−c2| = 2, |c1−c0| = 0, |c2−c1| = 2                          D1 = 4
 * Σ D1·D2 = 6·2 + 4·1 = 16, score = ln 16.
 */
const PERMS = [Int32Array.from([1, 2, 0]), Int32Array.from([2, 0, 1])]

/** x [N,1,1,2] → BN(γ=1, β=0, batch stats) → ReLU → linear (identity) */
const bnNet: NetworkDef = {
  name: 'tiny-bn-relu',
  params: [
    { name: 'g', kind: 'bnGamma', shape: [2], fanIn: 2, fanOut: 2 },
    { name: 'b', kind: 'bnBeta', shape: [2], fanIn: 2, fanOut: 2 },
    { name: 'w', kind: 'linear', shape: [2, 2], fanIn: 2, fanOut: 2 },
  ],
  numBlocks: 1,
  inputShape: [1, 1, 2],
  numClasses: 2,
  bnEps: 1e-5,
  forward: (ops, x) => ops.linear(ops.relu(ops.batchNorm(x, 'g', 'b'), { block: 0, site: 'main' }), 'w'),
}

function batchOf(x: Float32Array, n: number): Batch {
  return { x, shape: [n, 1, 1, 2], labels: new Int32Array(n), numClasses: 2 }
}

describe('ePADS on a hand-built network (fixed input, injected ε and permutations)', () => {
  it('gives the hand-computed D1, D2 per ReLU and ln(16)', async () => {
    const params = linParams()
    const r = await runEpads({ def: linNet, params, x: X, batchSize: 3, noise: EPS, permRng: new Rng(0), permutations: PERMS })
    expect(r.layers.map((l) => [l.index, l.d1, l.d2])).toEqual([
      [0, 6, 2],
      [1, 4, 1],
    ])
    expect(r.sum).toBe(16)
    expect(r.score).toBeCloseTo(Math.log(16), 12)
    disposeParams(params)
  })

  it('σ → 0: no pattern flips, D2 = 0 everywhere, score −Infinity (not NaN)', async () => {
    const params = linParams()
    const r = await runEpads({ def: linNet, params, x: X, batchSize: 3, noise: new Float32Array(6), permRng: new Rng(0), permutations: PERMS })
    expect(r.layers.map((l) => l.d2)).toEqual([0, 0])
    expect(r.layers.map((l) => l.d1)).toEqual([6, 4]) // the distinguishing term is unaffected
    expect(r.score).toBe(-Infinity)
    disposeParams(params)
  })

  it('runs BN in training mode over the joint 2B batch (clean and perturbed share the statistics)', async () => {
    // channel 0: clean 1, 3; perturbed 1+3 = 4, 3 → mean 2.75 → codes 0,1 | 1,1
    // channel 1: clean 5, 1; perturbed 5, 1       → mean 3    → codes 1,0 | 1,0
    // D2 = 1 (s0, ch 0). Per-half statistics would give D2 = 2; BN off (all > 0) D2 = 0.
    // D1 with π = [1,0]: 2·|01 − 10| = 4. Score ln 4.
    const params: ParamStore = new Map([
      ['g', tf.ones([2])],
      ['b', tf.zeros([2])],
      ['w', tf.tensor2d([1, 0, 0, 1], [2, 2])],
    ])
    const r = await runEpads({
      def: bnNet,
      params,
      x: Float32Array.from([1, 5, 3, 1]),
      batchSize: 2,
      noise: Float32Array.from([3, 0, 0, 0]),
      permRng: new Rng(0),
      permutations: [Int32Array.from([1, 0])],
    })
    expect(r.layers.map((l) => [l.d1, l.d2])).toEqual([[4, 1]])
    expect(r.score).toBeCloseTo(Math.log(4), 12)
    disposeParams(params)
  })

  it('leaves no tensors behind and does not touch the parameters', async () => {
    const params = linParams()
    const before = tf.memory().numTensors
    await runEpads({ def: linNet, params, x: X, batchSize: 3, noise: EPS, permRng: new Rng(4) })
    expect(tf.memory().numTensors).toBe(before)
    expect(Array.from(params.get('w1')!.dataSync())).toEqual([1, 0, 1, 0, 1, -1])
    disposeParams(params)
  })

  it('rejects a clean batch of the wrong size', async () => {
    const params = linParams()
    await expect(runEpads({ def: linNet, params, x: X.slice(0, 4), batchSize: 3, noise: EPS, permRng: new Rng(0) })).rejects.toThrow(/expected 3×1×1×2/)
    disposeParams(params)
  })
})

describe('ePADS permutations are seeded', () => {
  // 8 random 2-D inputs through the tiny net: D2 fixed by the injected ε, D1 depends on the permutations
  const r0 = new Rng(11)
  const x8 = Float32Array.from({ length: 16 }, () => r0.normal())
  const e8 = Float32Array.from({ length: 16 }, () => r0.normal())
  const run = async (seed: number) => {
    const params = linParams()
    try {
      return await runEpads({ def: linNet, params, x: x8, batchSize: 8, noise: e8, permRng: new Rng(seed) })
    } finally {
      disposeParams(params)
    }
  }
  it('same seed ⇒ same D1 and score; different seed ⇒ same D2, different D1', async () => {
    const a = await run(1), b = await run(1), c = await run(2)
    expect(b.layers).toEqual(a.layers)
    expect(b.score).toBe(a.score)
    expect(c.layers.map((l) => l.d2)).toEqual(a.layers.map((l) => l.d2))
    expect(c.layers.map((l) => l.d1)).not.toEqual(a.layers.map((l) => l.d1))
    expect(Number.isFinite(a.score)).toBe(true)
  })
})

describe('epads in the proxy registry', () => {
  it('is registered as a forward-only, label-free proxy with batch/σ options and the reference defaults', () => {
    const p = getProxy('epads')
    expect(listProxies()).toContain(p)
    expect(p.kind).toBe('standalone')
    expect(p.needsBackward).toBe(false)
    expect(p.needsLabels).toBe(false)
    expect(p.options?.map((o) => [o.key, o.default])).toEqual([
      ['batchSize', 128],
      ['sigma', 1],
    ])
    expect(EPADS_DEFAULTS).toEqual({ batchSize: 128, sigma: 1 })
  })

  it('validates its options', () => {
    expect(epadsOptions({})).toEqual({ batchSize: 128, sigma: 1 })
    expect(epadsOptions({ sigma: 0.5, batchSize: 16 })).toEqual({ batchSize: 16, sigma: 0.5 })
    expect(() => epadsOptions({ sigma: -1 })).toThrow(/sigma/)
    expect(() => epadsOptions({ batchSize: 2.5 })).toThrow(/batchSize/)
    expect(() => epadsOptions({ sigmaa: 1 })).toThrow(/no option 'sigmaa'/)
  })

  it('through computeProxies: reproducible per seed, −Infinity for σ = 0 and tiny σ, never NaN', async () => {
    const params = linParams()
    const input = (seed: number, sigma: number) => ({
      space: 'tiny',
      def: linNet,
      params,
      batch: batchOf(x8(), 8),
      init: 'pytorch' as const,
      seed,
      proxyOptions: { epads: { sigma } },
    })
    const a = await computeProxies(['epads'], input(5, 1))
    const b = await computeProxies(['epads'], input(5, 1))
    expect(Number.isFinite(a.scores.epads)).toBe(true)
    expect(b.scores.epads).toBe(a.scores.epads)
    expect((await computeProxies(['epads'], input(5, 0))).scores.epads).toBe(-Infinity)
    expect((await computeProxies(['epads'], input(5, 1e-30))).scores.epads).toBe(-Infinity)
    disposeParams(params)
  })
})

describe('ePADS draws its own un-augmented batch from the scoring dataset', () => {
  it('asks the dataset for batchSize images with augment: false, and refuses more than the dataset has', async () => {
    const calls: { n: number; augment: boolean | undefined }[] = []
    const source = {
      kind: 'fake',
      label: 'fake 5-image set',
      count: 5,
      numClasses: 2,
      imageSize: 1,
      sampleBatch(n: number, _rng: Rng, opts?: { augment?: boolean }): Batch {
        calls.push({ n, augment: opts?.augment })
        const r = new Rng(n)
        return batchOf(Float32Array.from({ length: n * 2 }, () => r.normal() + 0.05), n)
      },
    }
    const params = linParams()
    const input = (batchSize: number) => ({
      space: 'tiny',
      def: linNet,
      params,
      batch: batchOf(x8(), 8), // the shared (WRCor) batch: not used by ePADS when a dataset is given
      dataset: source,
      init: 'pytorch' as const,
      seed: 1,
      proxyOptions: { epads: { batchSize } },
    })
    const r = await computeProxies(['epads'], input(4))
    expect(calls).toEqual([{ n: 4, augment: false }])
    expect(Number.isFinite(r.scores.epads)).toBe(true)
    await expect(computeProxies(['epads'], input(6))).rejects.toThrow(/exceeds the 5 images/)
    disposeParams(params)
  })
})

function x8(): Float32Array {
  const r = new Rng(21)
  return Float32Array.from({ length: 16 }, () => r.normal() + 0.1) // never exactly 0
}

describe('ePADS counts the same ReLU calls as WRCor (paper mode) on NB201', () => {
  // all-conv3x3 cell: 15 cells × 6 conv edges (one ReLU each) + 2 reduction blocks × 2 + lastact = 95 calls
  const arch = nb201Space.fromString('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|')
  const def = nb201Space.buildNetwork(arch, { numClasses: 10, inputSize: 8 })
  let params: ParamStore
  beforeAll(() => {
    params = materializeParams(def, 'pytorch', new Rng(3))
  })
  afterAll(() => disposeParams(params))
  it('hooks every ReLU call (duplicates included) with one permutation each, blocks 0..17', async () => {
    const r = new Rng(8)
    const b = 2
    const x = Float32Array.from({ length: b * 8 * 8 * 3 }, () => r.normal())
    const res = await runEpads({ def, params, x, batchSize: b, noise: Float32Array.from(x, () => r.normal()), permRng: new Rng(1) })
    expect(res.layers.length).toBe(95)
    // distinct ReLU inputs: per cell nodes 0, 1, 2 (node 0 feeds 3 conv edges, node 1 two, node 2 one) = 45, + 4 + 1
    expect(res.distinctInputs).toBe(50)
    // calls on the same node tensor share D2 (it does not depend on the permutation): cell 0 calls 0, 1, 3 read node 0
    expect(res.layers[1].d2).toBe(res.layers[0].d2)
    expect(res.layers[3].d2).toBe(res.layers[0].d2)
    expect(res.layers.map((l) => l.index)).toEqual(Array.from({ length: 95 }, (_, i) => i))
    expect(res.layers.at(-1)!.tag.site).toBe('lastact')
    expect(new Set(res.layers.map((l) => l.tag.block)).size).toBe(18)
    expect(Number.isNaN(res.score)).toBe(false)
  })
})

describe('zsnas score with ePADS options (CLI, end to end)', () => {
  const CHEAP = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'
  const io = () => {
    const o = { out: '', err: '', errIsTTY: false }
    return { o, io: { out: (t: string) => void (o.out += t), err: (t: string) => void (o.err += t), errIsTTY: false } }
  }
  it('passes --epads-sigma / --epads-batch-size to the proxy: σ = 0 prints "-Infinity", σ = 1 a finite score', async () => {
    const { main } = await import('../../../src/cli/index')
    const base = ['score', '--arch', CHEAP, '--proxies', 'epads', '--dataset', 'noise:8:10', '--batch', '2', '--epads-batch-size', '2']
    const a = io()
    expect(await main([...base, '--epads-sigma', '0'], a.io)).toBe(0)
    expect(JSON.parse(a.o.out).scores.epads).toBe('-Infinity')
    const b = io()
    expect(await main([...base, '--epads-sigma', '1'], b.io)).toBe(0)
    expect(Number.isFinite(JSON.parse(b.o.out).scores.epads)).toBe(true)
  })
  it('rejects a bad option value with exit code 2 and names the flag', async () => {
    const { main } = await import('../../../src/cli/index')
    const c = io()
    expect(await main(['score', '--arch', CHEAP, '--proxies', 'epads', '--epads-sigma', '-1'], c.io)).toBe(2)
    expect(c.o.err).toMatch(/--epads-sigma/)
  })
})
