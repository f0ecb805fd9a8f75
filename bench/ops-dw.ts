/**
 * Weight-gradient strategies on wasm (which lacks the stock backprop-filter kernels):
 * 'taps' = k² shifted slices × dy (mul+sum / matMul), 'dilated' = one
 * convolution of the input with dy as a dilated kernel (channels ↔ batch).
 * Prints the time of each and their max relative difference.
 *   npx tsx bench/ops-dw.ts
 */
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../src/engine/backend/select'

function time(f: () => tf.Tensor): { ms: number; v: Float32Array } {
  tf.tidy(() => void f())
  const s = performance.now()
  const v = tf.tidy(() => f().dataSync() as Float32Array)
  return { ms: performance.now() - s, v: v as Float32Array }
}

function padIn(x: tf.Tensor4D, p: number): tf.Tensor4D {
  return tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ])
}

function depthwiseTaps(xp: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number): tf.Tensor {
  const [n, oh, ow, c] = dy.shape
  const parts: tf.Tensor[] = []
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      const xs = tf.stridedSlice(xp, [0, a, b, 0], [n, a + (oh - 1) * s + 1, b + (ow - 1) * s + 1, c], [1, s, s, 1])
      parts.push(tf.sum(tf.mul(xs, dy), [0, 1, 2]))
    }
  return tf.reshape(tf.stack(parts), [k, k, c, 1])
}

function depthwiseDilated(xp: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number): tf.Tensor {
  const [n, oh, ow, c] = dy.shape
  const [, hp, wp] = xp.shape
  // channel (c, n) pairs become the depthwise channels; dy becomes an [oH, oW] kernel dilated by s
  const xin = tf.reshape(tf.transpose(xp, [1, 2, 3, 0]), [1, hp, wp, c * n])
  const filt = tf.reshape(tf.transpose(dy, [1, 2, 3, 0]), [oh, ow, c * n, 1])
  const hUse = (oh - 1) * s + k
  const wUse = (ow - 1) * s + k
  const xc = hUse === hp && wUse === wp ? xin : tf.slice(xin, [0, 0, 0, 0], [1, hUse, wUse, c * n])
  const out = tf.depthwiseConv2d(xc as tf.Tensor4D, filt as tf.Tensor4D, 1, 'valid', 'NHWC', s) // [1, k, k, c·n]
  return tf.reshape(tf.sum(tf.reshape(out, [k, k, c, n]), 3), [k, k, c, 1])
}

function convTaps(xp: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number): tf.Tensor {
  const [n, oh, ow, cout] = dy.shape
  const cin = xp.shape[3]
  const m = n * oh * ow
  const dyT = tf.transpose(tf.reshape(dy, [m, cout]))
  const parts: tf.Tensor[] = []
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      const xs =
        s === 1
          ? tf.slice(xp, [0, a, b, 0], [n, oh, ow, cin])
          : tf.stridedSlice(xp, [0, a, b, 0], [n, a + (oh - 1) * s + 1, b + (ow - 1) * s + 1, cin], [1, s, s, 1])
      parts.push(tf.matMul(dyT, tf.reshape(xs, [m, cin])))
    }
  return tf.transpose(tf.reshape(tf.stack(parts), [k, k, cout, cin]), [0, 1, 3, 2])
}

function convDilated(xp: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number): tf.Tensor {
  const [n, oh, ow, cout] = dy.shape
  const [, hp, wp, cin] = xp.shape
  const hUse = (oh - 1) * s + k
  const wUse = (ow - 1) * s + k
  const xc = hUse === hp && wUse === wp ? xp : tf.slice(xp, [0, 0, 0, 0], [n, hUse, wUse, cin])
  const xin = tf.transpose(xc, [3, 1, 2, 0]) // [Cin, H, W, N]
  const filt = tf.transpose(dy, [1, 2, 0, 3]) // [oH, oW, N, Cout]
  const out = tf.conv2d(xin as tf.Tensor4D, filt as tf.Tensor4D, 1, 'valid', 'NHWC', s) // [Cin, k, k, Cout]
  return tf.transpose(out, [1, 2, 0, 3])
}

async function main(): Promise<void> {
  const info = await initBackend()
  console.log(`backend ${info.name}`)
  const rel = (a: Float32Array, b: Float32Array) => {
    let num = 0
    let den = 0
    for (let i = 0; i < a.length; i++) {
      num = Math.max(num, Math.abs(a[i] - b[i]))
      den = Math.max(den, Math.abs(b[i]))
    }
    return num / den
  }
  const cases: [string, number[], number, number, number, boolean][] = [
    ['dw3x3 s1 [16,56,56,96]', [16, 56, 56, 96], 3, 1, 1, true],
    ['dw5x5 s2 [16,56,56,96]', [16, 56, 56, 96], 5, 2, 2, true],
    ['dw7x7 s1 [16,14,14,576]', [16, 14, 14, 576], 7, 1, 3, true],
    ['conv3x3 s1 16->16 [64,32,32]', [64, 32, 32, 16], 3, 1, 1, false],
    ['conv3x3 s2 16->32 [64,32,32]', [64, 32, 32, 16], 3, 2, 1, false],
    ['conv1x1 s1 64->64 [64,8,8]', [64, 8, 8, 64], 1, 1, 0, false],
    ['conv3x3 s1 128->128 [64,32,32]', [64, 32, 32, 128], 3, 1, 1, false],
  ]
  for (const [name, shape, k, s, p, dw] of cases) {
    const x = tf.randomNormal(shape as [number, number, number, number]) as tf.Tensor4D
    const xp = padIn(x, p)
    const cout = dw ? shape[3] : name.includes('->32') ? 32 : shape[3]
    const oh = Math.floor((shape[1] + 2 * p - k) / s) + 1
    const dy = tf.randomNormal([shape[0], oh, oh, cout]) as tf.Tensor4D
    const a = time(() => (dw ? depthwiseTaps : convTaps)(xp, dy, k, s))
    const b = time(() => (dw ? depthwiseDilated : convDilated)(xp, dy, k, s))
    console.log(`${name.padEnd(34)} taps ${a.ms.toFixed(1).padStart(8)} ms   dilated ${b.ms.toFixed(1).padStart(8)} ms   rel diff ${rel(b.v, a.v).toExponential(1)}`)
    tf.dispose([x, xp, dy])
  }
}

void main()
