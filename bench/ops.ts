/**
 * Op-library micro-benchmark (wasm unless ZSNAS_BACKEND says otherwise):
 * forward and forward+backward time per op at NB201/MBv2-like shapes, ours
 * (custom gradients through forward kernels) vs the stock tfjs kernels
 * (stock backward = the backend's gradient kernels called directly, since
 * tfjs-core registers no gradient functions; "missing" = no such kernel).
 *
 *   npx tsx bench/ops.ts            # B = 64
 *   BENCH_BATCH=16 npx tsx bench/ops.ts
 * Prints the median of BENCH_REPS (default 3) runs after one warm-up, in ms.
 */
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../src/engine/backend/select'
import { conv2dOp } from '../src/engine/nn/ops/conv'
import { batchNormTrainOp } from '../src/engine/nn/ops/batch-norm'
import { avgPoolOp, maxPoolOp } from '../src/engine/nn/ops/pool'
import { reluOp } from '../src/engine/nn/ops/relu'
import { linearOp } from '../src/engine/nn/ops/linear'

const B = Number(process.env.BENCH_BATCH ?? 64)
const REPS = Number(process.env.BENCH_REPS ?? 3)

function median(f: () => void): number {
  f() // warm-up (XNNPACK operator creation, heap growth)
  const t: number[] = []
  for (let i = 0; i < REPS; i++) {
    const s = performance.now()
    f()
    t.push(performance.now() - s)
  }
  t.sort((a, b) => a - b)
  return t[Math.floor(t.length / 2)]
}

const fmt = (v: number | string) => (typeof v === 'number' ? v.toFixed(1).padStart(11) : v.padStart(11))

interface Case {
  name: string
  x: number[]
  w?: number[]
  ours: (x: tf.Tensor, w?: tf.Tensor) => tf.Tensor
  oursW?: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor
  stock: (x: tf.Tensor, w?: tf.Tensor) => tf.Tensor
  /** stock backward: dx (and dW) kernels given dy */
  stockBack?: (x: tf.Tensor, y: tf.Tensor, dy: tf.Tensor, w?: tf.Tensor) => tf.Tensor[]
}

const convBack =
  (stride: number, pad: 'same' | number, depthwise = false) =>
  (x: tf.Tensor, _y: tf.Tensor, dy: tf.Tensor, w?: tf.Tensor): tf.Tensor[] => {
    const e = tf.engine()
    const attrs = { strides: stride, pad, dataFormat: 'NHWC', dilations: 1, inputShape: x.shape, filterShape: w!.shape }
    return depthwise
      ? [e.runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w! }, attrs) as tf.Tensor, e.runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs) as tf.Tensor]
      : [e.runKernel('Conv2DBackpropInput', { dy, filter: w! }, attrs) as tf.Tensor, e.runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor]
  }

function conv(name: string, x: number[], k: number, cout: number, stride: number, pad: 'same' | number, depthwise = false): Case {
  const w = [k, k, x[3], depthwise ? 1 : cout]
  const spec = { stride, pad, depthwise }
  return {
    name,
    x,
    w,
    ours: (xx, ww) => conv2dOp(xx as tf.Tensor4D, ww as tf.Tensor4D, spec),
    oursW: (xx, ww) => conv2dOp(xx as tf.Tensor4D, ww as tf.Tensor4D, { ...spec, weightGrads: true }),
    stock: (xx, ww) =>
      depthwise ? tf.depthwiseConv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, stride, pad as 'same') : tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, stride, pad as 'same'),
    stockBack: convBack(stride, pad, depthwise),
  }
}

const S1 = [B, 32, 32, 16]
const MB = [Math.max(1, Math.floor(B / 4)), 56, 56, 96]
const CASES: Case[] = [
  conv('conv3x3 s1 16->16 @32', S1, 3, 16, 1, 'same'),
  conv('conv1x1 s1 16->16 @32', S1, 1, 16, 1, 'same'),
  conv('conv3x3 s2 p1 16->32 @32', S1, 3, 32, 2, 1),
  conv(`dw3x3 s1 96 @56 (B/4)`, MB, 3, 96, 1, 'same', true),
  conv(`dw5x5 s2 96 @56 (B/4)`, MB, 5, 96, 2, 2, true),
  {
    name: 'batchNorm train @32x16',
    x: S1,
    ours: (x) => batchNormTrainOp(x as tf.Tensor4D, tf.ones([16]) as tf.Tensor1D, tf.zeros([16]) as tf.Tensor1D, 1e-5),
    stock: (x) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2])
      return tf.batchNorm(x as tf.Tensor4D, mean, variance, tf.zeros([16]), tf.ones([16]), 1e-5)
    },
  },
  {
    name: 'avgPool3x3 s1 same @32x16',
    x: S1,
    ours: (x) => avgPoolOp(x as tf.Tensor4D, 3, 1, 'same'),
    stock: (x) => tf.avgPool(x as tf.Tensor4D, 3, 1, 'same'),
    stockBack: (x, _y, dy) => [tf.engine().runKernel('AvgPoolGrad', { dy, input: x }, { filterSize: 3, strides: 1, pad: 'same' }) as tf.Tensor],
  },
  {
    name: 'avgPool2x2 s2 valid @32x16',
    x: S1,
    ours: (x) => avgPoolOp(x as tf.Tensor4D, 2, 2, 'valid'),
    stock: (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'),
    stockBack: (x, _y, dy) => [tf.engine().runKernel('AvgPoolGrad', { dy, input: x }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor],
  },
  {
    name: 'maxPool3x3 s1 same @32x16',
    x: S1,
    ours: (x) => maxPoolOp(x as tf.Tensor4D, 3, 1, 'same'),
    stock: (x) => tf.maxPool(x as tf.Tensor4D, 3, 1, 'same'),
    stockBack: (x, y, dy) => [tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 3, strides: 1, pad: 'same' }) as tf.Tensor],
  },
  {
    name: 'relu (with hooks) @32x16',
    x: S1,
    ours: (x) => reluOp(x, { onForward: () => undefined, onBackward: () => undefined }),
    stock: (x) => tf.relu(x),
    stockBack: (x, _y, dy) => [tf.mul(dy, tf.step(x))],
  },
  {
    name: 'linear 64->10',
    x: [B, 64],
    w: [64, 10],
    ours: (x, w) => linearOp(x, w as tf.Tensor2D),
    oursW: (x, w) => linearOp(x, w as tf.Tensor2D, undefined, true),
    stock: (x, w) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    stockBack: (x, _y, dy, w) => [tf.matMul(dy as tf.Tensor2D, w as tf.Tensor2D, false, true), tf.matMul(x as tf.Tensor2D, dy as tf.Tensor2D, true, false)],
  },
]

async function main(): Promise<void> {
  const info = await initBackend()
  console.log(`backend ${info.name}, batch ${B}, median of ${REPS} (ms)`)
  console.log(`${'op'.padEnd(30)}${fmt('stock fwd')}${fmt('ours fwd')}${fmt('stock bwd')}${fmt('ours f+b')}${fmt('+dW f+b')}`)
  for (const c of CASES) {
    const x = tf.randomNormal(c.x)
    const w = c.w ? tf.mul(tf.randomNormal(c.w), 0.1) : undefined
    const y0 = tf.tidy(() => c.stock(x, w))
    const dy = tf.randomNormal(y0.shape)
    const stockFwd = median(() => tf.tidy(() => void c.stock(x, w)))
    const oursFwd = median(() => tf.tidy(() => void c.ours(x, w)))
    let stockBwd: number | string = '-'
    if (c.stockBack) {
      try {
        stockBwd = median(() => tf.tidy(() => void c.stockBack!(x, y0, dy, w)))
      } catch (e) {
        stockBwd = /not registered/.test(String(e)) ? 'missing' : 'error'
      }
    }
    const oursFB = median(() => tf.tidy(() => void tf.grad((xx: tf.Tensor) => c.ours(xx, w))(x, dy)))
    const oursW = c.oursW && w ? median(() => tf.tidy(() => void tf.grads((xx: tf.Tensor, ww: tf.Tensor) => c.oursW!(xx, ww))([x, w], dy))) : '-'
    console.log(`${c.name.padEnd(30)}${fmt(stockFwd)}${fmt(oursFwd)}${fmt(stockBwd)}${fmt(oursFB)}${fmt(oursW)}`)
    tf.dispose([x, y0, dy, ...(w ? [w] : [])])
  }
  console.log(`numTensors at exit: ${tf.memory().numTensors}`)
}

void main()
