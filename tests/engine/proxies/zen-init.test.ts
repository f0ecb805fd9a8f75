import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import type { NetworkDef, ParamSpec } from '../../../src/engine/core/network'
import { Rng } from '../../../src/engine/core/rng'
import { computeProxies } from '../../../src/engine/proxies'
import { gaussianParams, zenScore, ZEN_GAMMA } from '../../../src/engine/proxies/zen'
import { backend, bnNet, disposeStore, type Mat } from './tiny-nets'

beforeAll(async () => {
  await backend('wasm')
})


/** Float64 Zen of `net`: the WRCor code's definition written out (ε, ε′ drawn as the proxy draws them). */
function referenceZen(w: Mat, n: number, seed: number): number {
  const I = w.length
  const H = w[0].length
  const rng = new Rng(seed)
  const e1 = [...Array(n * I)].map(() => rng.normal())
  const e2 = e1.map((v) => v + ZEN_GAMMA * rng.normal())
  const forward = (e: number[]) => {
    const z = [...Array(n).keys()].map((s) => [...Array(H).keys()].map((j) => [...Array(I).keys()].reduce((a, i) => a + e[s * I + i] * w[i][j], 0)))
    const mu = [...Array(H).keys()].map((j) => z.reduce((a, r) => a + r[j], 0) / n)
    const vb = [...Array(H).keys()].map((j) => z.reduce((a, r) => a + (r[j] - mu[j]) ** 2, 0) / n)
    const f = z.map((r) => r.map((v, j) => Math.max(0, (v - mu[j]) / Math.sqrt(vb[j] + 1e-5))))
    const unbiasedMean = vb.reduce((a, v) => a + (v * n) / (n - 1), 0) / H
    return { f, unbiasedMean }
  }
  const a = forward(e1)
  const b = forward(e2)
  let delta = 0
  a.f.forEach((r, s) => r.forEach((v, j) => (delta += Math.abs(b.f[s][j] - v))))
  // running var from 1, momentum 0.1, two updates: 0.81 + 0.09·v₁ + 0.1·v₂
  const rv = 0.81 + 0.09 * a.unbiasedMean + 0.1 * b.unbiasedMean
  return Math.log(delta + 1e-6) + Math.log(Math.sqrt(rv) + 1e-6)
}

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

describe('Zen init variants', () => {
  it("init 'reference' equals the float64 hand computation of the WRCor code's zen_score", async () => {
    const { def, params } = bnNet(w, fc)
    const got = await zenScore(def, params, [16, 1, 1, 3], new Rng(7))
    expect(got).toBeCloseTo(referenceZen(w, 16, 7), 4)
    disposeStore(params)
  })

  it("init 'zennas' re-draws the weights N(0,1): the score ignores the given weights and equals the reference formula on the re-drawn ones", async () => {
    const a = bnNet(w, fc)
    const b = bnNet(w.map((r) => r.map((v) => 3 * v + 0.1)), fc)
    const sa = await zenScore(a.def, a.params, [16, 1, 1, 3], new Rng(11), 'zennas')
    const sb = await zenScore(b.def, b.params, [16, 1, 1, 3], new Rng(11), 'zennas')
    expect(sa).toBe(sb)
    expect(await zenScore(a.def, a.params, [16, 1, 1, 3], new Rng(11))).not.toBeCloseTo(await zenScore(b.def, b.params, [16, 1, 1, 3], new Rng(11)), 3)
    // the re-drawn weights come from rng.fork() taken first; ε, ε′ then continue on the parent stream
    const rng = new Rng(11)
    const g = gaussianParams(a.def, rng.fork())
    expect(sa).toBe(await zenScore(a.def, g, [16, 1, 1, 3], rng))
    // the re-drawn conv weights are not the given ones
    expect(Math.abs(g.get('conv')!.dataSync()[0] - w[0][0])).toBeGreaterThan(0)
    disposeStore(g)
    disposeStore(a.params)
    disposeStore(b.params)
  })

  it('gaussianParams: weights N(0,1), biases 0, BN γ 1 / β 0', async () => {
    const spec: ParamSpec[] = [
      { name: 'c', kind: 'conv', shape: [3, 3, 32, 64], fanIn: 288, fanOut: 576 },
      { name: 'c.b', kind: 'bias', shape: [64], fanIn: 288, fanOut: 64 },
      { name: 'g', kind: 'bnGamma', shape: [64], fanIn: 64, fanOut: 64 },
      { name: 'b', kind: 'bnBeta', shape: [64], fanIn: 64, fanOut: 64 },
    ]
    const def = { name: 'p', params: spec } as unknown as NetworkDef
    const g = gaussianParams(def, new Rng(3))
    const v = Array.from(g.get('c')!.dataSync() as Float32Array)
    const mean = v.reduce((a, x) => a + x, 0) / v.length
    const std = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / v.length)
    // 18,432 draws: mean within 4 standard errors of 0, std within 2 %
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(v.length))
    expect(Math.abs(std - 1)).toBeLessThan(0.02)
    expect([...g.get('c.b')!.dataSync()].every((x) => x === 0)).toBe(true)
    expect([...g.get('g')!.dataSync()].every((x) => x === 1)).toBe(true)
    expect([...g.get('b')!.dataSync()].every((x) => x === 0)).toBe(true)
    disposeStore(g)
  })

  it('the registered proxy reads option init and rejects unknown values', async () => {
    const { def, params } = bnNet(w, fc)
    const batch = { x: new Float32Array(16 * 3).fill(0.5), shape: [16, 1, 1, 3] as [number, number, number, number], labels: new Int32Array(16), numClasses: 2 }
    const run = (opt: Record<string, unknown>) => computeProxies(['zen'], { space: 'test', def, params, batch, init: 'pytorch', seed: 5, proxyOptions: { zen: opt } })
    const ref = (await run({})).scores.zen
    expect((await run({ init: 'reference' })).scores.zen).toBe(ref)
    expect((await run({ init: 'zennas' })).scores.zen).not.toBe(ref)
    await expect(run({ init: 'gauss' })).rejects.toThrow(/init.*(reference.*zennas|zennas.*reference)/)
    await expect(run({ gamma: 1 })).rejects.toThrow(/gamma/)
    disposeStore(params)
  })
})
