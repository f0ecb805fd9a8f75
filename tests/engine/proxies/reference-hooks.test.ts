/**
 * Reference mode's container hooks (NB201's ReLUConvBN, docs/reference-hooks.md)
 * on a tiny net whose every value is computed here by hand in float64:
 *   x [N,1,1,I] → ReLU (block 1, tagged as the first op of a hooked container
 *   ending at conv 'conv') → 1×1 conv W → BN (train, γ=1, β=0) → linear fc + b.
 * The container adds |corr(x)| again (its input) and |corr(∂L/∂z)| (z = the
 * conv output = the BN input), with the ReLU's 2^block weight; paper mode does not.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { NetworkDef, Ops, ParamSpec } from '../../../src/engine/core/network'
import type { ParamStore } from '../../../src/engine/nn/params'
import type { Batch } from '../../../src/engine/core/data'
import { computeProxies } from '../../../src/engine/proxies'
import { lastResponsePass, runResponsePass } from '../../../src/engine/proxies/responses'
import type { ResponseConsumer } from '../../../src/engine/proxies/types'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { disposeParams, materializeParams } from '../../../src/engine/nn/params'
import { Rng } from '../../../src/engine/core/rng'
import { randnValues, useBackend } from '../nn/helpers'

// fixed values, written as formulas (6 input features, 5 channels: enough that each |corr| K is well conditioned)
const I = 6
const H = 5
const X = Array.from({ length: 4 }, (_, n) => Array.from({ length: I }, (_, i) => 2 * Math.sin(1.3 * n + 0.7 * i + 0.2)))
const W = Array.from({ length: I }, (_, i) => Array.from({ length: H }, (_, h) => Math.cos(0.9 * i - 1.7 * h + 0.4) * 0.6))
const FC = Array.from({ length: H }, (_, h) => [Math.sin(h + 0.5), Math.cos(2 * h)])
const B = [0.1, -0.2]
const LABELS = [0, 1, 1, 0]
const EPS = 1e-5
const N = X.length

function tinyNet(): { def: NetworkDef; params: ParamStore; batch: Batch } {
  const specs: ParamSpec[] = [
    { name: 'conv', kind: 'conv', shape: [1, 1, I, H], fanIn: I, fanOut: H },
    { name: 'bn.g', kind: 'bnGamma', shape: [H], fanIn: H, fanOut: H },
    { name: 'bn.b', kind: 'bnBeta', shape: [H], fanIn: H, fanOut: H },
    { name: 'fc', kind: 'linear', shape: [H, 2], fanIn: H, fanOut: 2 },
    { name: 'fc.b', kind: 'bias', shape: [2], fanIn: H, fanOut: 2 },
  ]
  const def: NetworkDef = {
    name: 'container-net',
    params: specs,
    numBlocks: 2,
    inputShape: [1, 1, I],
    numClasses: 2,
    bnEps: EPS,
    forward<T>(o: Ops<T>, x: T): T {
      const r = o.relu(x, { block: 1, site: 'main', container: { gradLayer: 'conv' } })
      const y = o.batchNorm(o.conv2d(r, 'conv', { stride: 1, pad: 0 }), 'bn.g', 'bn.b')
      return o.linear(o.globalAvgPool(y), 'fc', 'fc.b')
    },
  }
  const params: ParamStore = new Map()
  params.set('conv', tf.tensor4d(W.flat(), [1, 1, I, H]))
  params.set('bn.g', tf.ones([H]))
  params.set('bn.b', tf.zeros([H]))
  params.set('fc', tf.tensor2d(FC))
  params.set('fc.b', tf.tensor1d(B))
  const batch: Batch = { x: Float32Array.from(X.flat()), shape: [N, 1, 1, I], labels: Int32Array.from(LABELS), numClasses: 2 }
  return { def, params, batch }
}

// ---- float64 by hand ----
type M = number[][]
const mul = (a: M, b: M): M => a.map((r) => b[0].map((_, j) => r.reduce((s, v, k) => s + v * b[k][j], 0)))
const tr = (a: M): M => a[0].map((_, j) => a.map((r) => r[j]))
const colMean = (a: M): number[] => a[0].map((_, j) => a.reduce((s, r) => s + r[j], 0) / a.length)

/** Pearson correlation of the rows of a (numpy corrcoef), absolute values. */
function absCorr(a: M): M {
  const c = a.map((r) => {
    const m = r.reduce((s, v) => s + v, 0) / r.length
    const d = r.map((v) => v - m)
    const n = Math.sqrt(d.reduce((s, v) => s + v * v, 0))
    return d.map((v) => v / n)
  })
  return c.map((ri) => c.map((rj) => Math.abs(ri.reduce((s, v, k) => s + v * rj[k], 0))))
}

/** log|det| by Gaussian elimination with partial pivoting. */
function logAbsDet(a0: M): number {
  const a = a0.map((r) => r.slice())
  let s = 0
  for (let k = 0; k < a.length; k++) {
    let p = k
    for (let i = k + 1; i < a.length; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i
    ;[a[k], a[p]] = [a[p], a[k]]
    s += Math.log(Math.abs(a[k][k]))
    for (let i = k + 1; i < a.length; i++) {
      const f = a[i][k] / a[k][k]
      for (let j = k; j < a.length; j++) a[i][j] -= f * a[k][j]
    }
  }
  return s
}

const sum = (...ms: M[]): M => ms[0].map((r, i) => r.map((_, j) => ms.reduce((s, m) => s + m[i][j], 0)))
const scale = (m: M, w: number): M => m.map((r) => r.map((v) => v * w))

/** The pass by hand: A = x, G_relu = ∂L/∂x (masked), G_bn = ∂L/∂z (z = conv output = BN input). */
function byHand(): { a: M; gRelu: M; gBn: M } {
  const r = X.map((row) => row.map((v) => Math.max(v, 0)))
  const z = mul(r, W)
  const mu = colMean(z)
  const sd = colMean(z.map((row) => row.map((v, j) => (v - mu[j]) ** 2))).map((v) => Math.sqrt(v + EPS))
  const xh = z.map((row) => row.map((v, j) => (v - mu[j]) / sd[j]))
  const logits = mul(xh, FC).map((row) => row.map((v, j) => v + B[j]))
  const dl = logits.map((row, n) => {
    const m = Math.max(...row)
    const e = row.map((v) => Math.exp(v - m))
    const t = e.reduce((s, v) => s + v, 0)
    return e.map((v, j) => (v / t - (j === LABELS[n] ? 1 : 0)) / N)
  })
  const gy = mul(dl, tr(FC))
  const mg = colMean(gy)
  const mgx = colMean(gy.map((row, n) => row.map((v, j) => v * xh[n][j])))
  const gBn = gy.map((row, n) => row.map((v, j) => (v - mg[j] - xh[n][j] * mgx[j]) / sd[j]))
  const gRelu = mul(gBn, tr(W)).map((row, n) => row.map((v, i) => (X[n][i] > 0 ? v : 0)))
  return { a: X, gRelu, gBn }
}

beforeAll(() => useBackend('wasm'))

describe('reference mode: hooked ReLUConvBN containers on a hand-computed tiny net', () => {
  const ids = ['acor', 'gcor', 'rcor', 'wrcor']
  const scores = async (mode: 'paper' | 'reference') => {
    const { def, params, batch } = tinyNet()
    try {
      return (await computeProxies(ids, { space: 'tiny', def, params, batch, init: 'pytorch', seed: 1, mode })).scores
    } finally {
      disposeParams(params)
    }
  }
  it('adds the container input and the BN-input gradient, with the ReLU block weight (2^1)', async () => {
    const { a, gRelu, gBn } = byHand()
    const [ca, cg, cb] = [absCorr(a), absCorr(gRelu), absCorr(gBn)]
    const ref = await scores('reference')
    const paper = await scores('paper')
    const want = {
      reference: { acor: sum(ca, ca), gcor: sum(cg, cb), rcor: sum(ca, ca, cg, cb), wrcor: scale(sum(ca, ca, cg, cb), 2) },
      paper: { acor: ca, gcor: cg, rcor: sum(ca, cg), wrcor: scale(sum(ca, cg), 2) },
    }
    for (const id of ids) {
      expect(ref[id], `reference ${id}`).toBeCloseTo(logAbsDet(want.reference[id as 'acor']), 5)
      expect(paper[id], `paper ${id}`).toBeCloseTo(logAbsDet(want.paper[id as 'acor']), 5)
    }
    // ACor: the container doubles K exactly → + N·ln 2
    expect(ref.acor - paper.acor).toBeCloseTo(N * Math.LN2, 5)
  })
})

describe('reference mode on NB201: one container term per ReLUConvBN', () => {
  /** Counts the correlation matrices a pass hands to an ACor+GCor consumer. */
  const count = async (arch: string, mode: 'paper' | 'reference') => {
    const def = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 4 })
    const params = materializeParams(def, 'pytorch', new Rng(3))
    const n = 4
    const batch: Batch = { x: randnValues(n * 4 * 4 * 3, 5), shape: [n, 4, 4, 3], labels: Int32Array.from([0, 1, 2, 3]), numClasses: 10 }
    const seen = { act: 0, grad: 0, blocks: new Map<number, number>() }
    const consumer: ResponseConsumer = {
      wantsActivationCorr: true,
      wantsGradientCorr: true,
      onActivationCorr: (c) => void (seen.act++, seen.blocks.set(c.tag.block, (seen.blocks.get(c.tag.block) ?? 0) + 1)),
      onGradientCorr: () => void seen.grad++,
      finish: () => 0,
    }
    try {
      await runResponsePass({ space: 'nb201', mode, def, params, batch }, [consumer])
    } finally {
      disposeParams(params)
    }
    return seen
  }
  it('all-conv3×3 cell: 15 cells × 6 edges + 2 reductions × 2 + lastact = 95 ReLU calls; reference adds 94', async () => {
    const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'
    const paper = await count(arch, 'paper')
    const ref = await count(arch, 'reference')
    expect([paper.act, paper.grad]).toEqual([95, 95])
    expect([ref.act, ref.grad]).toEqual([189, 189])
    expect(ref.blocks.get(0)).toBe(12) // a normal cell: 6 edges, each ReLU + its container
    expect(ref.blocks.get(5)).toBe(4) // a reduction: conv_a, conv_b
    expect(ref.blocks.get(17)).toBe(1) // lastact: a plain nn.ReLU in a Sequential, no container
  })
  it('a cell without conv edges: only the reductions (conv_a, conv_b) are containers, 5 ReLU calls → 9', async () => {
    const arch = '|skip_connect~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'
    const paper = await count(arch, 'paper')
    const ref = await count(arch, 'reference')
    expect(paper.act).toBe(5)
    expect(ref.act).toBe(9)
  })
})

describe('reference mode: the container terms survive checkpointing', () => {
  const arch = '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|'
  const run = async (ids: string[], mode: 'paper' | 'reference', checkpoint: 'on' | 'off') => {
    const def = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 8 })
    const params = materializeParams(def, 'pytorch', new Rng(7))
    const batch: Batch = { x: randnValues(6 * 8 * 8 * 3, 9), shape: [6, 8, 8, 3], labels: Int32Array.from([0, 1, 2, 3, 4, 5]), numClasses: 10 }
    try {
      const r = await computeProxies(ids, { space: 'nb201', def, params, batch, init: 'pytorch', seed: 3, mode, checkpoint })
      expect(lastResponsePass.decision?.checkpoint).toBe(checkpoint === 'on')
      return r.scores
    } finally {
      disposeParams(params)
    }
  }
  it('NB201 WRCor/GCor/ACor identical with checkpoint on and off (the conv-output gradient reaches the hook per segment)', async () => {
    const on = await run(['wrcor', 'gcor', 'acor'], 'reference', 'on')
    expect(on).toEqual(await run(['wrcor', 'gcor', 'acor'], 'reference', 'off'))
    const paper = await run(['gcor'], 'paper', 'on')
    expect(Math.abs(on.gcor - paper.gcor)).toBeGreaterThan(0.1) // the gradient containers are really in the checkpointed pass
  })
})
