/**
 * The tfjs interpreter of the `Ops<T>` algebra (core/network.ts).
 *
 * - Every op is a custom-gradient op from ./ops (backward through fast
 *   forward kernels, correct avg-pool borders, tidy'd gradient bodies).
 *   NOTE: `@tensorflow/tfjs-core` alone registers NO gradient functions (they
 *   ship only with the umbrella package, whose ESM gradient files Node cannot
 *   load), so networks must be differentiated through these ops only.
 * - BN: 'train' = batch statistics, biased variance, eps = `bnEps`
 *   (PyTorch train mode); 'off' = identity (SynFlow / Phi remove BN).
 * - Weight gradients: parameters are inputs of the gradient nodes only when
 *   `weightGrads` is true (all) or a set containing their name; otherwise the
 *   backward computes feature-map gradients only (what WRCor needs).
 * - ReLU hooks: every `relu` call gets `index` = 0-based order of ReLU calls
 *   made through this Ops instance (create one instance per forward), and
 *   the builder's tag. `onReluForward(call, pre, post)` fires during the
 *   forward; `onReluBackward(call, ∂L/∂pre)` fires during the backward with
 *   the gradient already masked by 1[pre>0]. Both are synchronous; tensors
 *   passed to hooks are only valid during the call, and tensors a hook
 *   creates are disposed when it returns unless it `tf.keep`s them (then the
 *   hook owns them and must dispose them).
 * - With `forwardBackward(..., wrt: 'input')` every ReLU call on the path to
 *   the loss fires its backward hook exactly once (NB201 'none' edges are
 *   x·0 nodes, so ReLUs feeding only 'none' edges still fire, with zeros).
 * - `onLayerOutput` sees every conv/linear output (after bias) during the
 *   forward; `onLayerBackward` sees ∂L/∂(that output) during the backward.
 *   Layer names are the weight parameter names.
 *
 * Missing parameters raise `ZsnasError('NOT_FOUND')`; shape mismatches `BAD_SHAPE`.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ConvOptions, Ops, ReluTag } from '../core/network'
import { ZsnasError } from '../core/errors'
import type { ParamStore } from './params'
import { conv2dOp } from './ops/conv'
import { batchNormTrainOp } from './ops/batch-norm'
import { avgPoolOp, maxPoolOp } from './ops/pool'
import { reluOp } from './ops/relu'
import { linearOp } from './ops/linear'
import { gradTapOp, zeroOp } from './ops/misc'
import { addOp, mulChannelsOp, sigmoidOp } from './ops/elementwise'
import { concatChannelsOp, globalAvgPoolOp, sliceChannelsOp } from './ops/layout'
import { resizeBilinearOp } from './ops/resize'

export interface ReluCall {
  /** 0-based order of ReLU calls in this forward */
  index: number
  tag: ReluTag
}

export interface LayerInfo {
  /** the layer's weight parameter name */
  name: string
  kind: 'conv' | 'linear'
}

export interface TfOpsHooks {
  onReluForward?(call: ReluCall, pre: tf.Tensor, post: tf.Tensor): void
  onReluBackward?(call: ReluCall, gradPre: tf.Tensor): void
  onLayerOutput?(info: LayerInfo, out: tf.Tensor): void
  onLayerBackward?(info: LayerInfo, gradOut: tf.Tensor): void
  /** `out` is the output of top-level unit `unit` (see `Ops.unitOutput`); valid during the call only */
  onUnitOutput?(unit: number, out: tf.Tensor): void
}

export type BnMode = 'train' | 'off' | 'eval'

export interface TfOpsOptions extends TfOpsHooks {
  params: ParamStore
  bnEps: number
  /**
   * 'train' = batch statistics (biased variance); 'off' = BN is the identity;
   * 'eval' = a fresh network's running statistics (mean 0, variance 1):
   * y = x·γ/√(1 + eps) + β (PyTorch `net.eval()` right after init), plain tf
   * ops, for forward-only use (BndlEnt).
   */
  bn: BnMode
  /** parameters that are differentiable: all (true), none (false/undefined), or the named ones */
  weightGrads?: boolean | ReadonlySet<string>
}

function as4(x: tf.Tensor, what: string): tf.Tensor4D {
  if (x.rank !== 4) throw new ZsnasError('BAD_SHAPE', `${what} expects an NHWC tensor (rank 4), got [${x.shape}]`)
  return x as tf.Tensor4D
}

/** Creates an `Ops<tf.Tensor>`; use one instance per forward pass (it numbers ReLU calls). */
export function createTfOps(o: TfOpsOptions): Ops<tf.Tensor> {
  if (o.bn !== 'train' && o.bn !== 'off' && o.bn !== 'eval') {
    throw new ZsnasError('INVALID_OPTION', `bn must be 'train', 'off' or 'eval', got '${String(o.bn)}'`)
  }
  let reluIndex = 0
  const param = (name: string): tf.Tensor => {
    const t = o.params.get(name)
    if (t === undefined) throw new ZsnasError('NOT_FOUND', `parameter '${name}' is not in the parameter store`)
    if (t.isDisposed) throw new ZsnasError('BAD_VALUE', `parameter '${name}' has been disposed`)
    return t
  }
  const trainable = (name: string): boolean =>
    o.weightGrads === true || (typeof o.weightGrads === 'object' && o.weightGrads.has(name))
  const layer = (info: LayerInfo, y: tf.Tensor): tf.Tensor => {
    o.onLayerOutput?.(info, y)
    if (o.onLayerBackward === undefined) return y
    const cb = o.onLayerBackward
    return gradTapOp(y, (g) => cb(info, g))
  }

  return {
    conv2d(x: tf.Tensor, weight: string, c: ConvOptions): tf.Tensor {
      const w = param(weight) as tf.Tensor4D
      const b = c.bias === undefined ? undefined : (param(c.bias) as tf.Tensor1D)
      const wg = trainable(weight) || (c.bias !== undefined && trainable(c.bias))
      const y = conv2dOp(as4(x, 'conv2d'), w, { stride: c.stride, pad: c.pad, depthwise: c.depthwise, weightGrads: wg }, b)
      return layer({ name: weight, kind: 'conv' }, y)
    },
    batchNorm(x: tf.Tensor, gamma: string, beta: string): tf.Tensor {
      const g = param(gamma) as tf.Tensor1D
      const b = param(beta) as tf.Tensor1D
      if (o.bn === 'off') return x
      if (o.bn === 'eval') return batchNormFreshEval(as4(x, 'batchNorm'), g, b, o.bnEps)
      return batchNormTrainOp(as4(x, 'batchNorm'), g, b, o.bnEps, trainable(gamma) || trainable(beta))
    },
    relu(x: tf.Tensor, tag: ReluTag): tf.Tensor {
      const call: ReluCall = { index: reluIndex++, tag }
      const f = o.onReluForward
      const bw = o.onReluBackward
      return reluOp(x, {
        onForward: f === undefined ? undefined : (pre, post) => f(call, pre, post),
        onBackward: bw === undefined ? undefined : (g) => bw(call, g),
      })
    },
    add: (a, b) => addOp(a, b),
    zero: (x) => zeroOp(x),
    avgPool: (x, k, stride, pad) => avgPoolOp(as4(x, 'avgPool'), k, stride, pad),
    maxPool: (x, k, stride, pad) => maxPoolOp(as4(x, 'maxPool'), k, stride, pad),
    globalAvgPool: (x) => globalAvgPoolOp(as4(x, 'globalAvgPool')),
    linear(x: tf.Tensor, weight: string, bias?: string): tf.Tensor {
      const w = param(weight) as tf.Tensor2D
      const b = bias === undefined ? undefined : (param(bias) as tf.Tensor1D)
      const wg = trainable(weight) || (bias !== undefined && trainable(bias))
      return layer({ name: weight, kind: 'linear' }, linearOp(x, w, b, wg))
    },
    concatChannels: (xs) => concatChannelsOp(xs.map((x) => as4(x, 'concatChannels'))),
    sliceChannels: (x, n) => sliceChannelsOp(as4(x, 'sliceChannels'), n),
    sigmoid: (x) => sigmoidOp(x),
    mulChannels: (x, gate) => mulChannelsOp(as4(x, 'mulChannels'), as4(gate, 'mulChannels gate')),
    resizeBilinear: (x, size) => resizeBilinearOp(as4(x, 'resizeBilinear'), size),
    unitOutput(x: tf.Tensor, unit: number): tf.Tensor {
      o.onUnitOutput?.(unit, x)
      return x
    },
  }
}

/** Eval-mode BN of a freshly initialised network (running mean 0, variance 1): x·(γ/√(1+eps)) + β per channel. */
function batchNormFreshEval(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(x, tf.mul(gamma, tf.scalar(1 / Math.sqrt(1 + eps)))), beta))
}
