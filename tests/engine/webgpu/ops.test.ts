/**
 * Every custom-gradient op (src/engine/nn/ops/*) on the webgpu backend
 * (SwiftShader adapter: ZSNAS_BACKEND=webgpu semantics) against the cpu
 * backend: forward values and the gradient of ⟨op(x), r⟩ (a random
 * cotangent r, so every output element's gradient path is exercised) w.r.t.
 * every input, on tiny tensors. Inputs are built from the same seeded host
 * arrays on each backend and read back with `await t.data()` (webgpu has no
 * synchronous read in Node).
 *
 * Tolerance: |webgpu − cpu| ≤ 1e-4 · (max|cpu| + 1e-3) elementwise. Both run
 * float32; they differ only in the order of the reductions (conv/matmul/
 * pool/BN sums of ≤ 100 terms here). Reordering n float32 additions moves a
 * sum by at most ≈ n·2⁻²⁴·Σ|terms| ≈ 6e-6 relative to the magnitudes for n =
 * 100, so 1e-4 of the largest value leaves a 15× margin while still catching
 * any wrong index, missing term or wrong scale (errors of order 1e-1..1).
 * The 1e-3 floor covers outputs that are exactly 0 on one side and round-off
 * on the other (e.g. BN's centred sums).
 *
 * Skipped (with the reason) when the `webgpu` package, the Vulkan loader or a
 * Vulkan ICD is absent; CI has all three (.ci/run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { webgpuSkipReason } from './available'
import { Rng } from '../../../src/engine/core/rng'
import { customOp } from '../../../src/engine/nn/ops/custom'
import { conv2dOp } from '../../../src/engine/nn/ops/conv'
import { batchNormTrainOp } from '../../../src/engine/nn/ops/batch-norm'
import { linearOp } from '../../../src/engine/nn/ops/linear'
import { avgPoolOp, maxPoolOp } from '../../../src/engine/nn/ops/pool'
import { reluOp } from '../../../src/engine/nn/ops/relu'
import { addOp, mulChannelsOp, sigmoidOp } from '../../../src/engine/nn/ops/elementwise'
import { concatChannelsOp, globalAvgPoolOp, sliceChannelsOp } from '../../../src/engine/nn/ops/layout'
import { crossEntropyOp, sumOp } from '../../../src/engine/nn/ops/loss'
import { zeroOp } from '../../../src/engine/nn/ops/misc'
import { resizeBilinearOp } from '../../../src/engine/nn/ops/resize'

const skip = webgpuSkipReason()

function values(n: number, seed: number): Float32Array {
  const r = new Rng(seed)
  return Float32Array.from({ length: n }, () => r.normal())
}

interface OpCase {
  name: string
  shapes: number[][]
  /** inputs that are differentiated (default: all) */
  wrt?: number[]
  f: (xs: tf.Tensor[]) => tf.Tensor
}

const t4 = (t: tf.Tensor): tf.Tensor4D => t as tf.Tensor4D
const LABELS = new Int32Array([2, 0, 1])

const CASES: OpCase[] = [
  { name: 'conv2d 3×3 stride 1 same', shapes: [[2, 5, 5, 3], [3, 3, 3, 4]], f: ([x, w]) => conv2dOp(t4(x), t4(w), { stride: 1, pad: 'same', weightGrads: true }) },
  { name: 'conv2d 3×3 stride 2 same (dilated input gradient)', shapes: [[2, 5, 5, 3], [3, 3, 3, 4]], f: ([x, w]) => conv2dOp(t4(x), t4(w), { stride: 2, pad: 'same', weightGrads: true }) },
  { name: 'conv2d 1×1 valid with bias', shapes: [[2, 4, 4, 3], [1, 1, 3, 2], [2]], f: ([x, w, b]) => conv2dOp(t4(x), t4(w), { stride: 1, pad: 'valid', weightGrads: true }, b as tf.Tensor1D) },
  { name: 'depthwise conv2d 3×3 stride 2', shapes: [[2, 5, 5, 3], [3, 3, 3, 1]], f: ([x, w]) => conv2dOp(t4(x), t4(w), { stride: 2, pad: 'same', depthwise: true, weightGrads: true }) },
  { name: 'batch norm (training mode)', shapes: [[3, 3, 3, 4], [4], [4]], f: ([x, g, b]) => batchNormTrainOp(t4(x), g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, true) },
  { name: 'linear with bias', shapes: [[3, 5], [5, 4], [4]], f: ([x, w, b]) => linearOp(x, w as tf.Tensor2D, b as tf.Tensor1D, true) },
  { name: 'avg pool 3×3 stride 1 same (count_include_pad=False)', shapes: [[2, 4, 4, 2]], f: ([x]) => avgPoolOp(t4(x), 3, 1, 'same') },
  { name: 'avg pool 2×2 stride 2 valid (blocks)', shapes: [[2, 5, 5, 2]], f: ([x]) => avgPoolOp(t4(x), 2, 2, 'valid') },
  { name: 'max pool 3×3 stride 2 same', shapes: [[2, 5, 5, 2]], f: ([x]) => maxPoolOp(t4(x), 3, 2, 'same') },
  { name: 'relu', shapes: [[2, 3, 3, 2]], f: ([x]) => reluOp(x) },
  { name: 'add', shapes: [[2, 3, 3, 2], [2, 3, 3, 2]], f: ([a, b]) => addOp(a, b) },
  { name: 'sigmoid', shapes: [[2, 3, 3, 2]], f: ([x]) => sigmoidOp(x) },
  { name: 'mulChannels (SE gate)', shapes: [[2, 3, 3, 4], [2, 1, 1, 4]], f: ([x, g]) => mulChannelsOp(t4(x), t4(g)) },
  { name: 'concat channels', shapes: [[2, 3, 3, 2], [2, 3, 3, 3]], f: ([a, b]) => concatChannelsOp([t4(a), t4(b)]) },
  { name: 'slice channels', shapes: [[2, 3, 3, 5]], f: ([x]) => sliceChannelsOp(t4(x), 3) },
  { name: 'global avg pool', shapes: [[2, 3, 3, 4]], f: ([x]) => globalAvgPoolOp(t4(x)) },
  { name: 'cross entropy (mean, true labels)', shapes: [[3, 4]], f: ([z]) => crossEntropyOp(z as tf.Tensor2D, LABELS) },
  { name: 'sum', shapes: [[2, 3, 4]], f: ([x]) => sumOp(x) },
  { name: 'zero (NB201 none)', shapes: [[2, 3, 3, 2]], f: ([x]) => zeroOp(x) },
  { name: 'resize bilinear 3 → 5', shapes: [[2, 3, 3, 2]], f: ([x]) => resizeBilinearOp(t4(x), 5) },
]

/** Σ y ⊙ r as a custom op (the stock Mul/Sum gradients are not registered in the engine). */
function weighted(y: tf.Tensor, r: tf.Tensor): tf.Scalar {
  return customOp(([yy]) => ({ value: tf.sum(tf.mul(yy, r)), gradFunc: (dy) => tf.mul(dy, r) }))(y) as tf.Scalar
}

/** Forward values and ∂⟨f(x), r⟩/∂x_i on the active backend, from the case's seeded host arrays. */
async function evaluate(c: OpCase, seed: number): Promise<{ y: Float32Array; grads: Float32Array[] }> {
  const xs = c.shapes.map((s, i) => tf.tensor(values(s.reduce((a, v) => a * v, 1), seed + i), s))
  const wrt = c.wrt ?? c.shapes.map((_, i) => i)
  try {
    const y = tf.tidy(() => c.f(xs))
    const r = tf.tensor(values(y.size, seed + 99), y.shape)
    const { grads } = tf.engine().gradients(() => weighted(c.f(xs), r), wrt.map((i) => xs[i]), undefined, true)
    const out = await Promise.all([y, ...grads].map((t) => t.data() as Promise<Float32Array>))
    for (const t of [y, r, ...grads]) t.dispose()
    return { y: out[0], grads: out.slice(1) }
  } finally {
    for (const x of xs) x.dispose()
  }
}

function expectClose(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length)
  let scale = 0
  for (const v of want) scale = Math.max(scale, Math.abs(v))
  const tol = 1e-4 * (scale + 1e-3)
  let worst = 0
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]))
  expect(worst, `${what}: max |webgpu − cpu| ${worst} > ${tol}`).toBeLessThanOrEqual(tol)
}

describe.skipIf(skip !== undefined)(`custom-gradient ops: webgpu (SwiftShader) = cpu within float32 tolerance${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const { initBackend } = await import('../../../src/engine/backend/select')
    const info = await initBackend({ force: 'webgpu', log: () => undefined })
    expect(info.adapter?.isSoftware).toBe(true)
  })
  afterAll(async () => {
    await tf.setBackend('webgpu')
  })

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    await tf.setBackend('cpu')
    const want = await evaluate(c, 1000 + 10 * i)
    await tf.setBackend('webgpu')
    const got = await evaluate(c, 1000 + 10 * i)
    expectClose(got.y, want.y, `${c.name} forward`)
    want.grads.forEach((g, k) => expectClose(got.grads[k], g, `${c.name} ∂/∂input ${k}`))
  })
})
