import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { computeProxies } from '../../../src/engine/proxies'
import { graspScore } from '../../../src/engine/proxies/grasp'
import { zicoFromGrads } from '../../../src/engine/proxies/zico'
import { zenScore } from '../../../src/engine/proxies/zen'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef, Ops, ParamSpec } from '../../../src/engine/core/network'
import type { ParamStore } from '../../../src/engine/nn/params'
import { backend, disposeStore, mlp, vecBatch, type Mat } from './tiny-nets'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'

beforeAll(async () => {
  await backend('wasm')
})

async function run(ids: string[], def: NetworkDef, params: ParamStore, batch: Batch): Promise<Record<string, number>> {
  return (await computeProxies(ids, { space: 'test', def, params, batch, init: 'pytorch', seed: 1 })).scores
}

const softmax = (z: number[]): number[] => {
  const m = Math.max(...z)
  const e = z.map((v) => Math.exp(v - m))
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((v) => v / s)
}

/** float64 reference of the 2-layer MLP with mean CE: per-layer outputs, their gradients, and weight gradients. */
function mlpReference(w1: Mat, b1: number[], w2: Mat, b2: number[], xs: number[][], ys: number[]) {
  const N = xs.length
  const H = w1[0].length
  const O = w2[0].length
  const I = w1.length
  const G1: Mat = w1.map((r) => r.map(() => 0))
  const G2: Mat = w2.map((r) => r.map(() => 0))
  const z1s: number[][] = []
  const d1s: number[][] = []
  const z2s: number[][] = []
  const d2s: number[][] = []
  for (let n = 0; n < N; n++) {
    const z1 = [...Array(H).keys()].map((j) => b1[j] + xs[n].reduce((s, x, i) => s + x * w1[i][j], 0))
    const a = z1.map((v) => Math.max(0, v))
    const z2 = [...Array(O).keys()].map((k) => b2[k] + a.reduce((s, v, j) => s + v * w2[j][k], 0))
    const p = softmax(z2)
    const d2 = p.map((v, k) => (v - (k === ys[n] ? 1 : 0)) / N)
    const d1 = z1.map((v, j) => (v > 0 ? d2.reduce((s, d, k) => s + d * w2[j][k], 0) : 0))
    for (let i = 0; i < I; i++) for (let j = 0; j < H; j++) G1[i][j] += xs[n][i] * d1[j]
    for (let j = 0; j < H; j++) for (let k = 0; k < O; k++) G2[j][k] += a[j] * d2[k]
    z1s.push(z1)
    d1s.push(d1)
    z2s.push(z2)
    d2s.push(d2)
  }
  return { G1, G2, z1s, d1s, z2s, d2s }
}

describe('SNIP, GradNorm and Fisher on a 2-layer linear+ReLU net (float64 reference)', () => {
  const w1 = [[0.5, -1, 0.3], [1.2, 0.4, -0.7]]
  const b1 = [0.1, 0.2, -0.1]
  const w2 = [[1, -0.5], [0.3, 0.8], [-1.1, 0.6]]
  const b2 = [0.05, -0.05]
  const xs = [[1, 2], [-0.5, 1], [2, -1], [0.3, 0.3]]
  const ys = [0, 1, 1, 0]
  const ref = mlpReference(w1, b1, w2, b2, xs, ys)
  const sumAbsProd = (w: Mat, g: Mat): number => w.reduce((s, r, i) => s + r.reduce((t, v, j) => t + Math.abs(v * g[i][j]), 0), 0)
  const fro = (g: Mat): number => Math.sqrt(g.reduce((s, r) => s + r.reduce((t, v) => t + v * v, 0), 0))
  /** Σ_c ½ mean_n (a_nc g_nc)² × fan-in (no spatial axes here) */
  const fisherLayer = (a: number[][], g: number[][], fanIn: number): number => {
    let s = 0
    for (let c = 0; c < a[0].length; c++) {
      let m = 0
      for (let n = 0; n < a.length; n++) m += (a[n][c] * g[n][c]) ** 2
      s += (0.5 * m) / a.length
    }
    return s * fanIn
  }

  it('match Σ|W⊙∂L/∂W|, Σ‖∂L/∂W‖_F and Σ_c ½mean(a·g)²·fan_in computed by hand, from one shared pass', async () => {
    const { def, params } = mlp({ w1, b1, w2, b2 })
    const s = await run(['snip', 'gradnorm', 'fisher'], def, params, vecBatch(xs, ys, 2))
    expect(s.snip).toBeCloseTo(sumAbsProd(w1, ref.G1) + sumAbsProd(w2, ref.G2), 5)
    expect(s.gradnorm).toBeCloseTo(fro(ref.G1) + fro(ref.G2), 5)
    const fisher = fisherLayer(ref.z1s, ref.d1s, 2) + fisherLayer(ref.z2s, ref.d2s, 3)
    expect(s.fisher / fisher).toBeCloseTo(1, 4)
    disposeStore(params)
  })

  it('SNIP, GradNorm and Fisher are 0 when the loss does not depend on the weights (all-zero W2)', async () => {
    const { def, params } = mlp({ w1, b1, w2: w2.map((r) => r.map(() => 0)), b2 })
    const s = await run(['snip', 'fisher'], def, params, vecBatch(xs, ys, 2))
    // ∂L/∂W1 = 0 (no path), W2 = 0 so |W2 ⊙ G2| = 0; layer-1 gradient is 0 -> Fisher 0 there, logits·δ2 ≠ 0 in layer 2
    expect(s.snip).toBe(0)
    expect(s.fisher).toBeCloseTo(fisherLayer(ref.z2s.map((r) => r.map((_, k) => b2[k])), mlpReference(w1, b1, w2.map((r) => r.map(() => 0)), b2, xs, ys).d2s, 3), 6)
    disposeStore(params)
  })
})

/** A single linear layer x [N,1,1,in] -> logits (W [in,out], bias). */
function linearNet(w: Mat, b: number[]): { def: NetworkDef; params: ParamStore } {
  const specs: ParamSpec[] = [
    { name: 'fc', kind: 'linear', shape: [w.length, w[0].length], fanIn: w.length, fanOut: w[0].length },
    { name: 'fc.b', kind: 'bias', shape: [b.length], fanIn: w.length, fanOut: b.length },
  ]
  const def: NetworkDef = {
    name: 'linear',
    params: specs,
    numBlocks: 1,
    inputShape: [1, 1, w.length],
    numClasses: w[0].length,
    bnEps: 1e-5,
    forward: <T>(ops: Ops<T>, x: T): T => ops.linear(x, 'fc', 'fc.b'),
  }
  const params: ParamStore = new Map<string, tf.Tensor>([
    ['fc', tf.tensor2d(w)],
    ['fc.b', tf.tensor1d(b)],
  ])
  return { def, params }
}

describe('GraSP', () => {
  it('equals −Σ W ⊙ (H g) with the analytic softmax-CE Hessian of a linear classifier', async () => {
    const w = [[0.4, -0.3, 0.1], [-0.2, 0.5, 0.7]]
    const b = [0.1, 0, -0.1]
    const xs = [[1, 2], [-1, 0.5], [0.3, -1.5], [2, 1]]
    const ys = [0, 2, 1, 2]
    const N = xs.length
    // g = (1/N) Σ x (p − e_y)ᵀ ; H·V = (1/N) Σ x (J (Vᵀx))ᵀ with J = diag(p) − p pᵀ
    const ps = xs.map((x) => softmax([0, 1, 2].map((k) => b[k] + x[0] * w[0][k] + x[1] * w[1][k])))
    const g = w.map((r) => r.map(() => 0))
    xs.forEach((x, n) => x.forEach((xi, i) => [0, 1, 2].forEach((k) => (g[i][k] += (xi * (ps[n][k] - (k === ys[n] ? 1 : 0))) / N))))
    const hg = w.map((r) => r.map(() => 0))
    xs.forEach((x, n) => {
      const p = ps[n]
      const u = [0, 1, 2].map((k) => x[0] * g[0][k] + x[1] * g[1][k]) // gᵀx
      const ju = p.map((pk, k) => pk * u[k] - pk * p.reduce((s, pj, j) => s + pj * u[j], 0))
      x.forEach((xi, i) => ju.forEach((v, k) => (hg[i][k] += (xi * v) / N)))
    })
    const expected = -w.reduce((s, r, i) => s + r.reduce((t, v, k) => t + v * hg[i][k], 0), 0)
    const { def, params } = linearNet(w, b)
    const got = await graspScore(def, params, vecBatch(xs, ys, 3))
    expect(Math.abs(got - expected) / Math.abs(expected)).toBeLessThan(2e-3)
    disposeStore(params)
  })

  it('is registered and finite on a ReLU net (frozen masks make the difference quotient well defined)', async () => {
    const { def, params } = mlp({ w1: [[0.5, -1, 0.3], [1.2, 0.4, -0.7]], b1: [0.1, 0.2, -0.1], w2: [[1, -0.5], [0.3, 0.8], [-1.1, 0.6]] })
    const batch = vecBatch([[1, 2], [-0.5, 1], [2, -1]], [0, 1, 1], 2)
    const s = (await run(['grasp'], def, params, batch)).grasp
    expect(Number.isFinite(s)).toBe(true)
    // step size only changes the O(h²) error: 1e-3 and 1e-2 agree closely
    expect(await graspScore(def, params, batch, 1e-2) / await graspScore(def, params, batch, 1e-3)).toBeCloseTo(1, 3)
    disposeStore(params)
  })
})

describe('ZiCo', () => {
  it('Σ_l log Σ_i mean|g|/std(g), hand-computed for two batches', () => {
    // layer 0: weights with grads (1, 3) and (2, 2): σ = 1 and 0 -> only the first counts: mean|g| = 2 -> 2/1
    // layer 1: grads (−1, 1): mean|g| = 1, σ = 1 -> 1 ; (0.5, 1.5): mean 1, σ 0.5 -> 2 ; total 3
    const g = [
      [Float32Array.from([1, 2]), Float32Array.from([-1, 0.5])],
      [Float32Array.from([3, 2]), Float32Array.from([1, 1.5])],
    ]
    expect(zicoFromGrads(g)).toBeCloseTo(Math.log(2) + Math.log(3), 12)
    // a layer whose gradients never vary contributes nothing (its sum is 0, skipped)
    expect(zicoFromGrads([[Float32Array.from([1, 1])], [Float32Array.from([1, 1])]])).toBe(0)
    expect(() => zicoFromGrads([[Float32Array.from([1])]])).toThrow(/at least 2 batches/)
  })

  it('the proxy splits the batch into two halves when no dataset is given and matches the hand formula', async () => {
    const w1 = [[0.5, -1], [1.2, 0.4]]
    const w2 = [[1, -0.5], [0.3, 0.8]]
    const xs = [[1, 2], [-0.5, 1], [2, -1], [0.3, 0.3]]
    const ys = [0, 1, 1, 0]
    const r1 = mlpReference(w1, [0, 0], w2, [0, 0], xs.slice(0, 2), ys.slice(0, 2))
    const r2 = mlpReference(w1, [0, 0], w2, [0, 0], xs.slice(2), ys.slice(2))
    const flat = (m: Mat) => Float32Array.from(m.flat())
    const expected = zicoFromGrads([
      [flat(r1.G1), flat(r1.G2)],
      [flat(r2.G1), flat(r2.G2)],
    ])
    const { def, params } = mlp({ w1, w2 })
    expect((await run(['zico'], def, params, vecBatch(xs, ys, 2))).zico).toBeCloseTo(expected, 3)
    disposeStore(params)
  })
})

describe('ZiCo with a dataset (second batch drawn with the proxy stream)', () => {
  it('uses the scoring batch plus one fresh batch of the same size: reproducible, and equal to the hand formula on those batches', async () => {
    const { openDataset } = await import('../../../src/engine/data/open')
    const { ceWeightGrads } = await import('../../../src/engine/proxies/zico')
    const { fnv1a } = await import('../../../src/engine/proxies')
    const ds = openDataset({ kind: 'noise', imageSize: 1, numClasses: 2, channels: 3 })
    const { def, params } = mlp({ w1: [[0.5, -1], [1.2, 0.4], [0.3, 0.2]], w2: [[1, -0.5], [0.3, 0.8]] })
    const batch = ds.sampleBatch(4, new Rng(1))
    const input = { space: 'test', def, params, batch, init: 'pytorch' as const, seed: 9, dataset: ds }
    const a = (await computeProxies(['zico'], input)).scores.zico
    const b = (await computeProxies(['zico'], input)).scores.zico
    expect(a).toBe(b)
    // the registry gives the proxy Rng(seed ⊕ fnv1a('zico')); the second batch is its first draw
    const second = ds.sampleBatch(4, new Rng((9 ^ fnv1a('zico')) >>> 0), { augment: true })
    expect(a).toBeCloseTo(zicoFromGrads([await ceWeightGrads(def, params, batch), await ceWeightGrads(def, params, second)]), 10)
    disposeStore(params)
  })
})

describe('BT (Barlow Twins)', () => {
  it('loss = Σ(c_ii−1)² + 0.005·Σ_{i≠j}c_ij² with c = z1ᵀz2/N of standardised features, by hand', async () => {
    const { barlowTwinsLoss } = await import('../../../src/engine/proxies/bt')
    const z1 = [[1, 2, 0], [3, -1, 1], [0, 0, 4], [2, 1, 1]]
    const z2 = [[1, 1, 0], [2, -1, 2], [1, 0, 3], [2, 2, 1]]
    const N = 4
    const D = 3
    const standardise = (z: number[][]) => {
      const out = z.map((r) => r.slice())
      for (let j = 0; j < D; j++) {
        const m = z.reduce((s, r) => s + r[j], 0) / N
        const v = z.reduce((s, r) => s + (r[j] - m) ** 2, 0) / N
        z.forEach((r, i) => (out[i][j] = (r[j] - m) / Math.sqrt(v + 1e-5)))
      }
      return out
    }
    const a = standardise(z1)
    const b = standardise(z2)
    let loss = 0
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        const c = a.reduce((s, r, n) => s + r[i] * b[n][j], 0) / N
        loss += i === j ? (c - 1) ** 2 : 0.005 * c * c
      }
    }
    const got = await barlowTwinsLoss(tf.tensor2d(z1), tf.tensor2d(z2))
    expect(got).toBeCloseTo(loss, 4)
    // identical views give c_ii = 1 (up to eps) -> only the off-diagonal term remains
    expect(await barlowTwinsLoss(tf.tensor2d(z1), tf.tensor2d(z1))).toBeLessThan(loss)
  })

  it('proxy on an NB201 network: finite, reproducible from the seed, ≤ 0', async () => {
    const def = buildNb201Network(nb201FromString('|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|'), {
      numClasses: 10,
      inputSize: 8,
    })
    const params = materializeParams(def, 'pytorch', new Rng(2))
    const r = new Rng(3)
    const batch: Batch = { x: Float32Array.from({ length: 4 * 8 * 8 * 3 }, () => r.normal()), shape: [4, 8, 8, 3], labels: Int32Array.from([0, 1, 2, 3]), numClasses: 10 }
    const a = (await computeProxies(['bt'], { space: 'nb201', def, params, batch, init: 'pytorch', seed: 5 })).scores.bt
    const b = (await computeProxies(['bt'], { space: 'nb201', def, params, batch, init: 'pytorch', seed: 5 })).scores.bt
    expect(Number.isFinite(a)).toBe(true)
    expect(a).toBe(b)
    expect(a).toBeLessThanOrEqual(0)
    disposeParams(params)
  })
})

describe('Zen', () => {
  /** x [N,1,1,d] -> BN (γ=1, β=0) -> GAP -> linear: the pre-GAP feature is BN(x). */
  function bnNet(d: number): { def: NetworkDef; params: ParamStore } {
    const def: NetworkDef = {
      name: 'bn',
      params: [
        { name: 'bn.gamma', kind: 'bnGamma', shape: [d], fanIn: d, fanOut: d },
        { name: 'bn.beta', kind: 'bnBeta', shape: [d], fanIn: d, fanOut: d },
        { name: 'fc', kind: 'linear', shape: [d, 2], fanIn: d, fanOut: 2 },
      ],
      numBlocks: 1,
      inputShape: [1, 1, d],
      numClasses: 2,
      bnEps: 1e-5,
      forward: <T>(ops: Ops<T>, x: T): T => ops.linear(ops.globalAvgPool(ops.batchNorm(x, 'bn.gamma', 'bn.beta')), 'fc'),
    }
    const params = new Map([
      ['bn.gamma', tf.ones([d])],
      ['bn.beta', tf.zeros([d])],
      ['fc', tf.ones([d, 2])],
    ]) as ParamStore
    return { def, params }
  }

  it('log Σ|BN(ε+γε′) − BN(ε)| + log √(0.81 + 0.09 v₁ + 0.1 v₂), recomputed in float64', async () => {
    const N = 6
    const d = 3
    const { def, params } = bnNet(d)
    const seed = 5
    const got = await zenScore(def, params, [N, 1, 1, d], new Rng(seed))
    // replay the same random stream
    const r = new Rng(seed)
    const e1 = Array.from({ length: N * d }, () => r.normal())
    const e2 = e1.map((v) => v + 0.01 * r.normal())
    const bn = (x: number[]) => {
      const out = x.slice()
      let vMean = 0
      for (let c = 0; c < d; c++) {
        const col = [...Array(N).keys()].map((n) => x[n * d + c])
        const m = col.reduce((a, b) => a + b, 0) / N
        const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / N
        col.forEach((val, n) => (out[n * d + c] = (val - m) / Math.sqrt(v + 1e-5)))
        vMean += (v * N) / (N - 1) / d
      }
      return { out, vMean }
    }
    const a = bn(e1)
    const b = bn(e2)
    const delta = a.out.reduce((s, v, i) => s + Math.abs(b.out[i] - v), 0)
    const expected = Math.log(delta + 1e-6) + Math.log(Math.sqrt(0.81 + 0.09 * a.vMean + 0.1 * b.vMean) + 1e-6)
    expect(got).toBeCloseTo(expected, 3)
    disposeStore(params)
  })

  it('Phi: with BN removed the pre-GAP feature is x itself, so Phi = Σ|0.01·ε′| of the replayed stream', async () => {
    const N = 4
    const d = 3
    const { def, params } = bnNet(d)
    const batch: Batch = { x: new Float32Array(N * d), shape: [N, 1, 1, d], labels: new Int32Array(N), numClasses: 2 }
    const r = await computeProxies(['phi'], { space: 'test', def, params, batch, init: 'pytorch', seed: 4 })
    const { fnv1a } = await import('../../../src/engine/proxies')
    const rng = new Rng((4 ^ fnv1a('phi')) >>> 0)
    const e1 = Array.from({ length: N * d }, () => rng.normal())
    const e2 = e1.map((v) => Math.fround(v + 0.01 * rng.normal()))
    const expected = e1.reduce((s, v, i) => s + Math.abs(e2[i] - Math.fround(v)), 0)
    expect(r.scores.phi).toBeCloseTo(expected, 4)
    disposeStore(params)
  })
})
