/**
 * Pooling with correct gradients.
 *
 * avgPool, 'same' padding, stride 1, odd k (NB201 `AvgPool2d(3,1,1,
 * count_include_pad=False)`): the forward is tf.avgPool, which excludes padded
 * cells from the count. The stock tfjs AvgPoolGrad (cpu AND wasm) divides by
 * the full window at the borders, which is wrong; our backward is
 *   dx = cnt ⊙ avgPool(dy / cnt)
 * where cnt is the number of valid pixels in each window (exact because the
 * window relation is symmetric for stride 1 and centred windows).
 *
 * avgPool, 'valid', k == stride (non-overlapping, e.g. 2x2/2): dx = dy spread
 * over each window / k² (one broadcast multiply); rows/columns not covered by
 * any window get 0. Other 'valid' avgPools use the backend's AvgPoolGrad
 * kernel (correct without padding). 'same' with stride > 1 or even k is rejected.
 *
 * maxPool: stock forward (TF 'same' pads with −∞). Backward: the wasm
 * MaxPoolGrad kernel of tfjs 4.22 is WRONG (it disagrees with the cpu kernel
 * and with finite differences — see pool.test.ts; observed: a window whose
 * values are all negative passes no gradient at all), and wasm's
 * MaxPoolWithArgmax picks the last maximum and also disagrees with cpu
 * (bench/ops-maxpool.ts), so the gradient is built
 * from forward kernels: for each of the k² window taps (row-major), the tap
 * whose value equals the window max receives dy, and only the FIRST such tap
 * in row-major order does (PyTorch's CPU tie rule: first maximum wins). The
 * per-tap contributions are scattered back by dilation + padding.
 */
import * as tf from '@tensorflow/tfjs-core'
import { heapSlice } from '../../backend/wasm-inplace'
import { ZsnasError } from '../../core/errors'
import { axisGeometry } from './geometry'
import { customOp } from './custom'
import { dilateZeros, spreadBlocks } from './spread'

function check4(x: tf.Tensor, what: string): void {
  if (x.rank !== 4) throw new ZsnasError('BAD_SHAPE', `${what} input must be NHWC (rank 4), got [${x.shape}]`)
}

/**
 * The backend's AvgPool kernel on a float32 NHWC tensor. `tf.avgPool` ends with a
 * float32→float32 `cast` that copies the whole output on wasm (≈ 25% of the pool's cost).
 */
export function avgPoolKernel(x: tf.Tensor4D, k: number | [number, number], stride: number | [number, number], pad: 'same' | 'valid'): tf.Tensor4D {
  return tf.engine().runKernel('AvgPool', { x }, { filterSize: k, strides: stride, pad }) as tf.Tensor4D
}

/** [1,H,W,1] count of in-bounds pixels of each centred k×k window. */
function validCount(h: number, w: number, k: number): tf.Tensor4D {
  const r = (k - 1) / 2
  const rows = new Float32Array(h)
  const cols = new Float32Array(w)
  for (let i = 0; i < h; i++) rows[i] = Math.min(i + r, h - 1) - Math.max(i - r, 0) + 1
  for (let j = 0; j < w; j++) cols[j] = Math.min(j + r, w - 1) - Math.max(j - r, 0) + 1
  const cnt = new Float32Array(h * w)
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) cnt[i * w + j] = rows[i] * cols[j]
  return tf.tensor4d(cnt, [1, h, w, 1])
}

function avgPoolSame(x: tf.Tensor4D, k: number): tf.Tensor4D {
  const [, h, w] = x.shape
  const op = customOp(([xx]) => ({
    value: avgPoolKernel(xx as tf.Tensor4D, k, 1, 'same'),
    gradFunc: (dy) => {
      const cnt = validCount(h, w, k)
      return tf.mul(avgPoolKernel(tf.div(dy, cnt) as tf.Tensor4D, k, 1, 'same'), cnt)
    },
  }))
  return op(x) as tf.Tensor4D
}

function avgPoolBlocks(x: tf.Tensor4D, k: number): tf.Tensor4D {
  const [, h, w] = x.shape
  const oh = axisGeometry(h, k, k, 'valid').out
  const ow = axisGeometry(w, k, k, 'valid').out
  const op = customOp(([xx]) => ({
    value: avgPoolKernel(xx as tf.Tensor4D, k, k, 'valid'),
    gradFunc: (dy) => {
      const up = spreadBlocks(dy as tf.Tensor4D, k, 1 / (k * k))
      if (oh * k === h && ow * k === w) return up
      return tf.pad(up, [
        [0, 0],
        [0, h - oh * k],
        [0, w - ow * k],
        [0, 0],
      ])
    },
  }))
  return op(x) as tf.Tensor4D
}

/** Average pooling with count_include_pad=False semantics and a correct gradient (see module comment). */
export function avgPoolOp(x: tf.Tensor4D, k: number, stride: number, pad: 'same' | 'valid'): tf.Tensor4D {
  check4(x, 'avgPool')
  axisGeometry(x.shape[1], k, stride, pad)
  axisGeometry(x.shape[2], k, stride, pad)
  if (pad === 'same') {
    if (stride !== 1 || k % 2 !== 1) {
      throw new ZsnasError('INVALID_OPTION', `avgPool 'same' is supported for stride 1 and odd k only, got k=${k} stride=${stride}`)
    }
    return avgPoolSame(x, k)
  }
  if (pad !== 'valid') throw new ZsnasError('INVALID_OPTION', `avgPool padding must be 'same' or 'valid', got ${String(pad)}`)
  return k === stride ? avgPoolBlocks(x, k) : stockAvgPoolValid(x, k, stride)
}

/** Forward + the backend's own AvgPoolGrad kernel (correct when nothing is padded). */
function stockAvgPoolValid(x: tf.Tensor4D, k: number, stride: number): tf.Tensor4D {
  const attrs = { filterSize: k, strides: stride, pad: 'valid' }
  const op = customOp(([xx], save) => {
    save([xx])
    return {
      value: avgPoolKernel(xx as tf.Tensor4D, k, stride, 'valid'),
      gradFunc: (dy, [xs]) => tf.engine().runKernel('AvgPoolGrad', { dy, input: xs }, attrs) as tf.Tensor,
    }
  })
  return op(x) as tf.Tensor4D
}

/** Max pooling with the forward-kernel gradient above (first maximum in row-major window order wins). */
/** Gradient of max pooling w.r.t. x (see module comment). */
function maxPoolBackward(x: tf.Tensor4D, y: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number, pad: 'same' | 'valid'): tf.Tensor4D {
  const [n, h, w, c] = x.shape
  const gh = axisGeometry(h, k, s, pad)
  const gw = axisGeometry(w, k, s, pad)
  const xp = tf.pad(
    x,
    [
      [0, 0],
      [gh.before, gh.after],
      [gw.before, gw.after],
      [0, 0],
    ],
    -Infinity,
  )
  const hp = h + gh.before + gh.after
  const wp = w + gw.before + gw.after
  let remaining: tf.Tensor = tf.onesLike(y)
  let dxp: tf.Tensor = tf.zerosLike(xp)
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const xs =
        s === 1
          ? heapSlice(xp, [0, a, b, 0], [n, gh.out, gw.out, c])
          : tf.stridedSlice(xp, [0, a, b, 0], [n, a + (gh.out - 1) * s + 1, b + (gw.out - 1) * s + 1, c], [1, s, s, 1])
      // xs ≤ y everywhere, so step(y − xs) is 1 exactly where the tap is NOT the maximum (−∞ padding: never
      // the maximum); hit = remaining ∧ isMax = relu(remaining − notMax) (boolean ops are slow on wasm)
      const hit = tf.relu(tf.sub(remaining, tf.step(tf.sub(y, xs))))
      remaining = tf.sub(remaining, hit)
      let part = tf.mul(dy, hit)
      if (s > 1) {
        part = dilateZeros(part as tf.Tensor4D, s)
      }
      // place tap (a,b): output o lands on padded row a + o·s; drop trailing dilation zeros that overflow
      const lh = Math.min(part.shape[1] as number, hp - a)
      const lw = Math.min(part.shape[2] as number, wp - b)
      if (lh !== part.shape[1] || lw !== part.shape[2]) part = heapSlice(part, [0, 0, 0, 0], [n, lh, lw, c])
      dxp = tf.add(
        dxp,
        tf.pad(part, [
          [0, 0],
          [a, hp - a - lh],
          [b, wp - b - lw],
          [0, 0],
        ]),
      )
    }
  }
  return heapSlice(dxp, [0, gh.before, gw.before, 0], [n, h, w, c]) as tf.Tensor4D
}

export function maxPoolOp(x: tf.Tensor4D, k: number, stride: number, pad: 'same' | 'valid'): tf.Tensor4D {
  check4(x, 'maxPool')
  if (pad !== 'same' && pad !== 'valid') {
    throw new ZsnasError('INVALID_OPTION', `maxPool padding must be 'same' or 'valid', got ${String(pad)}`)
  }
  axisGeometry(x.shape[1], k, stride, pad)
  axisGeometry(x.shape[2], k, stride, pad)
  const op = customOp(([xx], save) => {
    const y = tf.maxPool(xx as tf.Tensor4D, k, stride, pad)
    save([xx, y])
    return { value: y, gradFunc: (dy, [xs, ys]) => maxPoolBackward(xs as tf.Tensor4D, ys as tf.Tensor4D, dy as tf.Tensor4D, k, stride, pad) }
  })
  return op(x) as tf.Tensor4D
}
