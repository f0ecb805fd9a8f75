import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { synflowScore } from '../../../src/engine/proxies/synflow-score'
import { Rng } from '../../../src/engine/core/rng'
import { backend, disposeStore, mlp, residualChain, type Mat } from './tiny-nets'

beforeAll(async () => {
  await backend('wasm')
})

describe('SynFlow on a 2-layer linear+ReLU net (hand-computed)', () => {
  it('equals Σ|W1|·rowsum|W2| + Σ rowsum|W2|·h with h = |W1|ᵀ1 + |b1|', () => {
    // |W1| = [[1,2],[0.5,3]], |b1| = [0.1,0.2] -> h = [1.6, 5.2]
    // |W2| = [[2,1],[0.5,1]] -> row sums r = [3, 1.5]
    // layer 1: Σ_ij |W1_ij| r_j = 1.5·3 + 5·1.5 = 12 ; layer 2: Σ_j r_j h_j = 4.8 + 7.8 = 12.6
    const { def, params } = mlp({ w1: [[1, -2], [0.5, 3]], b1: [0.1, -0.2], w2: [[2, -1], [-0.5, 1]], b2: [1, -1] })
    const r = synflowScore(def, params)
    expect(r.logScore).toBeCloseTo(Math.log(24.6), 5)
    expect(r.layers.map((l) => l.name)).toEqual(['fc1', 'fc2'])
    expect(Math.exp(r.layers[0].logContribution)).toBeCloseTo(12, 4)
    expect(Math.exp(r.layers[1].logContribution)).toBeCloseTo(12.6, 4)
    // the caller's (signed) parameters are untouched
    expect(Array.from(params.get('fc1')!.dataSync())).toEqual([1, -2, 0.5, 3])
    disposeStore(params)
  })

  it('is −Infinity when no weight influences the output', () => {
    const { def, params } = mlp({ w1: [[0, 0]], w2: [[1], [2]], b2: [3] })
    expect(synflowScore(def, params).logScore).toBe(-Infinity)
    disposeStore(params)
  })
})

/** float64 reference of SynFlow for the residual chain h ← h + |W_l|ᵀh, logits = |W_L|ᵀh, input ones. */
function chainSynflow64(ws: Mat[]): number {
  const depth = ws.length - 1
  const A = ws.map((m) => m.map((row) => row.map(Math.abs)))
  const hs: number[][] = [new Array(ws[0].length).fill(1)]
  for (let l = 0; l < depth; l++) {
    const h = hs[l]
    hs.push(h.map((v, j) => v + h.reduce((s, hi, i) => s + hi * A[l][i][j], 0)))
  }
  // g = ∂R/∂(input of layer l); for the classifier g_out = 1 per class
  const gOut = new Array(A[depth][0].length).fill(1)
  let total = 0
  // classifier
  let g = hs[depth].map((_, i) => A[depth][i].reduce((s, a, k) => s + a * gOut[k], 0))
  total += hs[depth].reduce((s, hi, i) => s + hi * A[depth][i].reduce((t, a, k) => t + a * gOut[k], 0), 0)
  for (let l = depth - 1; l >= 0; l--) {
    // layer l: y = |W_l|ᵀ h_l, ∂R/∂y = g (gradient at h_{l+1}); contribution Σ_ij |W_ij| h_i g_j
    const h = hs[l]
    total += h.reduce((s, hi, i) => s + hi * A[l][i].reduce((t, a, j) => t + a * g[j], 0), 0)
    g = h.map((_, i) => g[i] + A[l][i].reduce((t, a, j) => t + a * g[j], 0))
  }
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
  it('deep chains whose true SynFlow overflows float32 match a float64 reference and rank correctly', () => {
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
    const got = chains.map((ws) => {
      const { def, params } = residualChain(ws)
      const v = synflowScore(def, params).logScore
      disposeStore(params)
      return v
    })
    for (let i = 0; i < chains.length; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThan(1e-3)
    const order = (v: number[]): number[] => v.map((_, i) => i).sort((a, b) => v[a] - v[b])
    expect(order(got)).toEqual(order(ref))
  })

  it('a plain float32 evaluation of the same chain overflows (why log-scaling is needed)', () => {
    const ws = randomChain(4, 70, 8)
    const inf = tf.tidy(() => {
      let h = tf.ones([1, 8])
      for (let l = 0; l < 70; l++) h = tf.add(h, tf.matMul(h, tf.abs(tf.tensor2d(ws[l]))))
      return tf.sum(tf.matMul(h, tf.abs(tf.tensor2d(ws[70])))).dataSync()[0]
    })
    expect(inf).toBe(Infinity)
  })
})
