import * as tf from '@tensorflow/tfjs-core'
import type { Batch } from '../core/data'
import type { NetworkDef, Ops } from '../core/network'
import { ZsnasError } from '../core/errors'
import type { ProxyOptionSpec } from './types'
import type { ParamStore } from '../nn/params'
import { createTfOps } from '../nn/tf-ops'
import { forwardBackward } from '../nn/run'
import { readAndDispose } from '../backend/read'
import { releaseDerived } from '../nn/ops/kernel-cache'
import { customOp } from '../nn/ops/custom'
import { crossEntropyOp } from '../nn/ops/loss'
import { ceGradPass, weightValues } from './ce-grads'
import type { StandaloneProxyDef } from './types'

/**
 * Default relative size of the LARGEST finite-difference step:
 * ‖h·g‖ = GRASP_REL_STEP·‖W‖. The Richardson table then halves it
 * (`GRASP_LEVELS` differences: h, h/2).
 *
 * Why these values (measured, bench/table2-grasp-steps.ts, docs/proxies.md):
 * on NB201 cells the GraSP sum is a near-cancellation of large terms (each
 * conv layer followed by BN contributes exactly +‖g_l‖², the classifier
 * about as much with the opposite sign), so the plain central difference
 * at 1e-3 (the former default) is dominated by its O(h²) error — on one cell
 * −20.3 against an exact 8.73 (issue #23). Smaller steps lose float32
 * digits (the gradients are float32), so the step stays moderate and the h²
 * error term is removed by Richardson extrapolation instead: on NB201 cells
 * (1e-4, 2 levels) agrees with (2e-4, 3 levels) to ~1e-5 relative, and with
 * the exact BN scale-invariance identity to ~2e-4 (bench output in
 * docs/proxies.md).
 */
export const GRASP_REL_STEP = 1e-4
/** Number of central differences in the Richardson table (1 = plain central difference). */
export const GRASP_LEVELS = 2

export const GRASP_OPTIONS: readonly ProxyOptionSpec[] = [
  {
    key: 'step',
    label: 'Relative step',
    description: 'largest finite-difference step of the Hessian-gradient product, relative: ‖h·g‖ = step·‖W‖ (halved per Richardson level)',
    type: 'number',
    default: GRASP_REL_STEP,
    min: 1e-7,
    max: 1e-1,
  },
  {
    key: 'levels',
    label: 'Richardson levels',
    description: 'central differences at h, h/2, h/4, … combined by Richardson extrapolation (1 = plain central difference, O(h²) error)',
    type: 'int',
    default: GRASP_LEVELS,
    min: 1,
    max: 5,
  },
]

/** 1[ReLU input > 0] of every ReLU call of one forward (BN train), in call order. Caller disposes. */
async function reluMasks(def: NetworkDef, params: ParamStore, batch: Batch): Promise<tf.Tensor[]> {
  const masks: tf.Tensor[] = []
  await forwardBackward(def, params, batch, {
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
async function frozenMaskGrads(def: NetworkDef, params: ParamStore, batch: Batch, names: string[], masks: tf.Tensor[]): Promise<Float32Array[]> {
  const grads = tf.tidy(() => {
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
    return grads.map((g, k) => (g == null ? tf.zeros(xs[k].shape) : g))
  })
  return (await readAndDispose(grads)).map((v) => v.slice())
}

/**
 * Richardson extrapolation of central differences D(h), D(h/2), D(h/4), …
 * (each D has an error series in even powers h², h⁴, …): column j removes
 * the h^{2j} term, T[i][j] = (4^j·T[i][j−1] − T[i−1][j−1]) / (4^j − 1).
 * Returns the last diagonal entry (exact for a polynomial of degree
 * < 2·values.length in h). Float64.
 */
export function richardson(values: readonly number[]): number {
  if (values.length === 0) throw new ZsnasError('INVALID_OPTION', 'richardson: no values')
  let col = [...values]
  for (let j = 1; col.length > 1; j++) {
    const f = 4 ** j
    col = col.slice(1).map((v, i) => (f * v - col[i]) / (f - 1))
  }
  return col[0]
}

export interface GraspOptions {
  /** largest step relative to ‖W‖/‖g‖ (default GRASP_REL_STEP) */
  relStep?: number
  /** central differences h, h/2, … combined by Richardson (default GRASP_LEVELS) */
  levels?: number
}

export interface GraspTerms {
  /** the GraSP score Σ_l terms[l] */
  score: number
  /** per conv/linear weight, in declaration order: −W_l · (H g)_l (Richardson-extrapolated) */
  terms: { name: string; value: number; gradNormSq: number }[]
  /** per level k (step h/2^k): the plain central-difference scores, for convergence checks */
  differences: number[]
  /** the largest absolute step h (in units of g) */
  h: number
}

/**
 * GraSP with its per-layer terms. The Hessian-gradient product is
 *   (H g) ≈ [∇L(W + h g) − ∇L(W − h g)] / (2h)   at h, h/2, …,
 * with every ReLU's 0/1 mask FROZEN at its value for W (what autograd's
 * double backward computes: the ReLU derivative is locally constant), so the
 * function is smooth in W and the difference has an even error series that
 * Richardson extrapolation removes term by term. Per layer, the scalar
 * −W_l·(Hg)_l is extrapolated (a linear functional, so extrapolating the
 * scalar = extrapolating the vector). Max-pool argmax switches are not
 * frozen (NB201 and MobileNetV2 have no max-pool). Cost: one forward for the
 * masks + 2·levels forward/backward passes on top of the shared gradient pass.
 */
export async function graspTerms(def: NetworkDef, params: ParamStore, batch: Batch, o: GraspOptions = {}): Promise<GraspTerms> {
  const relStep = o.relStep ?? GRASP_REL_STEP
  const levels = o.levels ?? GRASP_LEVELS
  if (!(relStep > 0) || !Number.isFinite(relStep)) throw new ZsnasError('INVALID_OPTION', `grasp step must be a positive number, got ${relStep}`)
  if (!Number.isInteger(levels) || levels < 1) throw new ZsnasError('INVALID_OPTION', `grasp levels must be an integer ≥ 1, got ${levels}`)
  const pass = await ceGradPass(def, params, batch)
  const names = pass.weights.map((w) => w.name)
  const ws = await Promise.all(pass.weights.map((w) => weightValues(params, w)))
  const gs = names.map((n) => pass.grads.get(n) as Float32Array)
  let wn = 0
  let gn = 0
  const gradNormSq = gs.map((g) => g.reduce((s, v) => s + v * v, 0))
  ws.forEach((w, k) => {
    for (let i = 0; i < w.length; i++) wn += w[i] * w[i]
    gn += gradNormSq[k]
  })
  if (gn === 0) {
    // H·0 = 0
    return { score: 0, terms: names.map((name) => ({ name, value: 0, gradNormSq: 0 })), differences: [0], h: 0 }
  }
  const h0 = (relStep * Math.sqrt(wn)) / Math.sqrt(gn)
  const masks = await reluMasks(def, params, batch)
  const at = async (step: number): Promise<Float32Array[]> => {
    const store: ParamStore = new Map(params)
    const made: tf.Tensor[] = []
    pass.weights.forEach((spec, k) => {
      const v = new Float32Array(ws[k].length)
      for (let i = 0; i < v.length; i++) v[i] = ws[k][i] + step * gs[k][i]
      const t = tf.tensor(v, spec.shape, 'float32')
      made.push(t)
      store.set(spec.name, t)
    })
    try {
      return await frozenMaskGrads(def, store, batch, names, masks)
    } finally {
      for (const t of made) {
        releaseDerived(t)
        t.dispose()
      }
    }
  }
  try {
    // perLevel[k][l] = −W_l · [∇_l L(W + h_k g) − ∇_l L(W − h_k g)] / (2 h_k)
    const perLevel: number[][] = []
    for (let k = 0; k < levels; k++) {
      const h = h0 / 2 ** k
      const plus = await at(h)
      const minus = await at(-h)
      perLevel.push(
        ws.map((w, l) => {
          let s = 0
          for (let i = 0; i < w.length; i++) s += w[i] * (plus[l][i] - minus[l][i])
          return -s / (2 * h)
        }),
      )
    }
    const terms = names.map((name, l) => ({ name, value: richardson(perLevel.map((r) => r[l])), gradNormSq: gradNormSq[l] }))
    return {
      score: terms.reduce((s, t) => s + t.value, 0),
      terms,
      differences: perLevel.map((r) => r.reduce((s, v) => s + v, 0)),
      h: h0,
    }
  } finally {
    for (const m of masks) m?.dispose()
  }
}

/**
 * GraSP (Wang et al. 2020; zero-cost-nas `grasp`, notes §3):
 *   score = −Σ over conv+linear weights of W ⊙ (H g),   g = ∂L/∂W,
 * H the Hessian of the mean CE w.r.t. those weights, BN in training mode,
 * T = 1, one iteration — signed, as in the reference (higher = better, the
 * reference's sign +1). See `graspTerms` for how H g is computed.
 * `relStep` is the largest relative step; `levels` the Richardson depth.
 */
export async function graspScore(def: NetworkDef, params: ParamStore, batch: Batch, relStep = GRASP_REL_STEP, levels = GRASP_LEVELS): Promise<number> {
  return (await graspTerms(def, params, batch, { relStep, levels })).score
}

function graspOptions(raw: Record<string, unknown>): GraspOptions {
  for (const k of Object.keys(raw)) {
    if (k !== 'step' && k !== 'levels') throw new ZsnasError('INVALID_OPTION', `grasp has no option '${k}'; expected step, levels`)
  }
  const step = raw.step ?? GRASP_REL_STEP
  const levels = raw.levels ?? GRASP_LEVELS
  if (typeof step !== 'number' || !(step >= 1e-7 && step <= 1e-1)) {
    throw new ZsnasError('INVALID_OPTION', `grasp option step must be a number in 1e-7..0.1, got '${String(step)}'`)
  }
  if (typeof levels !== 'number' || !Number.isInteger(levels) || levels < 1 || levels > 5) {
    throw new ZsnasError('INVALID_OPTION', `grasp option levels must be an integer in 1..5, got '${String(levels)}'`)
  }
  return { relStep: step, levels }
}

export const graspProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'grasp',
  label: 'GraSP',
  description: '−Σ W ⊙ (H·∂L/∂W) over conv/linear weights (Wang et al.; Hessian-gradient product by frozen-mask central differences + Richardson extrapolation)',
  needsLabels: true,
  needsBackward: true,
  higherIsBetter: true,
  paperRho: { cifar10: 0.543 },
  options: GRASP_OPTIONS,
  compute: async (ctx) => (await graspTerms(ctx.def, ctx.params, ctx.batch, graspOptions(ctx.options))).score,
}
