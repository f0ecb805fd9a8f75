/**
 * Micro-bench (not CI): per-channel reductions and BN/Gram building blocks on
 * wasm at NB201 stage-1 size [64,32,32,16]. CPU ms per call (median of 15).
 *   npx tsx bench/ops-reduce.ts
 */
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../src/engine/backend/select'

const time = (f: () => tf.Tensor | tf.Tensor[]): number => {
  const ts: number[] = []
  for (let i = 0; i < 16; i++) {
    const c0 = process.cpuUsage()
    tf.tidy(() => { const r = f(); (Array.isArray(r) ? r : [r]).forEach((t) => t.dataSync()) })
    const c = process.cpuUsage(c0)
    if (i > 0) ts.push((c.user + c.system) / 1000)
  }
  return ts.sort((a, b) => a - b)[7]
}

await initBackend()
for (const shape of [[64, 32, 32, 16], [64, 8, 8, 64]] as [number, number, number, number][]) {
  const x = tf.randomNormal(shape) as tf.Tensor4D
  const dy = tf.randomNormal(shape) as tf.Tensor4D
  const [n, h, w, c] = shape
  const m = n * h * w
  const x2 = tf.reshape(x, [m, c])
  const ones = tf.ones([1, m])
  const d = h * w * c
  const xr = tf.reshape(x, [n, d])
  console.log(`shape [${shape}]`)
  const rows: [string, () => tf.Tensor | tf.Tensor[]][] = [
    ['mean [0,1,2]', () => tf.mean(x, [0, 1, 2])],
    ['sum axis0 of [M,C]', () => tf.sum(x2, 0)],
    ['matMul(ones[1,M], X[M,C])', () => tf.matMul(ones, x2)],
    ['relu then matMul(ones, fresh X)', () => tf.matMul(ones, tf.relu(x2))],
    ['relu then mean [0,1,2] of fresh X', () => tf.mean(tf.relu(x), [0, 1, 2])],
    ['moments: matMul(ones,[X, X*X] concat)', () => tf.matMul(ones, tf.concat([x2, tf.mul(x2, x2)], 1))],
    ['relu then avgPool global of fresh X', () => tf.avgPool(tf.relu(x) as tf.Tensor4D, [h, w], [h, w], 'valid')],
    ['avgPool global + mean over N', () => tf.mean(tf.avgPool(x, [h, w], [h, w], 'valid'), [0, 1, 2])],
    ['squaredDifference x, [C]', () => tf.squaredDifference(x, tf.ones([c]))],
    ['batchNorm x (fused)', () => tf.batchNorm(x, tf.zeros([c]), tf.ones([c]), tf.zeros([c]), tf.ones([c]), 1e-5)],
    ['affine mul+add [C]', () => tf.add(tf.mul(x, tf.ones([c])), tf.ones([c]))],
    ['affine fused dwconv1x1+bias', () => tf.fused.depthwiseConv2d({ x, filter: tf.ones([1, 1, c, 1]) as tf.Tensor4D, strides: 1, pad: 'valid', bias: tf.ones([c]) })],
    ['affine fused conv1x1 diag+bias', () => tf.fused.conv2d({ x, filter: tf.reshape(tf.eye(c), [1, 1, c, c]) as tf.Tensor4D, strides: 1, pad: 'valid', bias: tf.ones([c]) })],
    ['transpose [M,C]->[C,M]', () => tf.transpose(x2)],
    ['sum axis1 of [C,M] (pre-transposed)', () => tf.sum(tf.transpose(x2), 1)],
    ['mul x*x', () => tf.mul(x, x)],
    ['square x', () => tf.square(x)],
    ['sub x - mean[C]', () => tf.sub(x, tf.ones([c]))],
    ['mul x * [C]', () => tf.mul(x, tf.ones([c]))],
    ['add x + y', () => tf.add(x, dy)],
    ['relu', () => tf.relu(x)],
    ['step', () => tf.step(x)],
    ['row mean [N,d] axis1', () => tf.mean(xr, 1, true)],
    ['row sum [N,d] axis1', () => tf.sum(xr, 1)],
    ['transpose [N,d]->[d,N] via C-blocks', () => tf.reshape(tf.transpose(tf.reshape(xr, [n, d / c, c]), [1, 2, 0]), [d, n])],
    ['transpose [N,d]->[d,N] plain', () => tf.transpose(xr)],
    ['gram matMul(X, XT) incl. transpose', () => tf.matMul(xr, tf.reshape(tf.transpose(tf.reshape(xr, [n, d / c, c]), [1, 2, 0]), [d, n]))],
    ['gram matMul(XT^T ... ) transposeA', () => { const t = tf.transpose(xr); return tf.matMul(t, t, true, false) }],
    ['gram matMul(X, X, false, true)', () => tf.matMul(xr, xr, false, true)],
    ['conv3x3 same', () => tf.conv2d(x, tf.ones([3, 3, c, c]) as tf.Tensor4D, 1, 'same')],
  ]
  for (const [name, f] of rows) console.log(`  ${name.padEnd(40)} ${time(f).toFixed(2)} ms`)
}
