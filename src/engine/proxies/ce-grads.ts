/**
 * The one cross-entropy forward/backward shared by the weight-gradient
 * proxies (SNIP, GradNorm/PGNorm, Fisher, GraSP's first gradient), as in the
 * reference where each reads `∂L/∂W` of the same freshly initialised network
 * on the same batch: BN in training mode (batch statistics), L = mean CE
 * against the batch's true labels.
 *
 * What one pass yields:
 * - `grads`: ∂L/∂W for every conv/depthwise/linear weight (float32 copies
 *   in JS; biases and BN parameters are not differentiated — zero-cost-nas's
 *   layer metric arrays never read them);
 * - `fisher`: per layer, the per-output-channel Fisher terms of zero-cost-nas
 *   `fisher`: with a = the layer's output (after its bias) and g = ∂L/∂a,
 *   s_{n,c} = Σ_spatial a·g, f_c = ½·mean_n s_{n,c}² (float64).
 *
 * Sharing: the result is memoised per (parameter store, batch) object pair
 * (a WeakMap, so it goes away with them), so every weight-gradient proxy
 * requested for one architecture costs a single pass. Results are plain JS
 * arrays — no tensors outlive the call.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Batch } from '../core/data'
import type { NetworkDef, ParamSpec } from '../core/network'
import { ZsnasError } from '../core/errors'
import type { ParamStore } from '../nn/params'
import { forwardBackward } from '../nn/run'
import { HostReads, readAndDispose, readData } from '../backend/read'
import { layerWeightSpecs, outChannels } from './weights'

export interface CeGradPass {
  /** conv/depthwise/linear weight specs, in declaration order */
  weights: ParamSpec[]
  /** ∂(mean CE)/∂W per weight name */
  grads: Map<string, Float32Array>
  /** per weight name: f_c = ½·mean_n (Σ_spatial a·g)² for each output channel c */
  fisher: Map<string, Float64Array>
  /** the mean CE loss of the pass */
  loss: number
}

const memo = new WeakMap<ParamStore, WeakMap<Batch, CeGradPass>>()

/** Per-channel Fisher terms from a layer output a [N,…,C] and its gradient g (same shape). */
export function fisherChannels(a: tf.Tensor, g: tf.Tensor, host: HostReads, done: (f: Float64Array) => void): void {
  const s = tf.tidy(() => {
    const n = a.shape[0]
    const c = a.shape[a.rank - 1]
    return tf.sum(tf.reshape(tf.mul(a, g), [n, -1, c]), 1) // [N, C]
  })
  const [n, c] = s.shape
  host.defer([s], ([v]) => done(fisherFromSums(v, n, c)))
}

/** ½·mean_n of the squared per-sample channel sums v [N, C] (float64). */
function fisherFromSums(v: ArrayLike<number>, n: number, c: number): Float64Array {
  const f = new Float64Array(c)
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) f[k] += v[i * c + k] * v[i * c + k]
  for (let k = 0; k < c; k++) f[k] = (0.5 * f[k]) / n
  return f
}

/** Runs (or reuses) the shared CE gradient pass for this network, parameters and batch (async: the gradients are read once, after the pass). */
export async function ceGradPass(def: NetworkDef, params: ParamStore, batch: Batch): Promise<CeGradPass> {
  let byBatch = memo.get(params)
  const hit = byBatch?.get(batch)
  if (hit !== undefined) return hit
  const weights = layerWeightSpecs(def)
  if (weights.length === 0) throw new ZsnasError('INVALID_OPTION', `network '${def.name}' has no conv/linear weights`)
  const names = weights.map((w) => w.name)
  const outputs = new Map<string, tf.Tensor>()
  const fisher = new Map<string, Float64Array>()
  const host = new HostReads()
  let res: Awaited<ReturnType<typeof forwardBackward>>
  try {
  res = await forwardBackward(def, params, batch, {
    bn: 'train',
    loss: 'ce',
    wrt: 'params',
    paramNames: names,
    hooks: {
      // kept: the forward runs inside a tidy that would dispose it before the backward
      onLayerOutput: (info, out) => void outputs.set(info.name, tf.keep(tf.clone(out))),
      onLayerBackward: (info, g) => {
        const a = outputs.get(info.name)
        if (a === undefined) return
        fisherChannels(a, g, host, (f) => fisher.set(info.name, f))
        a.dispose()
        outputs.delete(info.name)
      },
    },
  })
  await host.flush()
  } finally {
    host.dispose()
    for (const t of outputs.values()) t.dispose()
  }
  const grads = new Map<string, Float32Array>()
  const entries = [...(res.paramGrads ?? [])]
  const values = await readAndDispose(entries.map(([, g]) => g))
  entries.forEach(([name], i) => grads.set(name, values[i].slice()))
  for (const w of weights) {
    if (!fisher.has(w.name)) fisher.set(w.name, new Float64Array(outChannels(w)))
  }
  const pass: CeGradPass = { weights, grads, fisher, loss: res.loss }
  if (byBatch === undefined) {
    byBatch = new WeakMap()
    memo.set(params, byBatch)
  }
  byBatch.set(batch, pass)
  return pass
}

/** The weight values of `spec` as a JS array (float32; the backend's array: do not mutate). */
export async function weightValues(params: ParamStore, spec: ParamSpec): Promise<Float32Array> {
  const t = params.get(spec.name)
  if (t === undefined) throw new ZsnasError('NOT_FOUND', `parameter '${spec.name}' is not in the parameter store`)
  return readData(t)
}
