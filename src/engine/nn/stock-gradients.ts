/**
 * Gradients of the stock tfjs kernels that sit on our gradient paths.
 *
 * Why: `@tensorflow/tfjs-core` registers NO gradient functions by itself —
 * the umbrella package does it through the side-effect module
 * `@tensorflow/tfjs-core/dist/register_all_gradients`, which is ESM-only
 * (extension-less imports) and cannot be loaded by Node/tsx next to the CJS
 * main entry (ERR_UNSUPPORTED_DIR_IMPORT), so `zsnas` under tsx would fail
 * with "gradient function not found for Sum". Our heavy ops (conv, BN,
 * pools, ReLU, linear, 'none') already carry custom gradients; this module
 * registers the remaining element-wise / shape kernels, written from their
 * textbook derivatives:
 *   Add, Sub, Multiply, RealDiv (with broadcasting: the gradient is summed over
 *   broadcast axes), Neg, Sum, Mean, Reshape, Identity, Cast, Concat, Slice,
 *   Sigmoid, Relu, Exp, Log, Square, ResizeBilinear (by interpolation matrices —
 *   the backends' own ResizeBilinearGrad ignores half-pixel centres).
 * A kernel that already has a gradient (e.g. registered by another copy of
 * tfjs) is left alone. Importing this module is enough (idempotent).
 */
import * as tf from '@tensorflow/tfjs-core'

type Attrs = Record<string, unknown>
type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[], attrs: Attrs) => Record<string, () => tf.Tensor> | (() => tf.Tensor)[]

/** Sums `dy` over the axes along which a tensor of `shape` was broadcast, and reshapes to `shape`. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  if (dy.shape.length === shape.length && dy.shape.every((d, i) => d === shape[i])) return dy
  const lead = dy.rank - shape.length
  const axes: number[] = []
  for (let i = 0; i < dy.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i)
  }
  const s = axes.length > 0 ? tf.sum(dy, axes, true) : dy
  return tf.reshape(s, shape)
}

function axesOf(axis: unknown, rank: number): number[] {
  const list = axis === undefined || axis === null ? [...Array(rank).keys()] : Array.isArray(axis) ? (axis as number[]) : [axis as number]
  return list.map((a) => (a < 0 ? a + rank : a))
}

/** dy of a reduction over `axes` broadcast back to `shape`. */
function expandReduced(dy: tf.Tensor, shape: number[], axes: number[]): tf.Tensor {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d))
  return tf.mul(tf.reshape(dy, kept), tf.ones(shape))
}

function register(kernelName: string, g: { inputsToSave?: string[]; outputsToSave?: boolean[]; saveAllInputs?: boolean; gradFunc: GradFunc }): void {
  if (tf.getGradient(kernelName) !== undefined) return
  tf.registerGradient({ kernelName, ...g } as unknown as tf.GradConfig)
}

register('Add', {
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy, a.shape), b: () => unbroadcast(dy, b.shape) }),
})
register('Sub', {
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy, a.shape), b: () => tf.neg(unbroadcast(dy, b.shape)) }),
})
register('Multiply', {
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(tf.mul(dy, b), a.shape),
    b: () => unbroadcast(tf.mul(dy, a), b.shape),
  }),
})
register('RealDiv', {
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(tf.div(dy, b), a.shape),
    b: () => unbroadcast(tf.neg(tf.div(tf.mul(dy, a), tf.square(b))), b.shape),
  }),
})
register('Neg', { gradFunc: (dy) => ({ x: () => tf.neg(dy) }) })
register('Identity', { gradFunc: (dy) => ({ x: () => dy }) })
register('Cast', { gradFunc: (dy) => ({ x: () => tf.clone(dy) }) })
register('Reshape', { inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy, x.shape) }) })
register('Sum', {
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => ({ x: () => expandReduced(dy, x.shape, axesOf(attrs.axis, x.rank)) }),
})
register('Mean', {
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const axes = axesOf(attrs.axis, x.rank)
    const count = axes.reduce((p, a) => p * x.shape[a], 1)
    return { x: () => tf.div(expandReduced(dy, x.shape, axes), tf.scalar(count)) }
  },
})
register('Concat', {
  saveAllInputs: true,
  gradFunc: (dy, saved, attrs) => {
    const axis = axesOf(attrs.axis, dy.rank)[0]
    const parts = tf.split(dy, saved.map((t) => t.shape[axis]), axis)
    return parts.map((p) => () => p)
  },
})
register('Slice', {
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const rank = x.rank
    const beginRaw = attrs.begin as number | number[]
    const begin = Array.isArray(beginRaw) ? beginRaw.slice() : [beginRaw]
    while (begin.length < rank) begin.push(0)
    const pads: [number, number][] = x.shape.map((d, i) => [begin[i], d - begin[i] - dy.shape[i]])
    return { x: () => tf.pad(dy, pads) }
  },
})
register('Sigmoid', {
  outputsToSave: [true],
  gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y))) }),
})
register('Relu', {
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy, tf.step(x)) }),
})
register('Exp', { outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy, y) }) })
register('Square', { inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy, tf.mul(x, tf.scalar(2))) }) })
register('Log', { inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.div(dy, x) }) })
/**
 * Bilinear resize is linear and separable: y[n,i,j,c] = Σ_{h,w} Rh[i,h]·Rw[j,w]·x[n,h,w,c].
 * The backends' ResizeBilinearGrad kernels ignore `halfPixelCenters` (wrong for
 * PyTorch's align_corners=False, which MobileNetV2 uses), so the gradient
 * dx = Rhᵀ·dy·Rw is computed with interpolation matrices obtained by resizing
 * identity images with the very forward kernel (exact for either convention).
 */
function resizeBilinearGrad(dy: tf.Tensor, images: tf.Tensor, attrs: Attrs): tf.Tensor {
  const [n, h, w, c] = images.shape
  const [, oh, ow] = dy.shape
  const align = attrs.alignCorners === true
  const half = attrs.halfPixelCenters === true
  // RhT [h, oh]: row b = the resize of the unit impulse at row b
  const rhT = tf.reshape(tf.image.resizeBilinear(tf.reshape(tf.eye(h), [h, h, 1, 1]) as tf.Tensor4D, [oh, 1], align, half), [h, oh])
  const rwT = tf.reshape(tf.image.resizeBilinear(tf.reshape(tf.eye(w), [w, 1, w, 1]) as tf.Tensor4D, [1, ow], align, half), [w, ow])
  // contract over oh: [oh, n·ow·c] -> [h, n·ow·c]
  const a = tf.matMul(rhT, tf.reshape(tf.transpose(dy, [1, 0, 2, 3]), [oh, n * ow * c]))
  // contract over ow: [ow, n·h·c] -> [w, n·h·c]
  const b = tf.matMul(rwT, tf.reshape(tf.transpose(tf.reshape(a, [h, n, ow, c]), [2, 1, 0, 3]), [ow, n * h * c]))
  return tf.transpose(tf.reshape(b, [w, n, h, c]), [1, 2, 0, 3])
}

register('ResizeBilinear', {
  inputsToSave: ['images'],
  gradFunc: (dy, [images], attrs) => ({ images: () => resizeBilinearGrad(dy, images, attrs) }),
})
