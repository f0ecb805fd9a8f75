import * as tf from '@tensorflow/tfjs-core'
import type { Batch } from '../core/data'
import type { NetworkDef, Ops } from '../core/network'
import type { ParamStore } from '../nn/params'
import { createTfOps } from '../nn/tf-ops'
import { forwardBackward } from '../nn/run'
import { releaseDerived } from '../nn/ops/kernel-cache'
import { customOp } from '../nn/ops/custom'
import { crossEntropyOp } from '../nn/ops/loss'
import { ceGradPass, weightValues } from './ce-grads'
import type { StandaloneProxyDef } from './types'

/** Relative size of the finite-difference step: ‖h·g‖ = GRASP_REL_STEP·‖W‖. */
export const GRASP_REL_STEP = 1e-3

/** 1[ReLU input > 0] of every ReLU call of one forward (BN train), in call order. Caller disposes. */
function reluMasks(def: NetworkDef, params: ParamStore, batch: Batch): tf.Tensor[] {
  const masks: tf.Tensor[] = []
  forwardBackward(def, params, batch, {
    bn: 'train',
    loss: 'ce',
    wrt: 'none',
    hooks: { onReluForward: (call, pre) => void (masks[call.index] = tf.keep(tf.cast(tf.greater(pre, 0), 'float32'))) },
  })
  return masks
}

/** x ⊙ mask for a constant 0/1 mask (a ReLU with its pattern frozen); gradient dy ⊙ mask. */
function maskedOp(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return customOp(([t]) => ({ value: tf.mul(t, mask), gradFunc: (dy) => tf.mul(dy, mask) }))(x)
}

/**
 * ∂(mean CE)/∂W for `names` with every ReLU replaced by multiplication with
 * its frozen mask (so the function is smooth in W: BN, CE, convs, pools).
 */
function frozenMaskGrads(def: NetworkDef, params: ParamStore, batch: Batch, names: string[], masks: tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    const xs = names.map((n) => params.get(n) as tf.Tensor)
    const { grads } = tf.engine().gradients(
      () => {
        const base = createTfOps({ params, bnEps: def.bnEps, bn: 'train', weightGrads: new Set(names) })
        let i = 0
        const ops: Ops<tf.Tensor> = { ...base, relu: (x) => maskedOp(x, masks[i++]) }
        const logits = def.forward(ops, tf.tensor4d(batch.x, batch.shape)) as tf.Tensor2D
        return crossEntropyOp(logits, batch.labels)
      },
      xs,
      undefined,
      true,
    )
    return grads.map((g, k) => (g == null ? new Float32Array(xs[k].size) : (g.dataSync().slice() as Float32Array)))
  })
}

/**
 * GraSP (Wang et al. 2020; zero-cost-nas `grasp`, notes §3):
 *   score = −Σ over conv+linear weights of W ⊙ (H g),   g = ∂L/∂W,
 * H the Hessian of the mean CE w.r.t. those weights, BN in training mode,
 * T = 1, one iteration — signed, as in the reference (higher = better, the
 * reference's sign +1).
 *
 * Hessian-gradient product: tfjs cannot differentiate our custom-gradient ops
 * twice, so Hg is the central finite difference of the gradient along g,
 *   Hg ≈ [∇L(W + h g) − ∇L(W − h g)] / (2h),  h = 1e-3·‖W‖/‖g‖,
 * computed with every ReLU's 0/1 mask FROZEN at its value for W. This is what
 * autograd's double backward computes (it treats the ReLU derivative as
 * locally constant), and with the masks frozen the function is smooth, so the
 * difference is exact to O(h²) — without freezing, units flipping sign inside
 * ±h g would bias the result by O(1). (Max-pool argmax switches are not
 * frozen; NB201 and MobileNetV2 have no max-pool.) Costs one extra forward
 * and two extra forward/backward passes on top of the shared gradient pass.
 */
export function graspScore(def: NetworkDef, params: ParamStore, batch: Batch, relStep = GRASP_REL_STEP): number {
  const pass = ceGradPass(def, params, batch)
  const names = pass.weights.map((w) => w.name)
  const ws = pass.weights.map((w) => weightValues(params, w))
  const gs = names.map((n) => pass.grads.get(n) as Float32Array)
  let wn = 0
  let gn = 0
  ws.forEach((w, k) => {
    for (let i = 0; i < w.length; i++) {
      wn += w[i] * w[i]
      gn += gs[k][i] * gs[k][i]
    }
  })
  if (gn === 0) return 0 // H·0 = 0
  const h = (relStep * Math.sqrt(wn)) / Math.sqrt(gn)
  const masks = reluMasks(def, params, batch)
  const at = (sign: 1 | -1): Float32Array[] => {
    const store: ParamStore = new Map(params)
    const made: tf.Tensor[] = []
    pass.weights.forEach((spec, k) => {
      const v = new Float32Array(ws[k].length)
      for (let i = 0; i < v.length; i++) v[i] = ws[k][i] + sign * h * gs[k][i]
      const t = tf.tensor(v, spec.shape, 'float32')
      made.push(t)
      store.set(spec.name, t)
    })
    try {
      return frozenMaskGrads(def, store, batch, names, masks)
    } finally {
      for (const t of made) {
        releaseDerived(t)
        t.dispose()
      }
    }
  }
  try {
    const plus = at(1)
    const minus = at(-1)
    let s = 0
    ws.forEach((w, k) => {
      for (let i = 0; i < w.length; i++) s += w[i] * ((plus[k][i] - minus[k][i]) / (2 * h))
    })
    return -s
  } finally {
    for (const m of masks) m?.dispose()
  }
}

export const graspProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'grasp',
  label: 'GraSP',
  description: '−Σ W ⊙ (H·∂L/∂W) over conv/linear weights (Wang et al.; Hessian-gradient product by frozen-mask central difference)',
  needsLabels: true,
  needsBackward: true,
  higherIsBetter: true,
  paperRho: { cifar10: 0.543 },
  compute: (ctx) => graspScore(ctx.def, ctx.params, ctx.batch),
}
