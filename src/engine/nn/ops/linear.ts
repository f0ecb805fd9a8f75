/**
 * Dense layer y = x·W (+ b) with W [in,out], x [N,in] (or [N,1,1,in], which
 * is flattened inside the op). Custom backward with explicit transposes (on wasm
 * `matMul(a, b, false, true)` is several times slower than transposing
 * first): dx = dy·Wᵀ (Wᵀ cached per weight tensor), dW = xᵀ·dy, db = Σ_N dy.
 * dW/db are computed only when `weightGrads` is true.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ZsnasError } from '../../core/errors'
import { derived, isCacheable } from './kernel-cache'
import { customOp } from './custom'

export function linearOp(x: tf.Tensor, w: tf.Tensor2D, bias?: tf.Tensor1D, weightGrads = false): tf.Tensor2D {
  const inF = w.shape[0]
  const outF = w.shape[1]
  const isFlat4 = x.rank === 4 && x.shape[1] === 1 && x.shape[2] === 1
  if (w.rank !== 2 || !(x.rank === 2 || isFlat4) || x.shape[x.rank - 1] !== inF) {
    throw new ZsnasError('BAD_SHAPE', `linear expects x [N,${inF}] or [N,1,1,${inF}] and W [in,out]; got x [${x.shape}], W [${w.shape}]`)
  }
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== outF)) {
    throw new ZsnasError('BAD_SHAPE', `linear bias must be [${outF}], got [${bias.shape}]`)
  }
  const flat = (xx: tf.Tensor): tf.Tensor2D => (xx.rank === 2 ? xx : tf.reshape(xx, [xx.shape[0], inF])) as tf.Tensor2D
  const unflat = (d: tf.Tensor): tf.Tensor => (x.rank === 2 ? d : tf.reshape(d, x.shape))
  const wT = (ww: tf.Tensor, saved: tf.Tensor): tf.Tensor2D =>
    derived(isCacheable(ww) ? ww : saved, 'T', (t) => tf.transpose(t)) as tf.Tensor2D
  const fwd = (xx: tf.Tensor2D, ww: tf.Tensor2D, bb?: tf.Tensor1D): tf.Tensor2D => {
    const y: tf.Tensor2D = tf.matMul(xx, ww)
    return bb === undefined ? y : (tf.add(y, bb) as tf.Tensor2D)
  }
  if (weightGrads) {
    const op = customOp(([xx, ww, bb], save) => {
      save([xx, ww])
      return {
        value: fwd(flat(xx), ww as tf.Tensor2D, bb as tf.Tensor1D | undefined),
        gradFunc: (dy, saved) => {
          const d = dy as tf.Tensor2D
          const dx = unflat(tf.matMul(d, wT(ww, saved[1])))
          const dw = tf.matMul(tf.transpose(flat(saved[0])), d)
          return bb === undefined ? [dx, dw] : [dx, dw, tf.sum(d, 0)]
        },
      }
    })
    return (bias === undefined ? op(x, w) : op(x, w, bias)) as tf.Tensor2D
  }
  const op = customOp(([xx], save) => {
    save([w])
    return {
      value: fwd(flat(xx), w, bias),
      gradFunc: (dy, saved) => unflat(tf.matMul(dy as tf.Tensor2D, wT(w, saved[0]))),
    }
  })
  return op(x) as tf.Tensor2D
}
