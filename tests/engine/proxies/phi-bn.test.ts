/**
 * Phi's `bn` option (reference notes §3: `phi_score` removes BN; the
 * repository's `phi_score_bn` keeps it in training mode) against a float64
 * hand computation on a tiny conv → BN → ReLU net, with the ε, ε′ stream
 * replayed from the proxy's own seed (seed ⊕ fnv1a('phi')).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import { computeProxies, fnv1a, getProxy } from '../../../src/engine/proxies'
import { phiScore } from '../../../src/engine/proxies/phi'
import { backend, bnNet, disposeStore, type Mat } from './tiny-nets'

beforeAll(async () => {
  await backend('wasm')
})

const w: Mat = [
  [0.3, -0.5, 0.8, 0.1, -0.2],
  [0.6, 0.2, -0.4, 0.9, 0.5],
  [-0.7, 0.4, 0.1, -0.3, 0.6],
]
const fc: Mat = [
  [0.1, 0.2],
  [0.3, -0.1],
  [-0.2, 0.4],
  [0.5, 0.1],
  [0.2, -0.3],
]
const gamma = [1.5, 0.5, 2, 1, 0.7]
const beta = [0.1, -0.2, 0.3, 0, -0.1]
const N = 16

/** The net with non-trivial BN γ/β (so 'train' differs from plain standardisation). */
function net() {
  const n = bnNet(w, fc)
  n.params.get('bn.g')?.dispose()
  n.params.get('bn.b')?.dispose()
  n.params.set('bn.g', tf.tensor1d(gamma))
  n.params.set('bn.b', tf.tensor1d(beta))
  return n
}

/** Float64 Phi of the net: ε, ε′ replayed from `rng` (stored float32, as the proxy stores them). */
function handPhi(rng: Rng, bn: 'off' | 'train'): number {
  const I = w.length
  const H = w[0].length
  const e1 = Array.from({ length: N * I }, () => rng.normal())
  const e2 = e1.map((v) => Math.fround(v + 0.01 * rng.normal()))
  const f = (e: number[]) => {
    const z = [...Array(N).keys()].map((s) => [...Array(H).keys()].map((j) => [...Array(I).keys()].reduce((a, i) => a + Math.fround(e[s * I + i]) * w[i][j], 0)))
    if (bn === 'off') return z.map((r) => r.map((v) => Math.max(0, v)))
    const mu = [...Array(H).keys()].map((j) => z.reduce((a, r) => a + r[j], 0) / N)
    // training-mode BN: BIASED batch variance, eps 1e-5 (reference notes §9.2)
    const vb = [...Array(H).keys()].map((j) => z.reduce((a, r) => a + (r[j] - mu[j]) ** 2, 0) / N)
    return z.map((r) => r.map((v, j) => Math.max(0, (gamma[j] * (v - mu[j])) / Math.sqrt(vb[j] + 1e-5) + beta[j])))
  }
  const a = f(e1)
  const b = f(e2)
  let d = 0
  a.forEach((r, s) => r.forEach((v, j) => (d += Math.abs(b[s][j] - v))))
  return d
}

const batch: Batch = { x: new Float32Array(N * 3).fill(0.5), shape: [N, 1, 1, 3], labels: new Int32Array(N), numClasses: 2 }
const relClose = (got: number, want: number, rel: number) => expect(Math.abs(got - want)).toBeLessThan(rel * Math.abs(want))

describe('Phi bn option', () => {
  it("bn 'train' = Σ|f(ε+0.01ε′) − f(ε)| with batch-statistics BN (γ, β applied), hand-computed in float64", async () => {
    const { def, params } = net()
    const want = handPhi(new Rng(9), 'train')
    relClose(await phiScore(def, params, [N, 1, 1, 3], new Rng(9), 'train'), want, 1e-4)
    // the two variants are far apart on this net: the bound above separates them
    expect(Math.abs(handPhi(new Rng(9), 'off') - want)).toBeGreaterThan(0.05 * want)
    disposeStore(params)
  })

  it("bn 'off' (default) = the same with BN removed (reference phi_score)", async () => {
    const { def, params } = net()
    relClose(await phiScore(def, params, [N, 1, 1, 3], new Rng(9)), handPhi(new Rng(9), 'off'), 1e-4)
    disposeStore(params)
  })

  it('the registered proxy declares bn once (default off), reads it, and rejects other values', async () => {
    const spec = getProxy('phi').options?.find((o) => o.key === 'bn')
    expect(spec?.default).toBe('off')
    expect(spec?.type === 'enum' && spec.choices?.map((c) => c.value)).toEqual(['off', 'train'])
    const { def, params } = net()
    const run = (opt?: Record<string, unknown>) =>
      computeProxies(['phi'], { space: 'test', def, params, batch, init: 'pytorch', seed: 4, ...(opt ? { proxyOptions: { phi: opt } } : {}) })
    const proxyRng = () => new Rng((4 ^ fnv1a('phi')) >>> 0)
    relClose((await run()).scores.phi, handPhi(proxyRng(), 'off'), 1e-4)
    relClose((await run({ bn: 'off' })).scores.phi, handPhi(proxyRng(), 'off'), 1e-4)
    relClose((await run({ bn: 'train' })).scores.phi, handPhi(proxyRng(), 'train'), 1e-4)
    await expect(run({ bn: 'eval' })).rejects.toThrow(/bn.*(off.*train|train.*off)/)
    await expect(run({ gamma: 1 })).rejects.toThrow(/gamma/)
    disposeStore(params)
  })
})
