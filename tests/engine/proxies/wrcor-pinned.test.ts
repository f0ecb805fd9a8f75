/**
 * Pins WRCor of real NB201 cells (tiny batch 8 of 8×8 images) to an
 * obviously-correct slow path, so that speed work on the op library or the
 * correlation step cannot silently change the score:
 *   - network: the same NB201 builder interpreted with STOCK tfjs ops on the
 *     cpu backend (tf.moments batch norm, conv2d with explicit padding,
 *     avg-pool 'same' as a ones-kernel depthwise conv divided by the valid-pixel
 *     count, ReLU inputs + zero probes, tfjs's stock gradients w.r.t. the probes);
 *   - correlation: `pearsonRows` in float64 JS on the raw values, K = Σ 2^block·|R|.
 * The production path (custom-gradient ops, wasm backend, Gram matrices on the
 * backend) must agree within float32 round-off (1e-6 relative; measured ≤ 1.2e-9).
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { ConvOptions, Ops, ReluTag } from '../../../src/engine/core/network'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { disposeParams, materializeParams, type ParamStore } from '../../../src/engine/nn/params'
import { pearsonRows } from '../../../src/engine/linalg'
import { computeProxies, CorrKernel } from '../../../src/engine/proxies'
import { rowCorrelationPaths, tensorRowCorrelation } from '../../../src/engine/proxies/responses'
import { axisGeometry } from '../../../src/engine/nn/ops/geometry'
import { loadStockGradients } from '../nn/tfjs-reference-gradients'
import { onBackend, randnValues } from '../nn/helpers'

const N = 8
const S = 8
const CELLS = [
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  '|nor_conv_1x1~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|',
  // nodes 1 and 2 reach the output only through 'none' edges: their gradient matrices are skipped
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|none~2|',
]

function batchOf(seed: number): Batch {
  const labels = Int32Array.from({ length: N }, (_, i) => (i * 7 + seed) % 10)
  return { x: randnValues(N * S * S * 3, seed), shape: [N, S, S, 3], labels, numClasses: 10 }
}

/** Stock-op interpreter: the i-th ReLU call adds `probes[i]` to its input (`calls` records tags and shapes). */
function stockOps(params: ParamStore, eps: number, probes: tf.Tensor[] | null, calls: { tag: ReluTag; shape: number[]; pre?: Float32Array }[]): Ops<tf.Tensor> {
  const p = (name: string) => params.get(name)!
  const pad4 = (x: tf.Tensor, k: number, stride: number, pad: ConvOptions['pad']) => {
    const h = axisGeometry(x.shape[1]!, k, stride, pad)
    const w = axisGeometry(x.shape[2]!, k, stride, pad)
    return [[0, 0], [h.before, h.after], [w.before, w.after], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]
  }
  const unused = (): never => {
    throw new Error('op not used by NB201')
  }
  return {
    conv2d(x, weight, c) {
      const w = p(weight) as tf.Tensor4D
      const y = tf.conv2d(x as tf.Tensor4D, w, c.stride, pad4(x, w.shape[0], c.stride, c.pad))
      return c.bias === undefined ? y : tf.add(y, p(c.bias))
    },
    batchNorm(x, gamma, beta) {
      const { mean, variance } = tf.moments(x, [0, 1, 2])
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), p(gamma)), p(beta))
    },
    relu(x, tag) {
      const i = calls.length
      const pre = probes === null ? x : tf.add(x, probes[i])
      calls.push({ tag, shape: x.shape.slice(), pre: pre.dataSync() as Float32Array })
      return tf.relu(pre)
    },
    add: (a, b) => tf.add(a, b),
    zero: (x) => tf.mul(x, 0),
    unitOutput: (x) => x,
    avgPool(x, k, stride, pad) {
      if (pad === 'valid') return tf.avgPool(x as tf.Tensor4D, k, stride, 'valid')
      // count_include_pad=False: window sum / number of valid pixels (stock AvgPoolGrad is wrong at 'same' borders)
      const c = x.shape[3]!
      const ones = tf.ones([k, k, c, 1]) as tf.Tensor4D
      const pads = pad4(x, k, stride, pad)
      const sum = tf.depthwiseConv2d(x as tf.Tensor4D, ones, stride, pads)
      const cnt = tf.depthwiseConv2d(tf.onesLike(x) as tf.Tensor4D, ones, stride, pads)
      return tf.div(sum, cnt)
    },
    maxPool: unused,
    globalAvgPool: (x) => tf.mean(x, [1, 2], true),
    linear(x, weight, bias) {
      const y = tf.matMul(tf.reshape(x, [x.shape[0]!, -1]), p(weight))
      return bias === undefined ? y : tf.add(y, p(bias))
    },
    concatChannels: unused,
    sliceChannels: unused,
    sigmoid: unused,
    mulChannels: unused,
    resizeBilinear: unused,
  }
}

/** WRCor by the slow path (cpu backend, stock gradients, float64 pearsonRows). */
function slowWrcor(arch: string, seed: number): number {
  const def = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: S })
  const params = materializeParams(def, 'pytorch', new Rng(seed))
  const batch = batchOf(seed)
  const kernel = new CorrKernel(N)
  tf.tidy(() => {
    const x = tf.tensor4d(batch.x, batch.shape)
    const shapes: { tag: ReluTag; shape: number[] }[] = []
    def.forward(stockOps(params, def.bnEps, null, shapes), x)
    const probes = shapes.map((c) => tf.zeros(c.shape))
    const calls: { tag: ReluTag; shape: number[]; pre?: Float32Array }[] = []
    const onehot = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), 10)
    const loss = (...ps: tf.Tensor[]) => {
      calls.length = 0
      const logits = def.forward(stockOps(params, def.bnEps, ps, calls), x) as tf.Tensor2D
      return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar
    }
    const grads = tf.grads(loss)(probes)
    expect(calls.length).toBe(probes.length)
    calls.forEach((c, i) => {
      const d = c.pre!.length / N
      const w = 2 ** c.tag.block
      kernel.add(pearsonRows(c.pre!, N, d), w)
      kernel.add(pearsonRows(grads[i].dataSync(), N, d), w)
    })
  })
  disposeParams(params)
  return kernel.score()
}

async function fastWrcor(arch: string, seed: number): Promise<number> {
  const def = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: S })
  const params = materializeParams(def, 'pytorch', new Rng(seed))
  try {
    const r = await computeProxies(['wrcor'], { space: 'nb201', def, params, batch: batchOf(seed), init: 'pytorch', seed: 1 })
    return r.scores.wrcor
  } finally {
    disposeParams(params)
  }
}

beforeAll(async () => {
  await loadStockGradients()
})

describe('WRCor of NB201 cells pinned to a stock-op float64 slow path', () => {
  for (const [i, arch] of CELLS.entries()) {
    it(`cell ${i}: ${arch}`, async () => {
      const slow = await onBackend('cpu', () => slowWrcor(arch, 40 + i))
      const fast = await onBackend('wasm', () => fastWrcor(arch, 40 + i))
      expect(Number.isFinite(slow)).toBe(true)
      expect(Math.abs(fast - slow) / Math.abs(slow)).toBeLessThan(1e-6) // measured ≤ 1.2e-9 (float32 round-off); a wrong weight or dropped term moves it by ≫ 1e-3
    })
  }
})

describe('tensorRowCorrelation: raw-Gram fast path and centring fallback agree with float64 pearsonRows', () => {
  const check = async (offset: number, expectPath: 'fast' | 'centred') => {
    const d = 4 * 4 * 8
    const vals = randnValues(6 * d, 77)
    for (let i = 0; i < vals.length; i++) vals[i] += offset * (1 + Math.floor(i / d) / 10)
    const before = { ...rowCorrelationPaths }
    const r = await onBackend('wasm', () => {
      const t = tf.tensor4d(vals, [6, 4, 4, 8])
      try {
        return tensorRowCorrelation(t)
      } finally {
        t.dispose()
      }
    })
    expect(rowCorrelationPaths[expectPath]).toBe(before[expectPath] + 1)
    const ref = pearsonRows(Array.from(vals), 6, d)
    expect(r.zeroVarianceRows).toEqual([])
    for (let i = 0; i < 36; i++) expect(Math.abs(r.matrix[i] - ref.matrix[i])).toBeLessThan(1e-6)
  }
  it('rows with small means take the fast path', () => check(0.3, 'fast'))
  it('rows whose mean dwarfs their spread (mean ≈ 100σ) are centred on the backend first', () => check(100, 'centred'))
})
