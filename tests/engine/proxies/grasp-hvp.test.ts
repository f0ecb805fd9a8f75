import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { graspScore, graspTerms, richardson } from '../../../src/engine/proxies/grasp'
import { backend, bnNet, disposeStore, vecBatch, type Mat } from './tiny-nets'

beforeAll(async () => {
  await backend('wasm')
})


/**
 * Float64 reference, written independently of the engine: loss and its
 * gradient w.r.t. (W1, W2) of `bnNet`, with the ReLU pattern optionally
 * frozen (`mask`), returned as flat [W1…, W2…] arrays.
 */
function reference(w1: Mat, w2: Mat, b2: number[], xs: number[][], ys: number[], mask?: boolean[][]) {
  const N = xs.length
  const I = w1.length
  const H = w1[0].length
  const O = w2[0].length
  const eps = 1e-5
  const z = xs.map((x) => [...Array(H).keys()].map((j) => x.reduce((s, xi, i) => s + xi * w1[i][j], 0)))
  const mu = [...Array(H).keys()].map((j) => z.reduce((s, r) => s + r[j], 0) / N)
  const vr = [...Array(H).keys()].map((j) => z.reduce((s, r) => s + (r[j] - mu[j]) ** 2, 0) / N)
  const inv = vr.map((v) => 1 / Math.sqrt(v + eps))
  const zh = z.map((r) => r.map((v, j) => (v - mu[j]) * inv[j]))
  const m = mask ?? zh.map((r) => r.map((v) => v > 0))
  const a = zh.map((r, n) => r.map((v, j) => (m[n][j] ? v : 0)))
  let loss = 0
  const dLogit: number[][] = []
  a.forEach((r, n) => {
    const l = [...Array(O).keys()].map((k) => b2[k] + r.reduce((s, v, j) => s + v * w2[j][k], 0))
    const mx = Math.max(...l)
    const e = l.map((v) => Math.exp(v - mx))
    const se = e.reduce((s, v) => s + v, 0)
    loss += (Math.log(se) + mx - l[ys[n]]) / N
    dLogit.push(e.map((v, k) => (v / se - (k === ys[n] ? 1 : 0)) / N))
  })
  const g2 = w2.map((row, j) => row.map((_, k) => a.reduce((s, r, n) => s + r[j] * dLogit[n][k], 0)))
  const da = a.map((_, n) => [...Array(H).keys()].map((j) => dLogit[n].reduce((s, d, k) => s + d * w2[j][k], 0)))
  const dzh = da.map((r, n) => r.map((v, j) => (m[n][j] ? v : 0)))
  // BN backward (biased variance): dz = inv·(dẑ − mean dẑ − ẑ·mean(dẑ·ẑ))
  const dz = dzh.map((r, n) =>
    r.map((v, j) => {
      const md = dzh.reduce((s, q) => s + q[j], 0) / N
      const mdz = dzh.reduce((s, q, p) => s + q[j] * zh[p][j], 0) / N
      return inv[j] * (v - md - zh[n][j] * mdz)
    }),
  )
  const g1 = w1.map((row, i) => row.map((_, j) => xs.reduce((s, x, n) => s + x[i] * dz[n][j], 0)))
  return { loss, grad: [...g1.flat(), ...g2.flat()], mask: m }
}

/** Exact −W·(H g) in float64: central differences of the float64 gradient along g at h, h/2, h/4, extrapolated. */
function referenceGrasp(w1: Mat, w2: Mat, b2: number[], xs: number[][], ys: number[]) {
  const I = w1.length
  const H = w1[0].length
  const base = reference(w1, w2, b2, xs, ys)
  const g = base.grad
  const w = [...w1.flat(), ...w2.flat()]
  const split = (v: number[]): [Mat, Mat] => [
    [...Array(I).keys()].map((i) => v.slice(i * H, (i + 1) * H)),
    [...Array(H).keys()].map((j) => v.slice(I * H + j * w2[0].length, I * H + (j + 1) * w2[0].length)),
  ]
  const layer = (h: number, from: number, to: number): number => {
    const [p1, p2] = split(w.map((v, i) => v + h * g[i]))
    const [m1, m2] = split(w.map((v, i) => v - h * g[i]))
    const gp = reference(p1, p2, b2, xs, ys, base.mask).grad
    const gm = reference(m1, m2, b2, xs, ys, base.mask).grad
    let s = 0
    for (let i = from; i < to; i++) s += w[i] * (gp[i] - gm[i])
    return -s / (2 * h)
  }
  const hs = [1e-3, 5e-4, 2.5e-4]
  const conv = richardson(hs.map((h) => layer(h, 0, I * H)))
  const fc = richardson(hs.map((h) => layer(h, I * H, w.length)))
  const g1sq = g.slice(0, I * H).reduce((s, v) => s + v * v, 0)
  return { conv, fc, total: conv + fc, g1sq }
}

// a sharp classifier (large W2) makes the loss strongly curved: the O(h²) error of a plain difference shows
const w1: Mat = [
  [0.9, -0.4, 0.3, 0.7],
  [-0.2, 0.8, -0.6, 0.1],
  [0.5, 0.3, 0.9, -0.8],
]
const w2: Mat = [
  [9, -6, 2],
  [-4, 7, 5],
  [3, 8, -9],
  [-7, 2, 6],
]
const b2 = [0.1, -0.2, 0.05]
const xs = [
  [1, 2, -0.5],
  [-1, 0.5, 1.5],
  [0.3, -1.5, 0.2],
  [2, 1, -1],
  [-0.7, -0.3, 0.9],
  [1.1, -0.8, -1.2],
]
const ys = [0, 2, 1, 2, 0, 1]

describe('GraSP Hessian-gradient product against a float64 reference (BN network)', () => {
  it('the float64 reference obeys the scale-invariance identity: a conv followed by BN gives −W·(Hg) = ‖g‖² (up to BN eps)', () => {
    // L(c·W1) = L(W1) ⇒ W1·∇L = 0 for all W ⇒ differentiating along g: g1·g1 + W1·(Hg)_1 = 0
    // (exact up to BN's eps = 1e-5 in √(σ² + eps), which breaks the invariance at the 1e-5 level)
    const ref = referenceGrasp(w1, w2, b2, xs, ys)
    expect(Math.abs(ref.conv - ref.g1sq) / ref.g1sq).toBeLessThan(1e-4)
    expect(Math.abs(ref.fc)).toBeGreaterThan(0.01)
  })

  it('the engine (defaults: Richardson over h, h/2) matches the float64 reference per layer and in total', async () => {
    const ref = referenceGrasp(w1, w2, b2, xs, ys)
    const { def, params } = bnNet(w1, w2, b2)
    const r = await graspTerms(def, params, vecBatch(xs, ys, 3))
    const [conv, fc] = r.terms
    expect(conv.name).toBe('conv')
    expect(Math.abs(conv.value - ref.conv) / ref.g1sq).toBeLessThan(2e-3)
    expect(Math.abs(conv.value - conv.gradNormSq) / conv.gradNormSq).toBeLessThan(2e-3)
    expect(Math.abs(fc.value - ref.fc) / Math.abs(ref.fc)).toBeLessThan(2e-3)
    expect(Math.abs(r.score - ref.total) / Math.abs(ref.total)).toBeLessThan(5e-3)
    disposeStore(params)
  })

  it('the former default (one central difference at step 1e-3) is off by more than the tolerance on the same net', async () => {
    const ref = referenceGrasp(w1, w2, b2, xs, ys)
    const { def, params } = bnNet(w1, w2, b2)
    const old = await graspScore(def, params, vecBatch(xs, ys, 3), 1e-3, 1)
    expect(Math.abs(old - ref.total) / Math.abs(ref.total)).toBeGreaterThan(5e-3)
    disposeStore(params)
  })
})

describe('richardson', () => {
  it('is exact for f(h) = a + b h² + c h⁴ sampled at h, h/2, h/4', () => {
    const f = (h: number) => 3 + 5 * h * h - 7 * h ** 4
    expect(richardson([f(0.4), f(0.2), f(0.1)])).toBeCloseTo(3, 12)
    expect(richardson([2])).toBe(2)
    expect(() => richardson([])).toThrow(/no values/)
  })
})
