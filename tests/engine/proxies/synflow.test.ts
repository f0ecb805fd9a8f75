import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { synflowScore, synflowWeightNames } from '../../../src/engine/proxies/synflow-score'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { materializeParams, absParams, disposeParams } from '../../../src/engine/nn/params'
import { forwardBackward } from '../../../src/engine/nn/run'
import { buildMbv2Network } from '../../../src/engine/spaces/mbv2'
import { nb101Space } from '../../../src/engine/spaces/nb101/space'
import { Rng } from '../../../src/engine/core/rng'
import { backend, disposeStore, mlp, residualChain, type Mat } from './tiny-nets'

beforeAll(async () => {
  await backend('wasm')
})

describe('SynFlow on a 2-layer linear+ReLU net (hand-computed)', () => {
  it('equals Σ|W1|·rowsum|W2| + Σ rowsum|W2|·h with h = |W1|ᵀ1 + |b1|', async () => {
    // |W1| = [[1,2],[0.5,3]], |b1| = [0.1,0.2] -> h = [1.6, 5.2]
    // |W2| = [[2,1],[0.5,1]] -> row sums r = [3, 1.5]
    // layer 1: Σ_ij |W1_ij| r_j = 1.5·3 + 5·1.5 = 12 ; layer 2: Σ_j r_j h_j = 4.8 + 7.8 = 12.6
    const { def, params } = mlp({ w1: [[1, -2], [0.5, 3]], b1: [0.1, -0.2], w2: [[2, -1], [-0.5, 1]], b2: [1, -1] })
    const r = await synflowScore(def, params)
    expect(r.logScore).toBeCloseTo(Math.log(24.6), 5)
    expect(r.layers.map((l) => l.name)).toEqual(['fc1', 'fc2'])
    expect(Math.exp(r.layers[0].logContribution)).toBeCloseTo(12, 4)
    expect(Math.exp(r.layers[1].logContribution)).toBeCloseTo(12.6, 4)
    // the caller's (signed) parameters are untouched
    expect(Array.from(params.get('fc1')!.dataSync())).toEqual([1, -2, 0.5, 3])
    disposeStore(params)
  })

  it('is −Infinity when no weight influences the output', async () => {
    const { def, params } = mlp({ w1: [[0, 0]], w2: [[1], [2]], b2: [3] })
    expect((await synflowScore(def, params)).logScore).toBe(-Infinity)
    disposeStore(params)
  })
})

/** float64 reference of SynFlow for the chain h1 = |W_0|ᵀ1, h_{l+1} = h_l + |W_l|ᵀh_l, logits = |W_L|ᵀh_L. */
function chainSynflow64(ws: Mat[]): number {
  const depth = ws.length - 1
  const A = ws.map((m) => m.map((row) => row.map(Math.abs)))
  const mv = (M: number[][], h: number[]) => M[0].map((_, j) => h.reduce((s, hi, i) => s + hi * M[i][j], 0)) // Mᵀh
  const hs: number[][] = [new Array(ws[0].length).fill(1)]
  hs.push(mv(A[0], hs[0]))
  for (let l = 1; l < depth; l++) {
    const y = mv(A[l], hs[l])
    hs.push(hs[l].map((v, j) => v + y[j]))
  }
  // backward: g = ∂R/∂(output of layer l); a linear layer y = Aᵀh contributes Σ_ij A_ij h_i g_j
  let g: number[] = new Array(A[depth][0].length).fill(1)
  let total = 0
  const contrib = (l: number, h: number[], gy: number[]) => h.reduce((s, hi, i) => s + hi * A[l][i].reduce((t, a, j) => t + a * gy[j], 0), 0)
  const back = (l: number, gy: number[]) => A[l].map((row) => row.reduce((t, a, j) => t + a * gy[j], 0)) // A·g
  total += contrib(depth, hs[depth], g)
  g = back(depth, g)
  for (let l = depth - 1; l >= 1; l--) {
    total += contrib(l, hs[l], g)
    const gb = back(l, g)
    g = g.map((v, i) => v + gb[i])
  }
  total += contrib(0, hs[0], g)
  return Math.log(total)
}

function randomChain(seed: number, depth: number, width: number): Mat[] {
  const r = new Rng(seed)
  const ws: Mat[] = []
  for (let l = 0; l < depth; l++) ws.push(Array.from({ length: width }, () => Array.from({ length: width }, () => 2 * r.next() - 1)))
  ws.push(Array.from({ length: width }, () => Array.from({ length: 3 }, () => 2 * r.next() - 1)))
  return ws
}

describe('SynFlow beyond float32 range', () => {
  it('deep chains whose true SynFlow overflows float32 match a float64 reference and rank correctly', async () => {
    const chains = [
      randomChain(1, 60, 10),
      randomChain(2, 65, 10),
      randomChain(3, 55, 12),
      randomChain(4, 70, 8),
      randomChain(5, 62, 9),
    ]
    const ref = chains.map(chainSynflow64)
    // the true values are far beyond float32's max (log 3.4e38 ≈ 88.7)
    expect(Math.max(...ref)).toBeGreaterThan(100)
    // float32 really overflows on them: plain forward of the largest chain in float32 is Infinity
    const got: number[] = []
    for (const ws of chains) {
      const { def, params } = residualChain(ws)
      got.push((await synflowScore(def, params)).logScore)
      disposeStore(params)
    }
    for (let i = 0; i < chains.length; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThan(1e-3)
    const order = (v: number[]): number[] => v.map((_, i) => i).sort((a, b) => v[a] - v[b])
    expect(order(got)).toEqual(order(ref))
  })

  it('a plain float32 evaluation of the same chain overflows (why log-scaling is needed)', () => {
    const ws = randomChain(4, 70, 8)
    const inf = tf.tidy(() => {
      let h = tf.matMul(tf.ones([1, 8]), tf.abs(tf.tensor2d(ws[0])))
      for (let l = 1; l < 70; l++) h = tf.add(h, tf.matMul(h, tf.abs(tf.tensor2d(ws[l]))))
      return tf.sum(tf.matMul(h, tf.abs(tf.tensor2d(ws[70])))).dataSync()[0]
    })
    expect(inf).toBe(Infinity)
  })
})

describe('SynFlow on NB201 networks', () => {
  const build = (s: string) => buildNb201Network(nb201FromString(s), { numClasses: 10, inputSize: 8 })

  it('agrees with the textbook computation (A1 weight gradients of Σlogits, |θ|, BN off, float32) where float32 suffices', async () => {
    // conv-1x1 cells stay inside float32 range; the textbook route differentiates the weights directly
    const def = build('|nor_conv_1x1~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|skip_connect~2|')
    const params = materializeParams(def, 'pytorch', new Rng(4))
    const abs = absParams(params)
    const names = synflowWeightNames(def)
    const res = await forwardBackward(def, abs, { x: tf.ones([1, 8, 8, 3]) as tf.Tensor4D }, { bn: 'off', loss: 'sumLogits', wrt: 'params', paramNames: names })
    let textbook = 0
    for (const n of names) {
      const w = abs.get(n)!.dataSync()
      const g = res.paramGrads!.get(n)!.dataSync()
      for (let i = 0; i < w.length; i++) textbook += Math.abs(w[i] * g[i])
      res.paramGrads!.get(n)!.dispose()
    }
    expect(Number.isFinite(textbook)).toBe(true)
    const scaled = (await synflowScore(def, params)).logScore
    expect(Math.abs(scaled - Math.log(textbook))).toBeLessThan(1e-4)
    disposeParams(abs)
    disposeParams(params)
  })

  it('the all-conv3x3 cell exceeds float32 (log > 88.7) yet gives a finite log-score, above the conv-free cell', async () => {
    const conv = build('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|')
    const pool = build('|avg_pool_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|skip_connect~1|none~2|')
    const pc = materializeParams(conv, 'pytorch', new Rng(5))
    const pp = materializeParams(pool, 'pytorch', new Rng(5))
    const a = (await synflowScore(conv, pc)).logScore
    const b = (await synflowScore(pool, pp)).logScore
    expect(a).toBeGreaterThan(Math.log(3.4028235e38))
    expect(Number.isFinite(a)).toBe(true)
    expect(a).toBeGreaterThan(b)
    disposeParams(pc)
    disposeParams(pp)
  })
})

describe('SynFlow on a MobileNetV2-space network (depthwise, SE sigmoid gates, biased shortcut)', () => {
  it('agrees with the textbook float32 computation on a small network', async () => {
    const st = (c: number, b: number, s: number) => ({ e: 2, k: 3, s, l: 2, c, b })
    const arch = {
      stem: 8,
      stages: [st(8, 8, 2), st(8, 8, 1), st(16, 8, 2), st(16, 8, 1), st(16, 8, 2), st(16, 8, 1), st(16, 8, 1)],
      head: 16,
      resolution: 32,
    }
    const def = buildMbv2Network(arch, { numClasses: 10, inputSize: 32 })
    const params = materializeParams(def, 'pytorch', new Rng(6))
    const abs = absParams(params)
    const names = synflowWeightNames(def)
    expect(def.params.some((p) => p.kind === 'depthwise')).toBe(true)
    const res = await forwardBackward(def, abs, { x: tf.ones([1, 32, 32, 3]) as tf.Tensor4D }, { bn: 'off', loss: 'sumLogits', wrt: 'params', paramNames: names })
    let textbook = 0
    for (const n of names) {
      const w = abs.get(n)!.dataSync()
      const g = res.paramGrads!.get(n)!.dataSync()
      for (let i = 0; i < w.length; i++) textbook += Math.abs(w[i] * g[i])
      res.paramGrads!.get(n)!.dispose()
    }
    expect(Number.isFinite(textbook)).toBe(true)
    expect(Math.abs((await synflowScore(def, params)).logScore - Math.log(textbook))).toBeLessThan(1e-3)
    disposeParams(abs)
    disposeParams(params)
  })
})

describe('SynFlow on a NAS-Bench-101 network (max-pool, channel concat/slice, projections)', () => {
  it('agrees with the textbook float32 computation', async () => {
    const cell = nb101Space.fromString('matrix=01101/00010/00010/00001/00000;ops=input,conv1x1-bn-relu,conv1x1-bn-relu,maxpool3x3,output')
    const def = nb101Space.buildNetwork(cell, { numClasses: 10, inputSize: 4 })
    const params = materializeParams(def, 'nb101', new Rng(1))
    const abs = absParams(params)
    const names = synflowWeightNames(def)
    const res = await forwardBackward(def, abs, { x: tf.ones([1, 4, 4, 3]) as tf.Tensor4D }, { bn: 'off', loss: 'sumLogits', wrt: 'params', paramNames: names })
    let textbook = 0
    for (const n of names) {
      const w = abs.get(n)!.dataSync()
      const g = res.paramGrads!.get(n)!.dataSync()
      for (let i = 0; i < w.length; i++) textbook += Math.abs(w[i] * g[i])
      res.paramGrads!.get(n)!.dispose()
    }
    expect(Number.isFinite(textbook)).toBe(true)
    expect(Math.abs((await synflowScore(def, params)).logScore - Math.log(textbook))).toBeLessThan(1e-4)
    disposeParams(abs)
    disposeParams(params)
  })
})
