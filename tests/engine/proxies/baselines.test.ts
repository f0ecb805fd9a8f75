import { beforeAll, describe, expect, it } from 'vitest'
import { computeProxies, getProxy, listProxies } from '../../../src/engine/proxies'
import { jacobianCorrelationScore, JACCOR_K } from '../../../src/engine/proxies/jaccor'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef } from '../../../src/engine/core/network'
import type { ParamStore } from '../../../src/engine/nn/params'
import { backend, disposeStore, mlp, vecBatch } from './tiny-nets'
import { BAD_CELL, GOOD_CELL, cifar10Accuracy, scoreGoodAndBad } from './sign-cells'

beforeAll(async () => {
  await backend('wasm')
})

async function run(id: string, def: NetworkDef, params: ParamStore, batch: Batch): Promise<number> {
  const r = await computeProxies([id], { space: 'test', def, params, batch, init: 'pytorch', seed: 1 })
  return r.scores[id]
}

const jac = (lambdas: number[]): number => -lambdas.reduce((s, l) => s + Math.log(l + JACCOR_K) + 1 / (l + JACCOR_K), 0)

describe('JacCor', () => {
  it('score of a 2-row Jacobian = −Σ[log(λ+k)+1/(λ+k)] with λ = 1 ± r (hand-computed r = 9/√84)', () => {
    // rows [1,2,3] and [1,2,4]: centred (−1,0,1) and (−4/3,−1/3,5/3): cov 3, norms √2 and √42/3
    const r = 9 / Math.sqrt(84)
    expect(jacobianCorrelationScore([1, 2, 3, 1, 2, 4], 2, 3)).toBeCloseTo(jac([1 - r, 1 + r]), 8)
  })

  it('higher for decorrelated Jacobians than for nearly collinear ones (sign convention)', () => {
    const ortho = jacobianCorrelationScore([1, -1, 0, 0, 1, 0, -1, 0, 0, 1, 0, -1], 3, 4)
    const collinear = jacobianCorrelationScore([1, 2, 3, 4, 1, 2, 3, 4.1, 1.1, 2, 3, 4], 3, 4)
    expect(ortho).toBeGreaterThan(collinear)
  })

  it('NaN when a sample has a constant Jacobian (numpy corrcoef gives NaN)', () => {
    expect(jacobianCorrelationScore([1, 1, 1, 1, 2, 3], 2, 3)).toBeNaN()
  })

  it('proxy: J_n = ∂Σlogits/∂x_n = W1·(1[pre_n>0] ⊙ W2·1) on a linear+ReLU net', async () => {
    const w1 = [[1, -1, 0.5], [2, 0.5, -1], [0, 1, 1]] // [in][hidden]
    const w2 = [[1, -2], [0.5, 0.5], [-1, 3]] // [hidden][out]
    const { def, params } = mlp({ w1, w2, b1: [0.1, -0.2, 0.3], b2: [0, 1] })
    const xs = [[1, 0, 1], [-1, 2, 0.5], [0.3, -0.7, 2]]
    const r = w2.map((row) => row[0] + row[1])
    const jRows = xs.map((x) => {
      const pre = [0, 1, 2].map((j) => x[0] * w1[0][j] + x[1] * w1[1][j] + x[2] * w1[2][j] + [0.1, -0.2, 0.3][j])
      return [0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + w1[i][j] * (pre[j] > 0 ? r[j] : 0), 0))
    })
    const expected = jacobianCorrelationScore(jRows.flat(), 3, 3)
    expect(Number.isFinite(expected)).toBe(true)
    expect(await run('jaccor', def, params, vecBatch(xs, [0, 1, 0], 2))).toBeCloseTo(expected, 4)
    disposeStore(params)
  })
})

describe('NASWOT', () => {
  it('log det of (#units − Hamming) of the binary codes, computed by hand', async () => {
    // W1 = I, b1 = 0: the ReLU input is x itself. Codes (x>0): [1,0,1], [0,0,1], [1,1,0]
    // Hamming: d12 = 1, d13 = 2, d23 = 3  ->  K = [[3,2,1],[2,3,0],[1,0,3]], det = 27 − 12 − 3 = 12
    const { def, params } = mlp({ w1: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], w2: [[1, 0], [1, 0], [1, 0]] })
    const batch = vecBatch([[1, -1, 2], [-1, -1, 3], [2, 2, -1]], [0, 1, 0], 2)
    expect(await run('naswot', def, params, batch)).toBeCloseTo(Math.log(12), 10)
    disposeStore(params)
  })

  it('−Infinity when two samples share a code everywhere (singular K); higher when codes differ more', async () => {
    const { def, params } = mlp({ w1: [[1, 0], [0, 1]], w2: [[1, 0], [1, 0]] })
    const same = await run('naswot', def, params, vecBatch([[1, -1], [2, -3]], [0, 1], 2))
    expect(same).toBe(-Infinity)
    // codes [1,0] vs [0,1]: K = [[2,0],[0,2]] -> log 4 ; codes [1,0] vs [1,1]: K = [[2,1],[1,2]] -> log 3
    expect(await run('naswot', def, params, vecBatch([[1, -1], [-1, 1]], [0, 1], 2))).toBeCloseTo(Math.log(4), 10)
    expect(await run('naswot', def, params, vecBatch([[1, -1], [1, 1]], [0, 1], 2))).toBeCloseTo(Math.log(3), 10)
    disposeStore(params)
  })
})

describe('PNorm, Params, FLOPs', () => {
  const wts = { w1: [[3, -4], [0, 0]], b1: [100, 100], w2: [[1, 2], [-2, 4]], b2: [7, 7] }

  it('PNorm = Σ ‖W‖_F over weights only (biases excluded): 5 + 5 = 10', async () => {
    const { def, params } = mlp(wts)
    expect(await run('pnorm', def, params, vecBatch([[1, 2]], [0], 2))).toBeCloseTo(10, 12)
    disposeStore(params)
  })

  it('PNorm equals the weight norm and grows with the weights (sign convention)', async () => {
    const { def, params } = mlp({ ...wts, w1: [[6, -8], [0, 0]] })
    expect(await run('pnorm', def, params, vecBatch([[1, 2]], [0], 2))).toBeCloseTo(15, 12)
    disposeStore(params)
  })

  it('Params and FLOPs of the 2-2-2 MLP: 4+2+4+2 = 12 parameters, 12 multiply-adds (bias adds included)', async () => {
    const { def, params } = mlp(wts)
    const b = vecBatch([[1, 2]], [0], 2)
    expect(await run('params', def, params, b)).toBe(12)
    expect(await run('flops', def, params, b)).toBe(12)
    disposeStore(params)
  })

  it('NB201 anchors (CIFAR-10): 0.073306 M / 7.78305 M for a conv-free cell, 1.531546 M / 220.11969 M for all conv3×3', async () => {
    const count = (s: string): NetworkDef => buildNb201Network(nb201FromString(s), { numClasses: 10, inputSize: 32 })
    const none = count('|avg_pool_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|skip_connect~1|none~2|')
    const conv = count('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|')
    const p = getProxy('params')
    const f = getProxy('flops')
    if (p.kind !== 'standalone' || f.kind !== 'standalone') throw new Error('counters must be standalone proxies')
    const at = (def: NetworkDef) => ({ def }) as unknown as Parameters<typeof p.compute>[0]
    expect([await p.compute(at(none)), await f.compute(at(none))]).toEqual([73306, 7783050])
    expect([await p.compute(at(conv)), await f.compute(at(conv))]).toEqual([1531546, 220119690])
  })
})

describe('registry conventions', () => {
  it('every proxy of issue #3 is registered and is sign-adjusted: the 93.8 % cell outscores the 49 % cell', async () => {
    const ISSUE3 = ['synflow', 'jaccor', 'naswot', 'pnorm', 'params', 'flops']
    const ids = listProxies().map((p) => p.id)
    for (const id of ISSUE3) expect(ids).toContain(id)
    expect(cifar10Accuracy(GOOD_CELL) - cifar10Accuracy(BAD_CELL)).toBeGreaterThan(40)
    const { good, bad } = await scoreGoodAndBad(ISSUE3)
    for (const id of ISSUE3) expect(good[id], id).toBeGreaterThan(bad[id])
  })

  it('data-free proxies ignore the batch contents (SynFlow, PNorm, Params, FLOPs on an NB201 cell)', async () => {
    const def = buildNb201Network(nb201FromString('|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_3x3~2|'), {
      numClasses: 10,
      inputSize: 8,
    })
    const { materializeParams, disposeParams } = await import('../../../src/engine/nn/params')
    const params = materializeParams(def, 'pytorch', new Rng(3))
    const batchOf = (seed: number): Batch => {
      const r = new Rng(seed)
      return { x: Float32Array.from({ length: 2 * 8 * 8 * 3 }, () => r.normal() * 3), shape: [2, 8, 8, 3], labels: Int32Array.from([seed % 10, 1]), numClasses: 10 }
    }
    const ids = ['synflow', 'pnorm', 'params', 'flops']
    const a = await computeProxies(ids, { space: 'nb201', def, params, batch: batchOf(1), init: 'pytorch', seed: 1 })
    const b = await computeProxies(ids, { space: 'nb201', def, params, batch: batchOf(2), init: 'pytorch', seed: 2 })
    expect(b.scores).toEqual(a.scores)
    expect(Number.isFinite(a.scores.synflow)).toBe(true)
    disposeParams(params)
  })
})

describe('NetSens and EPE (share the input-gradient pass with JacCor)', () => {
  const w1 = [[1, -1, 0.5], [2, 0.5, -1], [0, 1, 1]]
  const w2 = [[1, -2], [0.5, 0.5], [-1, 3]]
  const b1 = [0.1, -0.2, 0.3]
  const xs = [[1, 0, 1], [-1, 2, 0.5], [0.3, -0.7, 2], [0.5, 0.5, -1]]
  const ys = [0, 1, 0, 0]
  /** J_n = W1·(1[pre_n>0] ⊙ W2·1), by hand */
  const jRows = xs.map((x) => {
    const r = w2.map((row) => row[0] + row[1])
    const pre = [0, 1, 2].map((j) => x[0] * w1[0][j] + x[1] * w1[1][j] + x[2] * w1[2][j] + b1[j])
    return [0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + w1[i][j] * (pre[j] > 0 ? r[j] : 0), 0))
  })

  it('NetSens = mean |J|', async () => {
    const { def, params } = mlp({ w1, w2, b1 })
    const flat = jRows.flat()
    expect(await run('netsens', def, params, vecBatch(xs, ys, 2))).toBeCloseTo(flat.reduce((s, v) => s + Math.abs(v), 0) / flat.length, 5)
    disposeStore(params)
  })

  it('EPE = Σ_c |Σ log(|corrcoef(J_c)| + 1e-5)|; a one-sample class adds log(1+1e-5)', async () => {
    const { def, params } = mlp({ w1, w2, b1 })
    // class 0: rows 0, 2, 3 ; class 1: row 1 alone
    const rows0 = [jRows[0], jRows[2], jRows[3]]
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((s, v) => s + v, 0) / a.length
      const mb = b.reduce((s, v) => s + v, 0) / b.length
      const ca = a.map((v) => v - ma)
      const cb = b.map((v) => v - mb)
      return ca.reduce((s, v, i) => s + v * cb[i], 0) / Math.sqrt(ca.reduce((s, v) => s + v * v, 0) * cb.reduce((s, v) => s + v * v, 0))
    }
    let s0 = 0
    for (const a of rows0) for (const b of rows0) s0 += Math.log(Math.abs(corr(a, b)) + 1e-5)
    const expected = Math.abs(s0) + Math.abs(Math.log(1 + 1e-5))
    expect(await run('epe', def, params, vecBatch(xs, ys, 2))).toBeCloseTo(expected, 3)
    disposeStore(params)
  })

  it('JacCor, NetSens and EPE of one architecture use ONE input-gradient pass', async () => {
    const { def, params } = mlp({ w1, w2, b1 })
    const batch = vecBatch(xs, ys, 2)
    const { inputJacobian } = await import('../../../src/engine/proxies/input-jacobian')
    const first = await inputJacobian(def, params, batch)
    expect(await inputJacobian(def, params, batch)).toBe(first) // memoised per (params, batch)
    const hand = jRows.flat()
    expect(first.j.length).toBe(hand.length)
    hand.forEach((v, i) => expect(first.j[i]).toBeCloseTo(v, 5))
    disposeStore(params)
  })
})

describe('LyDynIso', () => {
  it('−Σ‖WWᵀ − I‖_F: 0 for orthonormal rows; 2I (2×2) gives −3√2; a conv kernel is reshaped (out, in·k·k)', async () => {
    // W1 (rows = output units = columns of our [in,out] layout): rotation -> orthonormal -> 0
    const c = Math.cos(0.3)
    const s = Math.sin(0.3)
    const { def, params } = mlp({ w1: [[c, -s], [s, c]], w2: [[2, 0], [0, 2]] })
    expect(await run('lydyniso', def, params, vecBatch([[1, 2]], [0], 2))).toBeCloseTo(-3 * Math.SQRT2, 6) // float32 weights
    disposeStore(params)
    const { isometryDefect } = await import('../../../src/engine/proxies/lydyniso')
    // conv 1×1, 2 in, 1 out, HWIO [1,1,2,1] = [3, 4]: M = [[3, 4]], MMᵀ − I = 24
    expect(isometryDefect([3, 4], { name: 'c', kind: 'conv', shape: [1, 1, 2, 1], fanIn: 2, fanOut: 1 })).toBeCloseTo(24, 12)
    // depthwise [1,1,2,1] with values [3,4]: PyTorch (C,1,1,1) -> M = [[3],[4]], MMᵀ − I = [[8,12],[12,15]] -> √577
    expect(isometryDefect([3, 4], { name: 'd', kind: 'depthwise', shape: [1, 1, 2, 1], fanIn: 1, fanOut: 1 })).toBeCloseTo(Math.sqrt(577), 12)
  })
})

describe('Params/FLOPs on torchvision MobileNetV2 1.0 @224 (shared anchors)', () => {
  it('params = 3,504,872; FLOPs = the 300,774,272 multiply-adds + 1,000 classifier bias adds (NB201 counting convention)', async () => {
    const { readFileSync } = await import('node:fs')
    const { sharedPath } = await import('../../helpers/shared-data')
    const { buildTorchvisionMobileNetV2 } = await import('../../../src/engine/spaces/mbv2')
    const lines = readFileSync(sharedPath('mbv2_anchors', 'mobilenetv2_reference.csv'), 'utf8').trim().split('\n')
    const head = lines[0].split(',')
    const row = lines.map((l) => l.split(',')).find((c) => c[0] === 'mobilenet_v2_1.0_224')!
    const macs = Number(row[head.indexOf('derived_MACs_exact')])
    const params = Number(row[head.indexOf('derived_params_with_BN_affine_exact')])
    expect([macs, params]).toEqual([300774272, 3504872])
    const def = buildTorchvisionMobileNetV2(224)
    const p = getProxy('params')
    const f = getProxy('flops')
    if (p.kind !== 'standalone' || f.kind !== 'standalone') throw new Error('counters must be standalone proxies')
    const ctx = { def } as unknown as Parameters<typeof p.compute>[0]
    expect(await p.compute(ctx)).toBe(params)
    expect(await f.compute(ctx)).toBe(macs + 1000)
  })
})
