/**
 * Log-scaled `Ops` interpreter for SynFlow (reference notes §3 and §9.2 item 3).
 *
 * SynFlow runs the network with |θ|, BatchNorm removed and an all-ones input;
 * every value is then non-negative and activations grow multiplicatively
 * (≈ (½√fan_in)^depth), reaching 1e40+ on NB201 — beyond float32. The
 * reference runs it in float64; tfjs has no float64, so here every tensor is
 * a pair (t, logScale) standing for the true value exp(logScale)·t:
 *
 * - conv2d / linear: ŷ = W ∗ t (A1's custom-gradient ops, no weight
 *   gradients), then ŷ is divided by m = max(ŷ) (a float64 JS number) and
 *   logScale += log m, so every stored tensor has max 1. A bias b is added as
 *   b·exp(−logScale_x) before renormalising (exact; it underflows to 0 only
 *   when it is below float32 resolution relative to the activations).
 * - add / concatChannels: operands are brought to the larger scale first
 *   (the smaller is multiplied by exp(Δ) ≤ 1; if that underflows, the operand
 *   is below float32 resolution relative to the other, which is exact to
 *   float32 precision). A 'none' (x·0) result is flagged as exactly zero and
 *   dropped from sums (its value and gradient are 0, so nothing changes).
 * - ReLU, pools, global pooling, slicing, bilinear resize: scale-equivariant
 *   (all values ≥ 0, ReLU is the identity but is applied anyway).
 * - batchNorm: identity (the reference's `bn=False` copy).
 * - sigmoid needs the true value: sigmoid(exp(L)·t) is evaluated with exp(L)
 *   capped at 1e30 (for L > 69); this differs from the exact value only for
 *   entries with 0 < t < ~1e-29 (the true argument > 1e30·t saturates the
 *   sigmoid to 1 in float32 anyway for t ≥ 1e-29). The gate has scale 0.
 * - mulChannels: scales add.
 *
 * Per-layer SynFlow contributions without weight gradients: for any layer
 * y = W ∗ x (linear in W), Σ_θ θ·∂R/∂θ = ⟨y, ∂R/∂y⟩ (Euler's identity); with
 * |θ| and non-negative activations every term is ≥ 0, so this equals
 * Σ |θ ⊙ ∂R/∂θ|. Each conv/linear output (before its bias) is multiplied by a
 * scalar `probe` tensor of value 1; ∂R̂/∂probe_l = ⟨ŷ_l, ∂R̂/∂ŷ_l⟩ where
 * R̂ = Σ t_out is the scaled output sum = R·exp(−L_out), L_out the logits'
 * log-scale (the renormalisers are constants of the graph). Hence
 *   log SynFlow = L_out + log Σ_l ∂R̂/∂probe_l.
 * All these quantities are O(1) in float32 (each ∂R̂/∂probe_l ≤ R̂ for a
 * non-negative network), so nothing overflows.
 *
 * A layer called twice shares its probe (its gradient then sums both uses,
 * which is still Σ θ·∂R/∂θ).
 */
import * as tf from '@tensorflow/tfjs-core'
import { readScalarSync } from '../backend/read'
import type { ConvOptions, Ops } from '../core/network'
import { ZsnasError } from '../core/errors'
import type { ParamStore } from './params'
import { conv2dOp } from './ops/conv'
import { linearOp } from './ops/linear'
import { avgPoolOp, maxPoolOp } from './ops/pool'
import { customOp } from './ops/custom'
import { alias } from './ops/alias'
import { addOp, mulChannelsOp, sigmoidOp } from './ops/elementwise'
import { concatChannelsOp, globalAvgPoolOp, sliceChannelsOp } from './ops/layout'
import { resizeBilinearOp } from './ops/resize'
import { zeroOp } from './ops/misc'

// Every op on the gradient path is a custom-gradient op (tfjs-core registers no
// stock gradients): the op library's, plus these three.

/** x·s for a JS constant s; gradient dy·s. */
function scaleBy(x: tf.Tensor, s: number): tf.Tensor {
  return customOp(([t]) => ({ value: tf.mul(t, tf.scalar(s)), gradFunc: (dy) => tf.mul(dy, tf.scalar(s)) }))(x)
}

/** x + c for a constant tensor c (broadcast over leading axes); gradient dy. */
function addConst(x: tf.Tensor, c: tf.Tensor): tf.Tensor {
  return customOp(([t]) => ({ value: tf.add(t, c), gradFunc: (dy) => alias(dy) }))(x)
}

/** y·p for a scalar tensor p; gradients dy·p and Σ dy⊙y. */
const probeMul = customOp(([y, p], save) => {
  save([y, p])
  return { value: tf.mul(y, p), gradFunc: (dy, [ys, ps]) => [tf.mul(dy, ps), tf.sum(tf.mul(dy, ys))] }
})

/** A tensor standing for exp(logScale)·t. `zero` marks an exact-zero tensor (NB201 'none'). */
export interface ScaledTensor {
  t: tf.Tensor
  logScale: number
  zero?: boolean
}

/**
 * Weight parameter name → scalar tensor of value 1 that multiplies that
 * layer's output (before its bias). Create them before the gradient scope and
 * pass them as its `xs`: ∂R̂/∂probe is the layer's scaled contribution.
 */
export type SynflowProbes = ReadonlyMap<string, tf.Scalar>

/**
 * Where the interpreter gets the max / min of a tensor as JS numbers in the
 * middle of the forward (the rescaling's control flow needs them).
 * `reduce` is the tensor holding the value (a scalar the reader owns).
 */
export interface ScaleReader {
  value(reduce: () => tf.Tensor): number
}

/** The reader of backends with synchronous reads (wasm, cpu, tensorflow): reads at once. */
export const syncScaleReader: ScaleReader = {
  value(reduce) {
    const m = tf.tidy(reduce)
    try {
      return readScalarSync(m)
    } finally {
      m.dispose()
    }
  },
}

/** Divides by the max (if positive and finite) and moves log(max) into the scale. */
function renormalise(t: tf.Tensor, logScale: number, reader: ScaleReader): ScaledTensor {
  const m = reader.value(() => tf.max(t))
  if (!Number.isFinite(m)) {
    throw new ZsnasError('NUMERIC', `SynFlow: non-finite activation (max ${m}) even after log-scaling`)
  }
  if (m <= 0) return { t, logScale, zero: m === 0 && reader.value(() => tf.min(t)) === 0 }
  return { t: scaleBy(t, 1 / m), logScale: logScale + Math.log(m) }
}

/** Brings tensors to a common (the largest) scale. */
function common(xs: ScaledTensor[]): { ts: tf.Tensor[]; logScale: number } {
  const L = Math.max(...xs.map((x) => x.logScale))
  return {
    logScale: L,
    ts: xs.map((x) => (x.logScale === L ? x.t : scaleBy(x.t, Math.exp(x.logScale - L)))),
  }
}

function as4(x: tf.Tensor, what: string): tf.Tensor4D {
  if (x.rank !== 4) throw new ZsnasError('BAD_SHAPE', `${what} expects an NHWC tensor (rank 4), got [${x.shape}]`)
  return x as tf.Tensor4D
}

/**
 * Creates the scaled interpreter over |θ| (`absParams` should already have
 * been applied to `params`). Every conv/linear weight must have a probe.
 * Call inside a gradient scope; differentiate Σ(output.t) w.r.t. the probes.
 */
export function createSynflowOps(params: ParamStore, probes: SynflowProbes, reader: ScaleReader = syncScaleReader): Ops<ScaledTensor> {
  const param = (name: string): tf.Tensor => {
    const t = params.get(name)
    if (t === undefined) throw new ZsnasError('NOT_FOUND', `parameter '${name}' is not in the parameter store`)
    return t
  }
  const probed = (name: string, y: tf.Tensor): tf.Tensor => {
    const probe = probes.get(name)
    if (probe === undefined) throw new ZsnasError('NOT_FOUND', `SynFlow: no probe for layer '${name}'`)
    return probeMul(y, probe)
  }
  const withBias = (y: tf.Tensor, bias: string | undefined, logScale: number): tf.Tensor =>
    bias === undefined ? y : addConst(y, tf.mul(param(bias), tf.scalar(Math.exp(-logScale))))

  const ops: Ops<ScaledTensor> = {
    conv2d(x, weight, o: ConvOptions) {
      const y = conv2dOp(as4(x.t, 'conv2d'), param(weight) as tf.Tensor4D, {
        stride: o.stride,
        pad: o.pad,
        depthwise: o.depthwise,
        weightGrads: false,
      })
      const z = withBias(probed(weight, y), o.bias, x.logScale)
      return x.zero && o.bias === undefined ? { t: z, logScale: x.logScale, zero: true } : renormalise(z, x.logScale, reader)
    },
    batchNorm: (x) => x,
    // every value is ≥ 0 here, so ReLU is exactly the identity
    relu: (x) => x,
    add(a, b) {
      if (a.zero) return b
      if (b.zero) return a
      const c = common([a, b])
      return { t: addOp(c.ts[0], c.ts[1]), logScale: c.logScale }
    },
    zero: (x) => ({ t: zeroOp(x.t), logScale: x.logScale, zero: true }),
    avgPool: (x, k, stride, pad) => ({ ...x, t: avgPoolOp(as4(x.t, 'avgPool'), k, stride, pad) }),
    maxPool: (x, k, stride, pad) => ({ ...x, t: maxPoolOp(as4(x.t, 'maxPool'), k, stride, pad) }),
    globalAvgPool: (x) => ({ ...x, t: globalAvgPoolOp(as4(x.t, 'globalAvgPool')) }),
    linear(x, weight, bias) {
      const y = linearOp(x.t, param(weight) as tf.Tensor2D, undefined, false)
      const z = withBias(probed(weight, y), bias, x.logScale)
      return x.zero && bias === undefined ? { t: z, logScale: x.logScale, zero: true } : renormalise(z, x.logScale, reader)
    },
    concatChannels(xs) {
      if (xs.length === 0) throw new ZsnasError('BAD_SHAPE', 'concatChannels needs at least one tensor')
      if (xs.length === 1) return xs[0]
      const c = common(xs)
      return { t: concatChannelsOp(c.ts.map((t) => as4(t, 'concatChannels'))), logScale: c.logScale, zero: xs.every((x) => x.zero) }
    },
    sliceChannels(x, n) {
      const c = as4(x.t, 'sliceChannels').shape[3]
      if (!Number.isInteger(n) || n < 1 || n > c) throw new ZsnasError('BAD_SHAPE', `cannot keep ${n} of ${c} channels`)
      return n === c ? x : { ...x, t: sliceChannelsOp(as4(x.t, 'sliceChannels'), n) }
    },
    sigmoid(x) {
      const s = Math.exp(Math.min(x.logScale, Math.log(1e30)))
      return { t: sigmoidOp(scaleBy(x.t, s)), logScale: 0 }
    },
    mulChannels(x, gate) {
      return {
        t: mulChannelsOp(as4(x.t, 'mulChannels'), as4(gate.t, 'mulChannels gate')),
        logScale: x.logScale + gate.logScale,
        zero: x.zero || gate.zero,
      }
    },
    resizeBilinear(x, size) {
      return { ...x, t: resizeBilinearOp(as4(x.t, 'resizeBilinear'), size) }
    },
    unitOutput: (x) => x,
  }
  return ops
}
