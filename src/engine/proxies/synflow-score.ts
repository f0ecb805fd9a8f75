/**
 * SynFlow (Tanaka et al. 2020; zero-cost-nas `synflow.py`, reference notes §3):
 * every parameter replaced by |θ|, BatchNorm removed, input = all-ones tensor
 * of ONE sample with the data's spatial size, R = Σ logits,
 *   SynFlow = Σ over conv+linear weights of |θ ⊙ ∂R/∂θ|.
 * Biases and BN parameters are not summed (they still take part in the
 * forward: |bias| is added, BN γ/β are unused because BN is the identity).
 *
 * Returned value: log(SynFlow), natural log. The true value reaches 1e40+
 * on NB201 (float64 in the reference; float32 overflows), so it is computed
 * in the log-scaled representation of `nn/synflow-ops.ts`. log is monotone,
 * so rankings (Spearman, Kendall, voting) equal those of the raw value.
 * Higher = better (sign +1, as in the reference). A network whose output does
 * not depend on any weight (e.g. NB201 all-'none' cells feeding zeros) has
 * SynFlow 0 ⇒ −Infinity.
 *
 * Independent of the data batch (only its shape is used) and of BN statistics.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { NetworkDef } from '../core/network'
import { ZsnasError } from '../core/errors'
import { absParams, disposeParams, type ParamStore } from '../nn/params'
import { createSynflowOps, type ScaledTensor } from '../nn/synflow-ops'
import { sumOp } from '../nn/ops/loss'

export interface SynflowResult {
  /** log(SynFlow) (natural log); −Infinity when SynFlow is 0 */
  logScore: number
  /** per conv/linear weight: log of its contribution Σ|θ ⊙ ∂R/∂θ| (−Infinity if 0) */
  layers: { name: string; logContribution: number }[]
}

/** Names of the weights SynFlow sums over (conv, depthwise and linear weights). */
export function synflowWeightNames(def: NetworkDef): string[] {
  return def.params.filter((p) => p.kind === 'conv' || p.kind === 'depthwise' || p.kind === 'linear').map((p) => p.name)
}

/**
 * Computes SynFlow of `def` with the given (signed) parameters; |θ| is taken
 * internally on a copy (the caller's store is untouched). `inputSize` is the
 * data's spatial size (default: the network's input shape).
 */
export function synflowScore(def: NetworkDef, params: ParamStore, inputSize?: [number, number]): SynflowResult {
  const names = synflowWeightNames(def)
  if (names.length === 0) throw new ZsnasError('INVALID_OPTION', `SynFlow: network '${def.name}' has no conv/linear weights`)
  const [h, w, c] = def.inputShape
  const [ih, iw] = inputSize ?? [h, w]
  const abs = absParams(params)
  try {
    let logOut = 0
    const contrib = tf.tidy(() => {
      const probes = names.map(() => tf.scalar(1))
      const probeMap = new Map(names.map((n, i) => [n, probes[i]]))
      const { grads } = tf.engine().gradients(
        () => {
          const ops = createSynflowOps(abs, probeMap)
          const out = def.forward<ScaledTensor>(ops, { t: tf.ones([1, ih, iw, c]), logScale: 0 })
          logOut = out.logScale
          return sumOp(out.t)
        },
        probes,
        undefined,
        true,
      )
      return grads.map((g) => (g == null ? 0 : g.dataSync()[0]))
    })
    let total = 0
    for (const v of contrib) total += v
    if (!Number.isFinite(total)) throw new ZsnasError('NUMERIC', `SynFlow: non-finite scaled sum ${total} for '${def.name}'`)
    return {
      logScore: total > 0 ? logOut + Math.log(total) : -Infinity,
      layers: names.map((name, i) => ({ name, logContribution: contrib[i] > 0 ? logOut + Math.log(contrib[i]) : -Infinity })),
    }
  } finally {
    disposeParams(abs)
  }
}
