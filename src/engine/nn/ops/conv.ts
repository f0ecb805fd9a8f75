/**
 * 2-D convolution (regular and depthwise) with a custom gradient that uses
 * only fast FORWARD kernels (the wasm backend lacks Conv2DBackpropFilter and
 * both depthwise backprop kernels, and its Conv2DBackpropInput is ~10x slower
 * than the forward conv; tfjs-stack-measurements §2b):
 * - dx: the output gradient is dilated by the stride (zeros between),
 *   zero-padded, and correlated (stride 1, 'valid') with the spatially
 *   flipped kernel (regular: also in/out transposed). The flipped kernel is
 *   cached per weight tensor (see kernel-cache.ts).
 * - dW (regular and depthwise): one convolution of the padded input with dy
 *   as a stride-dilated kernel, batch contracted as channels (see weightGrad).
 * - dBias: sum of dy over N,H,W.
 * - Memory (issue #18): the dilated gradient has the INPUT's spatial size
 *   with the OUTPUT's channels — for MobileNetV2's stem at 224 px, batch 64,
 *   616 MB for a 38 MB dx. When that map exceeds the split threshold
 *   (ops/batch-chunks.ts) and splitting lowers the peak (1.5·dilated/k +
 *   dx's chunks + their concatenation < 1.5·dilated + dx: the dilation pads
 *   rows, then columns), dx is computed per chunk of samples — also for a
 *   stride-2 depthwise conv, whose dilated map is dx's size (MobileNetV2 at
 *   320 px: 500 MB) — the same kernels on the same values, bit-identical.
 *
 * Layouts: x NHWC, regular kernel HWIO [k,k,Cin,Cout], depthwise [k,k,C,1].
 * Padding: 'same' (TF rule), 'valid', or symmetric PyTorch-style pixels.
 *
 * Weight/bias gradients are computed only when `weightGrads` is true; then
 * the weight (and bias) are inputs of the gradient node. Otherwise they are
 * constants of the node and the backward computes dx only. Every gradient
 * body runs in `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core'
import { heapSlice, heapWritable } from '../../backend/wasm-inplace'
import type { Padding } from '../../core/network'
import { ZsnasError } from '../../core/errors'
import { axisGeometry, type Axis } from './geometry'
import { derived, isCacheable } from './kernel-cache'
import { customOp } from './custom'
import { dilateZeros } from './spread'
import { batchChunks, mapBatchChunks, sampleSlice } from './batch-chunks'

export interface ConvSpec {
  stride: number
  pad: Padding
  depthwise?: boolean
  /** compute dW (and dBias) in the backward pass */
  weightGrads?: boolean
}

type Pad4 = [[number, number], [number, number], [number, number], [number, number]]

function geometry(x: tf.Tensor4D, w: tf.Tensor4D, spec: ConvSpec): { h: Axis; w: Axis; k: number } {
  if (x.rank !== 4) throw new ZsnasError('BAD_SHAPE', `conv2d input must be NHWC (rank 4), got shape [${x.shape}]`)
  if (w.rank !== 4 || w.shape[0] !== w.shape[1]) {
    throw new ZsnasError('BAD_SHAPE', `conv2d kernel must be [k,k,in,out] with a square window, got [${w.shape}]`)
  }
  const k = w.shape[0]
  const cin = x.shape[3]
  if (spec.depthwise === true) {
    if (w.shape[2] !== cin || w.shape[3] !== 1) {
      throw new ZsnasError('BAD_SHAPE', `depthwise kernel must be [k,k,${cin},1] for ${cin} input channels, got [${w.shape}]`)
    }
  } else if (w.shape[2] !== cin) {
    throw new ZsnasError('BAD_SHAPE', `conv2d kernel [${w.shape}] expects ${w.shape[2]} input channels, input has ${cin}`)
  }
  return {
    h: axisGeometry(x.shape[1], k, spec.stride, spec.pad),
    w: axisGeometry(x.shape[2], k, spec.stride, spec.pad),
    k,
  }
}

function forwardConv(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: Pad4, depthwise: boolean): tf.Tensor4D {
  return depthwise ? tf.depthwiseConv2d(x, w, stride, pad) : tf.conv2d(x, w, stride, pad)
}

/** Inserts stride-1 zeros after every row and column: [N,oH,oW,C] -> [N,oH·s,oW·s,C]. */
function dilate(dy: tf.Tensor4D, s: number): tf.Tensor4D {
  // rank ≤ 4 (ops/spread.ts): the webgpu backend cannot pad a rank-6 tensor
  return dilateZeros(dy, s)
}

/** Padding (possibly negative = crop) turning the dilated gradient into dx by a stride-1 valid correlation. */
function backPad(size: number, k: number, a: Axis, dilatedLen: number): { before: number; after: number } {
  const before = k - 1 - a.before
  const after = size + k - 1 - before - dilatedLen
  return { before, after }
}

function inputGrad(dy: tf.Tensor4D, wFlip: tf.Tensor4D, xShape: number[], g: { h: Axis; w: Axis; k: number }, s: number, depthwise: boolean): tf.Tensor4D {
  const H = xShape[1]
  const W = xShape[2]
  let d = dilate(dy, s)
  const ph = backPad(H, g.k, g.h, d.shape[1])
  const pw = backPad(W, g.k, g.w, d.shape[2])
  if (ph.before < 0 || ph.after < 0 || pw.before < 0 || pw.after < 0) {
    const t = Math.max(0, -ph.before)
    const l = Math.max(0, -pw.before)
    const hh = d.shape[1] - t - Math.max(0, -ph.after)
    const ww = d.shape[2] - l - Math.max(0, -pw.after)
    d = heapSlice(d, [0, t, l, 0], [-1, hh, ww, -1])
  }
  const pad: Pad4 = [
    [0, 0],
    [Math.max(0, ph.before), Math.max(0, ph.after)],
    [Math.max(0, pw.before), Math.max(0, pw.after)],
    [0, 0],
  ]
  return forwardConv(d, wFlip, 1, pad, depthwise)
}

/** The byte size of the stride-dilated gradient and of dx for an input of shape `xShape` and `cout` output channels. */
export function dilatedBytes(xShape: readonly number[], cout: number): { dilated: number; dx: number } {
  const px = xShape[0] * xShape[1] * xShape[2] * 4
  return { dilated: px * cout, dx: px * xShape[3] }
}

/** Number of batch chunks for dx of a stride-s conv (1 = unsplit; see the module comment). */
export function inputGradChunks(xShape: readonly number[], cout: number, s: number): number {
  if (s === 1) return 1
  const { dilated, dx } = dilatedBytes(xShape, cout)
  const k = batchChunks(dilated, xShape[0])
  // the dilation (ops/spread.ts) holds ≈ 1.5 maps of the dilated size while it runs (rows, then columns); split,
  // dx is assembled from its chunks (concatenated: 2 maps; on wasm copied into one allocation: 1, ops/batch-chunks.ts)
  return k > 1 && (1.5 * dilated) / k + (heapWritable() ? 1 : 2) * dx < 1.5 * dilated + dx ? k : 1
}

/** inputGrad, per chunk of samples when `inputGradChunks` says so (bit-identical). */
function inputGradSplit(dy: tf.Tensor4D, wFlip: tf.Tensor4D, xShape: number[], g: { h: Axis; w: Axis; k: number }, s: number, depthwise: boolean): tf.Tensor4D {
  const n = dy.shape[0]
  const k = inputGradChunks(xShape, dy.shape[3], s)
  if (k === 1) return inputGrad(dy, wFlip, xShape, g, s, depthwise)
  return mapBatchChunks(n, k, (start, size) => inputGrad(sampleSlice(dy, start, size), wFlip, [size, ...xShape.slice(1)], g, s, depthwise))
}

/**
 * dW as ONE convolution in which dy is the (stride-dilated) kernel and the
 * batch axis is contracted as the channel axis:
 *   regular:   dW[a,b,i,o] = Σ_{n,p,q} xp[n, a+p·s, b+q·s, i]·dy[n,p,q,o]
 *              = conv2d(xpᵀ [Cin,H,W,N], dyᵀ [oH,oW,N,Cout], dilation s) -> [Cin,k,k,Cout]
 *   depthwise: the (c, n) pairs become depthwise channels of one image,
 *              depthwiseConv2d(..., dilation s) -> [1,k,k,C·N], then Σ over n.
 * Measured 3-20x faster on wasm than k² shifted slices × matMul / mul+sum
 * (bench/ops-dw.ts), same values to ~1e-5.
 */
function weightGrad(x: tf.Tensor4D, dy: tf.Tensor4D, wShape: number[], g: { h: Axis; w: Axis; k: number }, s: number, depthwise: boolean): tf.Tensor {
  const [n, oh, ow] = dy.shape
  const cin = x.shape[3]
  // only the rows/columns some window touches: (out-1)·s + k of the padded input
  const hUse = (g.h.out - 1) * s + g.k
  const wUse = (g.w.out - 1) * s + g.k
  let xp = tf.pad(x, [
    [0, 0],
    [g.h.before, g.h.after],
    [g.w.before, g.w.after],
    [0, 0],
  ])
  if (xp.shape[1] !== hUse || xp.shape[2] !== wUse) xp = heapSlice(xp, [0, 0, 0, 0], [n, hUse, wUse, cin])
  if (depthwise) {
    const img = tf.reshape(tf.transpose(xp, [1, 2, 3, 0]), [1, hUse, wUse, cin * n])
    const kern = tf.reshape(tf.transpose(dy, [1, 2, 3, 0]), [oh, ow, cin * n, 1])
    const out = tf.depthwiseConv2d(img as tf.Tensor4D, kern as tf.Tensor4D, 1, 'valid', 'NHWC', s) // [1,k,k,C·N]
    return tf.reshape(tf.sum(tf.reshape(out, [g.k, g.k, cin, n]), 3), wShape)
  }
  const img = tf.transpose(xp, [3, 1, 2, 0]) // [Cin, H, W, N]
  const kern = tf.transpose(dy, [1, 2, 0, 3]) // [oH, oW, N, Cout]
  const out = tf.conv2d(img as tf.Tensor4D, kern as tf.Tensor4D, 1, 'valid', 'NHWC', s) // [Cin, k, k, Cout]
  return tf.transpose(out, [1, 2, 0, 3])
}

/** The parameter itself when it is long-lived (cache key), else its saved copy (a temporary weight is disposed before the backward). */
function live(w: tf.Tensor, saved: tf.Tensor): tf.Tensor4D {
  return (isCacheable(w) ? w : saved) as tf.Tensor4D
}

function flippedKernel(w: tf.Tensor4D, depthwise: boolean): tf.Tensor4D {
  return derived(w, depthwise ? 'flip-dw' : 'flip-T', (t) =>
    depthwise ? tf.reverse(t, [0, 1]) : tf.transpose(tf.reverse(t, [0, 1]), [0, 1, 3, 2]),
  ) as tf.Tensor4D
}

/**
 * conv2d(x, w) (+ bias) with the custom gradient described above.
 * Returns [N, oH, oW, Cout] where oH/oW follow `axisGeometry`.
 */
export function conv2dOp(x: tf.Tensor4D, w: tf.Tensor4D, spec: ConvSpec, bias?: tf.Tensor1D): tf.Tensor4D {
  const g = geometry(x, w, spec)
  const depthwise = spec.depthwise === true
  const cout = depthwise ? w.shape[2] : w.shape[3]
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== cout)) {
    throw new ZsnasError('BAD_SHAPE', `conv bias must be [${cout}], got [${bias.shape}]`)
  }
  const s = spec.stride
  const pad: Pad4 = [
    [0, 0],
    [g.h.before, g.h.after],
    [g.w.before, g.w.after],
    [0, 0],
  ]
  const fwd = (xx: tf.Tensor4D, ww: tf.Tensor4D, bb?: tf.Tensor1D): tf.Tensor4D => {
    const y = forwardConv(xx, ww, s, pad, depthwise)
    return bb === undefined ? y : tf.add(y, bb)
  }
  if (spec.weightGrads === true) {
    const op = customOp(([xx, ww, bb], save) => {
      save([xx, ww])
      return {
        value: fwd(xx as tf.Tensor4D, ww as tf.Tensor4D, bb as tf.Tensor1D | undefined),
        gradFunc: (dy, saved) => {
          const d = dy as tf.Tensor4D
          const dx = inputGradSplit(d, flippedKernel(live(ww, saved[1]), depthwise), xx.shape, g, s, depthwise)
          const dw = weightGrad(saved[0] as tf.Tensor4D, d, ww.shape, g, s, depthwise)
          return bb === undefined ? [dx, dw] : [dx, dw, tf.sum(d, [0, 1, 2])]
        },
      }
    })
    return (bias === undefined ? op(x, w) : op(x, w, bias)) as tf.Tensor4D
  }
  const op = customOp(([xx], save) => {
    save([w])
    return {
      value: fwd(xx as tf.Tensor4D, w, bias),
      gradFunc: (dy, saved) => inputGradSplit(dy as tf.Tensor4D, flippedKernel(live(w, saved[0]), depthwise), xx.shape, g, s, depthwise),
    }
  })
  return op(x) as tf.Tensor4D
}
