import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../../src/engine/backend/select'
import { Rng } from '../../../src/engine/core/rng'
import { disposeParams, materializeParams } from '../../../src/engine/nn/params'
import { createTfOps } from '../../../src/engine/nn/tf-ops'
import { bndlEnt, bundleEntropy, equalityCheck, weightAmplitude } from '../../../src/engine/proxies/bndlent'
import { computeProxies } from '../../../src/engine/proxies'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'

beforeAll(async () => {
  await initBackend({ log: () => {} })
})

const H = (ps: number[]): number => -ps.reduce((s, p) => s + p * Math.log(p + 1e-5), 0)

describe('bundle entropy (reference bundle_entropy, hand-computed)', () => {
  it('groups equal rows and weights each bundle\'s entropy by its size, non-members counted as class 0', () => {
    // 4 rows of 2 values; rows 0 and 1 equal; labels 1, 2, 0, 1; 3 classes
    const e = new Float32Array([5, 6, 5, 6, 7, 8, 9, 1])
    const r = bundleEntropy(e, 4, [1, 2, 0, 1], 3)
    expect(r.bundles).toBe(3)
    // bundle {0,1}: labels 1, 2 + 2 non-members in class 0 → counts (2,1,1)/4; size 2
    // bundle {2}:   label 0 + 3 non-members → (4,0,0)/4 → H = −ln(1.00001) < 0 → 0
    // bundle {3}:   label 1 + 3 non-members → (3,1,0)/4; size 1
    const want = (H([0.5, 0.25, 0.25]) * 2 + 0 + H([0.75, 0.25]) * 1) / 4
    expect(r.entropy).toBeCloseTo(want, 14)
  })

  it('−0 equals +0; a row holding NaN equals no row (not even itself) and adds nothing', () => {
    const z = bundleEntropy(new Float32Array([0, -0, -0, 0]), 2, [1, 1], 2)
    expect(z.bundles).toBe(1) // both rows in one bundle: counts (0,2)/2 → H = −ln(1.00001) → 0
    expect(z.entropy).toBe(0)
    const nan = bundleEntropy(new Float32Array([NaN, 1, NaN, 1, 3, 3]), 3, [1, 1, 0], 2)
    // rows 0 and 1 are their own (empty) bundles; row 2 alone: (3,0)/3 → 0
    expect(nan).toEqual({ bundles: 3, entropy: 0 })
  })

  it('the equality check e = amp − a·lr/N is float32: outputs closer than its resolution coincide', () => {
    // amp 1, N 4: a·1e-3/4 = 2.5e-8 for a = 1e-4 is below half an ulp of 1 below 1 (2^-25 ≈ 2.98e-8) → e = 1;
    // a = 1e-3 gives 2.5e-7 → e = 1 − 2.5e-7 (4 ulps below 1), distinct
    const e = equalityCheck([0, 1e-4, 1e-3, -1e-4], 1, 4)
    expect(e[0]).toBe(1)
    expect(e[1]).toBe(1)
    expect(e[2]).toBeLessThan(1)
    expect(Math.abs(e[2] - (1 - 2.5e-7))).toBeLessThan(2 ** -24)
    expect(e[3]).toBe(1)
  })
})

describe('BndlEnt on NB201 networks', () => {
  it('amp is 1 (BN γ) under PyTorch init and the largest |weight| under N(0,1) init', async () => {
    const def = buildNb201Network(nb201FromString('|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|'), { numClasses: 10, inputSize: 8 })
    const p = materializeParams(def, 'pytorch', new Rng(1))
    expect(await weightAmplitude(p)).toBe(1)
    const q = materializeParams(def, 'normal', new Rng(1))
    let max = 0
    for (const t of q.values()) for (const v of t.dataSync()) max = Math.max(max, Math.abs(v))
    expect(await weightAmplitude(q)).toBe(max)
    expect(max).toBeGreaterThan(1)
    disposeParams(p)
    disposeParams(q)
  })

  it('a cell with every edge none outputs 0 at all 17 units: one bundle each, score = −H(batch labels)', async () => {
    const def = buildNb201Network(nb201FromString('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'), { numClasses: 10, inputSize: 8 })
    const params = materializeParams(def, 'pytorch', new Rng(2))
    const rng = new Rng(3)
    const x = new Float32Array(8 * 8 * 8 * 3).map(() => rng.normal())
    const labels = Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3])
    const before = tf.memory().numTensors
    const r = await bndlEnt(def, params, { x, shape: [8, 8, 8, 3], labels, numClasses: 10 })
    expect(tf.memory().numTensors).toBe(before)
    expect(r.units.map((u) => u.unit)).toEqual(Array.from({ length: 17 }, (_, i) => i))
    for (const u of r.units) expect(u.bundles).toBe(1)
    expect(r.score).toBeCloseTo(-H([0.25, 0.25, 0.25, 0.25]), 12)
    disposeParams(params)
  })

  it('through the registry: finite for a live cell, deterministic for a seed, and needs the labels of the batch', async () => {
    const def = buildNb201Network(nb201FromString('|avg_pool_3x3~0|+|skip_connect~0|none~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|'), { numClasses: 10, inputSize: 8 })
    const params = materializeParams(def, 'pytorch', new Rng(4))
    const rng = new Rng(5)
    const batch = { x: new Float32Array(16 * 8 * 8 * 3).map(() => rng.normal()), shape: [16, 8, 8, 3] as [number, number, number, number], labels: Int32Array.from({ length: 16 }, (_, i) => i % 10), numClasses: 10 }
    const a = await computeProxies(['bndlent'], { space: 'nb201', init: 'pytorch', def, params, batch, seed: 1 })
    const b = await computeProxies(['bndlent'], { space: 'nb201', init: 'pytorch', def, params, batch, seed: 2 })
    expect(Number.isFinite(a.scores.bndlent)).toBe(true)
    expect(a.scores.bndlent).toBeLessThanOrEqual(0)
    expect(b.scores.bndlent).toBe(a.scores.bndlent) // no randomness of its own
    const r = await bndlEnt(def, params, batch)
    expect(r.score).toBe(a.scores.bndlent)
    // a unit whose 16 outputs are all distinct: each sample is its own bundle, with 15 non-members in
    // class 0 → H_i = H(15/16, 1/16) for a label ≠ 0 and 0 for label 0 (counts (16)/16)
    const singles = r.units.filter((u) => u.bundles === 16)
    expect(singles.length).toBeGreaterThan(0)
    const nonZero = batch.labels.filter((y) => y !== 0).length
    for (const u of singles) expect(u.entropy).toBeCloseTo((nonZero * H([15 / 16, 1 / 16])) / 16, 12)
    expect(r.score).toBeCloseTo(-r.units.reduce((t, u) => t + u.entropy, 0) / 17, 12)
    disposeParams(params)
  })
})

describe('BndlEnt option bn', () => {
  it("'train' normalises with batch statistics: the all-conv cell's outputs no longer collapse; unknown values are refused", async () => {
    const def = buildNb201Network(nb201FromString('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'), { numClasses: 10, inputSize: 8 })
    const params = materializeParams(def, 'pytorch', new Rng(6))
    const rng = new Rng(7)
    const batch = { x: new Float32Array(16 * 8 * 8 * 3).map(() => rng.normal()), shape: [16, 8, 8, 3] as [number, number, number, number], labels: Int32Array.from({ length: 16 }, (_, i) => (i % 9) + 1), numClasses: 10 }
    const base = { space: 'nb201', init: 'pytorch' as const, def, params, batch, seed: 1 }
    // eval mode: a fresh net shrinks activations ≈ ⅓ in variance per conv: deep cells collapse into few bundles
    const ev = await bndlEnt(def, params, batch, 'eval')
    expect(ev.units[16].bundles).toBeLessThan(16)
    // batch statistics keep unit variance: every unit has 16 distinct rows, so with no label 0 in the batch each
    // unit's entropy is the singleton value H(15/16, 1/16)
    const tr = await bndlEnt(def, params, batch, 'train')
    for (const u of tr.units) expect(u.bundles).toBe(16)
    expect(tr.score).toBeCloseTo(-H([15 / 16, 1 / 16]), 12)
    expect((await computeProxies(['bndlent'], { ...base, proxyOptions: { bndlent: { bn: 'train' } } })).scores.bndlent).toBe(tr.score)
    expect((await computeProxies(['bndlent'], base)).scores.bndlent).toBe(ev.score)
    await expect(computeProxies(['bndlent'], { ...base, proxyOptions: { bndlent: { bn: 'off' } } })).rejects.toThrow(/bndlent options: .*\(bn\) must be one of eval, train, got 'off'/)
    disposeParams(params)
  })
})

describe('eval-mode BatchNorm of a fresh network', () => {
  it('is x·γ/√(1 + eps) + β per channel (running mean 0, variance 1)', () => {
    const params = new Map([
      ['g', tf.tensor1d([2, -1])],
      ['b', tf.tensor1d([0.5, 0])],
    ])
    const ops = createTfOps({ params, bnEps: 1e-5, bn: 'eval' })
    const x = tf.tensor4d([1, 2, -3, 4], [2, 1, 1, 2])
    const y = ops.batchNorm(x, 'g', 'b').dataSync()
    const s = 1 / Math.sqrt(1 + 1e-5)
    const want = [2 * s + 0.5, -2 * s, -6 * s + 0.5, -4 * s]
    want.forEach((w, i) => expect(y[i]).toBeCloseTo(w, 6))
    tf.dispose([x, ...params.values()])
  })
})
