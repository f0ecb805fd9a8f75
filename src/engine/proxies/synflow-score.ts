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
 *
 * The rescaling needs each layer's max as a JS number during the forward. On
 * backends with synchronous reads it is read at once; on webgpu (no
 * synchronous read) the forward is replayed: each run goes as far as the
 * first max not yet known, that value is read (awaited), and the next run
 * replays the known ones — the final run (with the gradient) sees the same
 * values in the same order, so the result is that of the synchronous pass.
 * The replays memoise every completed op call (its output tensors and how
 * many values it read): op k of a replay has the same inputs as op k of the
 * run before, so it returns the kept result instead of dispatching kernels
 * again — each op runs once while recording (plus the op that asked for the
 * new value), then once in the gradient pass. Same tensors, same values: the
 * memo changes the cost (≈ 2 forwards, one read per rescaled layer, instead
 * of one forward prefix per rescaled layer), not the result.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { NetworkDef, Ops } from '../core/network'
import { ZsnasError } from '../core/errors'
import { absParams, disposeParams, type ParamStore } from '../nn/params'
import { createSynflowOps, syncScaleReader, type ScaleReader, type ScaledTensor } from '../nn/synflow-ops'
import { sumOp } from '../nn/ops/loss'
import { canReadSync, readAndDispose } from '../backend/read'

/** Thrown by the replaying reader at the first value it does not know yet. */
class NeedValue {
  constructor(readonly tensor: tf.Tensor) {}
}

/**
 * Replays the forward (no gradient) until every max/min it asks for is known,
 * reading one new value per run; returns a reader that replays them all.
 * `forward` applies `wrap` to the interpreter it builds: op calls completed in
 * an earlier run are answered from the memo (see the module comment); the
 * memo's tensors are kept across runs and freed before this returns.
 */
async function recordScales(
  names: string[],
  forward: (r: ScaleReader, probes: Map<string, tf.Scalar>, wrap: (ops: Ops<ScaledTensor>) => Ops<ScaledTensor>) => tf.Scalar,
): Promise<ScaleReader> {
  const values: number[] = []
  let i = 0
  const replay: ScaleReader = {
    value(reduce) {
      if (i < values.length) return values[i++]
      throw new NeedValue(tf.keep(tf.tidy(reduce)))
    },
  }
  const memo: { out: unknown; reads: number }[] = []
  let call = 0
  const wrap = (ops: Ops<ScaledTensor>): Ops<ScaledTensor> => {
    const wrapped: Record<string, unknown> = {}
    for (const [k, f] of Object.entries(ops) as [string, (...a: unknown[]) => unknown][]) {
      wrapped[k] = (...args: unknown[]): unknown => {
        const hit = memo[call]
        if (hit !== undefined) {
          call++
          i += hit.reads
          return hit.out
        }
        const before = i
        const out = f(...args)
        for (const t of scaledTensors(out)) tf.keep(t)
        memo[call++] = { out, reads: i - before }
        return out
      }
    }
    return wrapped as unknown as Ops<ScaledTensor>
  }
  try {
    for (;;) {
      i = 0
      call = 0
      let need: NeedValue | undefined
      try {
        tf.tidy(() => {
          const probeMap = new Map(names.map((n) => [n, tf.scalar(1)]))
          forward(replay, probeMap, wrap)
        })
      } catch (e) {
        if (!(e instanceof NeedValue)) throw e
        need = e
      }
      if (need === undefined) break
      values.push((await readAndDispose([need.tensor]))[0][0])
    }
  } finally {
    const kept = new Set(memo.flatMap((m) => scaledTensors(m.out)))
    for (const t of kept) t.dispose()
  }
  i = 0
  return {
    value(reduce) {
      if (i < values.length) return values[i++]
      throw new ZsnasError('INTERNAL', `SynFlow replay: the gradient pass asked for value #${i + 1} of ${values.length} recorded`)
    },
  }
}

/** The tensors of an op's result (a ScaledTensor; every Ops method returns one). */
function scaledTensors(out: unknown): tf.Tensor[] {
  const t = (out as ScaledTensor | undefined)?.t
  return t instanceof tf.Tensor ? [t] : []
}

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
export async function synflowScore(def: NetworkDef, params: ParamStore, inputSize?: [number, number]): Promise<SynflowResult> {
  const names = synflowWeightNames(def)
  if (names.length === 0) throw new ZsnasError('INVALID_OPTION', `SynFlow: network '${def.name}' has no conv/linear weights`)
  const [h, w, c] = def.inputShape
  const [ih, iw] = inputSize ?? [h, w]
  const abs = absParams(params)
  try {
    let logOut = 0
    const forward = (reader: ScaleReader, probeMap: Map<string, tf.Scalar>, wrap = (o: Ops<ScaledTensor>): Ops<ScaledTensor> => o): tf.Scalar => {
      const ops = wrap(createSynflowOps(abs, probeMap, reader))
      const out = def.forward<ScaledTensor>(ops, { t: tf.ones([1, ih, iw, c]), logScale: 0 })
      logOut = out.logScale
      return sumOp(out.t)
    }
    const reader = canReadSync() ? syncScaleReader : await recordScales(names, forward)
    const grads = tf.tidy(() => {
      const probes = names.map(() => tf.scalar(1))
      const probeMap = new Map(names.map((n, i) => [n, probes[i]]))
      const { grads: g } = tf.engine().gradients(() => forward(reader, probeMap), probes, undefined, true)
      return g.map((t) => (t == null ? tf.scalar(0) : t))
    })
    const contrib = (await readAndDispose(grads)).map((v) => v[0])
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
