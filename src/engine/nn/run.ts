/**
 * One forward (+ optional backward) pass of a `NetworkDef` on tfjs.
 *
 * Loss: 'ce' = mean softmax cross-entropy against the batch's true labels
 * (PyTorch `F.cross_entropy`, reduction mean); 'sumLogits' = Σ over batch and
 * classes of the logits (JacCor / NetSens / SynFlow-type proxies).
 * Differentiation: 'none' (forward only), 'input' (∂L/∂x; every ReLU
 * backward hook on the path fires exactly once — in NB201 every ReLU is on the
 * path because 'none' edges are x·0 nodes, not disconnections), 'params'
 * (∂L/∂θ for `paramNames`, default all; a parameter the loss does not depend
 * on gets an all-zero gradient).
 *
 * Guarantees: every intermediate tensor is disposed before returning; the
 * only tensors that survive are the returned `inputGrad` / `paramGrads`
 * (the caller disposes them) and the derived kernels cached for the params
 * (released by `disposeParams`). Hooks fire synchronously during the pass.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Batch } from '../core/data'
import type { NetworkDef } from '../core/network'
import { ZsnasError } from '../core/errors'
import type { ParamStore } from './params'
import { createTfOps, type BnMode, type TfOpsHooks } from './tf-ops'
import { crossEntropyOp, sumOp } from './ops/loss'
import { readAll } from '../backend/read'

export interface RunOptions {
  bn: BnMode
  loss: 'ce' | 'sumLogits'
  wrt: 'none' | 'input' | 'params'
  /** with wrt 'params': which parameters to differentiate (default: all in the store) */
  paramNames?: readonly string[]
  hooks?: TfOpsHooks
}

export interface RunResult {
  /** the scalar loss of the forward pass */
  loss: number
  /** logits [N, numClasses], row-major */
  logits: Float32Array
  /** ∂L/∂input, same shape as the input (wrt 'input') */
  inputGrad?: tf.Tensor
  /** ∂L/∂θ by name (wrt 'params') */
  paramGrads?: Map<string, tf.Tensor>
}

/** An input given directly as a tensor (e.g. SynFlow's all-ones image); labels only needed for 'ce'. */
export interface TensorInput {
  x: tf.Tensor4D
  labels?: Int32Array
}

/** Throws BAD_SHAPE / BAD_LABEL / INVALID_OPTION when the input does not fit the network or the loss. */
export function checkInput(def: NetworkDef, shape: readonly number[], labels: Int32Array | undefined, loss: RunOptions['loss']): void {
  const [h, w, c] = def.inputShape
  if (shape.length !== 4 || shape[1] !== h || shape[2] !== w || shape[3] !== c || !(shape[0] >= 1)) {
    throw new ZsnasError('BAD_SHAPE', `network '${def.name}' expects input [N,${h},${w},${c}], got [${shape.join(',')}]`)
  }
  if (loss === 'ce') {
    if (labels === undefined) throw new ZsnasError('INVALID_OPTION', "loss 'ce' needs labels")
    if (labels.length !== shape[0]) {
      throw new ZsnasError('BAD_LABEL', `got ${labels.length} labels for a batch of ${shape[0]}`)
    }
    for (let i = 0; i < labels.length; i++) {
      if (!(labels[i] >= 0 && labels[i] < def.numClasses)) {
        throw new ZsnasError('BAD_LABEL', `label ${labels[i]} at position ${i} is outside [0, ${def.numClasses})`)
      }
    }
  }
}

/** Throws INVALID_OPTION for a loss other than 'ce' / 'sumLogits'. */
export function checkLoss(loss: RunOptions['loss']): void {
  if (!['ce', 'sumLogits'].includes(loss)) throw new ZsnasError('INVALID_OPTION', `unknown loss '${String(loss)}'`)
}

/** Throws BAD_SHAPE when the batch's data length does not match its shape. */
export function checkBatchData(b: Batch): void {
  const shape = b.shape
  if (b.x.length !== shape[0] * shape[1] * shape[2] * shape[3]) {
    throw new ZsnasError('BAD_SHAPE', `batch data has ${b.x.length} values, shape [${shape.join(',')}] needs ${shape.reduce((a, v) => a * v, 1)}`)
  }
}

/** Runs `def.forward` and throws BAD_SHAPE unless it returns logits [n, numClasses]. */
export function forwardLogits(def: NetworkDef, ops: ReturnType<typeof createTfOps>, x: tf.Tensor4D): tf.Tensor2D {
  const n = x.shape[0]
  const logits = def.forward(ops, x) as tf.Tensor2D
  if (logits.rank !== 2 || logits.shape[0] !== n || logits.shape[1] !== def.numClasses) {
    throw new ZsnasError('BAD_SHAPE', `network '${def.name}' produced logits [${logits.shape}], expected [${n},${def.numClasses}]`)
  }
  return logits
}

/** The scalar loss of the logits (a custom op, so it can be differentiated). */
export function lossOf(logits: tf.Tensor2D, kind: RunOptions['loss'], labels: Int32Array | undefined): tf.Scalar {
  return kind === 'sumLogits' ? sumOp(logits) : crossEntropyOp(logits, labels!)
}

/**
 * Runs the network once (see the module comment for semantics). The loss and
 * the logits are read from the backend once, after the pass (asynchronously:
 * webgpu has no synchronous read).
 */
export async function forwardBackward(def: NetworkDef, params: ParamStore, input: Batch | TensorInput, opts: RunOptions): Promise<RunResult> {
  checkLoss(opts.loss)
  if (!['none', 'input', 'params'].includes(opts.wrt)) throw new ZsnasError('INVALID_OPTION', `unknown wrt '${String(opts.wrt)}'`)
  const isBatch = input.x instanceof Float32Array
  const shape = isBatch ? (input as Batch).shape : (input as TensorInput).x.shape
  const labels = input.labels
  checkInput(def, shape, labels, opts.loss)
  if (isBatch) checkBatchData(input as Batch)
  let names: string[] = []
  if (opts.wrt === 'params') {
    names = opts.paramNames === undefined ? [...params.keys()] : [...opts.paramNames]
    if (names.length === 0) throw new ZsnasError('INVALID_OPTION', "wrt 'params' needs at least one parameter name")
    for (const n of names) {
      if (!params.has(n)) throw new ZsnasError('NOT_FOUND', `parameter '${n}' is not in the parameter store`)
    }
  }

  let logitsT: tf.Tensor | undefined
  let lossT: tf.Tensor | undefined
  const forward = (x: tf.Tensor4D, weightGrads: boolean | ReadonlySet<string>): tf.Scalar => {
    const ops = createTfOps({ params, bnEps: def.bnEps, bn: opts.bn, weightGrads, ...opts.hooks })
    const logits = forwardLogits(def, ops, x)
    logitsT = tf.keep(logits)
    return lossOf(logits, opts.loss, labels)
  }

  let grads: tf.Tensor[] = []
  try {
    grads = tf.tidy(() => {
      const x = isBatch ? tf.tensor4d((input as Batch).x, shape as [number, number, number, number]) : (input as TensorInput).x
      if (opts.wrt === 'none') {
        lossT = tf.keep(forward(x, false))
        return [] as tf.Tensor[]
      }
      const xs = opts.wrt === 'input' ? [x] : names.map((n) => params.get(n)!)
      const wg = opts.wrt === 'params' ? new Set(names) : false
      const { value, grads: g } = tf.engine().gradients(() => forward(x, wg), xs, undefined, true)
      lossT = tf.keep(value)
      return g.map((t, i) => (t == null ? tf.zerosLike(xs[i]) : t))
    })
    const [lossV, logitsV] = await readAll([lossT!, logitsT!])
    const result: RunResult = { loss: lossV[0], logits: logitsV }
    if (opts.wrt === 'input') result.inputGrad = grads[0]
    if (opts.wrt === 'params') result.paramGrads = new Map(names.map((n, i) => [n, grads[i]]))
    return result
  } catch (e) {
    for (const g of grads) g.dispose()
    throw e
  } finally {
    lossT?.dispose()
    logitsT?.dispose()
  }
}
