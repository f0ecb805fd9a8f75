import * as tf from '@tensorflow/tfjs-core'
import { readAll, readAndDispose } from '../backend/read'
import type { NetworkDef, Ops } from '../core/network'
import type { Rng } from '../core/rng'
import { ZsnasError } from '../core/errors'
import { disposeParams, sampleValues, type ParamStore } from '../nn/params'
import { createTfOps } from '../nn/tf-ops'
import type { ProxyOptionSpec, StandaloneProxyDef } from './types'

/** Perturbation size of Zen-NAS (mixup_gamma). */
export const ZEN_GAMMA = 1e-2

/**
 * Which weights Zen reads.
 * - 'reference' (default): the network's own initialisation (the scoring
 *   init, PyTorch default for NB201), as the WRCor code base's `zen_score`
 *   does — it never re-initialises.
 * - 'zennas': every conv/depthwise/linear weight re-drawn from N(0,1), biases
 *   0, BN γ = 1, β = 0, before the two forwards, as ZenNAS
 *   (`network_weight_gaussian_init`) and NASLib's `zen` do.
 */
export type ZenInit = 'reference' | 'zennas'
export const ZEN_INITS: readonly ZenInit[] = ['reference', 'zennas']

export const ZEN_OPTIONS: readonly ProxyOptionSpec[] = [
  {
    key: 'init',
    label: 'Weights',
    description: "reference = the scoring init (WRCor code's zen_score); zennas = re-initialise every weight N(0,1) first (ZenNAS, NASLib)",
    type: 'enum',
    default: 'reference',
    choices: [
      { value: 'reference', label: 'scoring init (WRCor code)' },
      { value: 'zennas', label: 'N(0,1) re-init (ZenNAS / NASLib)' },
    ],
  },
]

/**
 * ZenNAS's Gaussian re-initialisation as a NEW store (the caller disposes it):
 * conv/depthwise/linear weights N(0,1) drawn from `rng` in declaration order,
 * biases 0, BN γ 1 and β 0. Float32.
 */
export function gaussianParams(def: NetworkDef, rng: Rng): ParamStore {
  const store: ParamStore = new Map()
  for (const spec of def.params) {
    const n = spec.shape.reduce((a, b) => a * b, 1)
    const w = spec.kind === 'conv' || spec.kind === 'depthwise' || spec.kind === 'linear'
    const values = sampleValues(n, w ? { kind: 'normal', std: 1 } : { kind: 'const', value: spec.kind === 'bnGamma' ? 1 : 0 }, rng)
    store.set(spec.name, tf.tensor(values, spec.shape, 'float32'))
  }
  return store
}

export interface ZenForward {
  /** pre-GAP feature map (input of the network's LAST global average pool), kept: the caller disposes */
  features: tf.Tensor
  /** per BN call, in call order: mean over channels of the UNBIASED batch variance of its input */
  bnVarMeans: number[]
}

/** One forward (BN in training mode, or removed for Phi) that records what Zen and Phi need. */
export async function zenForward(def: NetworkDef, params: ParamStore, x: tf.Tensor4D, bn: 'train' | 'off' = 'train'): Promise<ZenForward> {
  const bnVarMeans: number[] = []
  /** per BN call: [mean over channels of the biased batch variance, element count per channel], read after the forward */
  const bnVars: { m: tf.Tensor; count: number }[] = []
  let features: tf.Tensor | undefined
  try {
  tf.tidy(() => {
    const base = createTfOps({ params, bnEps: def.bnEps, bn })
    const ops: Ops<tf.Tensor> = {
      ...base,
      batchNorm(t, gamma, beta) {
        const count = t.size / t.shape[t.rank - 1]
        const axes = [...Array(t.rank - 1).keys()]
        bnVars.push({ m: tf.keep(tf.tidy(() => tf.mean(tf.moments(t, axes).variance))), count })
        return base.batchNorm(t, gamma, beta)
      },
      // the LAST global pool is the head's (SE blocks pool too): keep only its input
      globalAvgPool(t) {
        features?.dispose()
        features = tf.keep(tf.clone(t))
        return base.globalAvgPool(t)
      },
    }
    def.forward(ops, x)
  })
  const vs = await readAll(bnVars.map((b) => b.m))
  bnVars.forEach(({ count }, i) => {
    const biased = vs[i][0]
    bnVarMeans.push(count > 1 ? (biased * count) / (count - 1) : biased)
  })
  } catch (e) {
    features?.dispose()
    throw e
  } finally {
    for (const b of bnVars) b.m.dispose()
  }
  if (features === undefined) throw new ZsnasError('INVALID_OPTION', `Zen: network '${def.name}' has no global average pool`)
  return { features, bnVarMeans }
}

/**
 * Zen-score as in the WRCor code base (`zen_score.py`, notes §3; Lin et al.
 * 2021): with Gaussian inputs ε, ε' ~ N(0,1) of the batch's shape and BN in
 * training mode, f = the pre-GAP feature map,
 *   Δ = Σ |f(ε + γ ε') − f(ε)|  (sum over the whole batch tensor, γ = 1e-2),
 *   score = log(Δ + 1e-6) + Σ_BN log( sqrt(mean_c running_var_c) + 1e-6 ),
 * where each BN's running variance starts at 1 and is updated after each of
 * the two forwards (first f(ε), then f(ε+γε')) with momentum 0.1 and the
 * UNBIASED batch variance (PyTorch): rv = 0.81 + 0.09·v₁ + 0.1·v₂ per channel
 * (no N(0,1) re-initialisation, unlike ZenNAS — `init: 'zennas'` adds it:
 * then the weights are re-drawn from a fork of `rng` before ε, ε′ are drawn).
 * The means over channels are linear, so
 * mean_c rv = 0.81 + 0.09·mean_c v₁ + 0.1·mean_c v₂.
 * ZenNAS/NASLib take the batch MEAN of the per-sample L1 distances instead
 * of the batch sum: a constant −log N, no effect on rankings.
 * Labels and the data batch are not used (only its shape). Higher = better
 * (the reference's sign, no flip).
 */
export async function zenScore(def: NetworkDef, params: ParamStore, shape: [number, number, number, number], rng: Rng, init: ZenInit = 'reference'): Promise<number> {
  if (!ZEN_INITS.includes(init)) throw new ZsnasError('INVALID_OPTION', `zen option init must be one of ${ZEN_INITS.join(', ')}, got '${String(init)}'`)
  if (init === 'zennas') {
    const g = gaussianParams(def, rng.fork())
    try {
      return await zenScore(def, g, shape, rng, 'reference')
    } finally {
      disposeParams(g)
    }
  }
  const { delta, a, b } = await perturbedFeatureDistance(def, params, shape, rng, 'train')
  let s = Math.log(delta + 1e-6)
  a.forEach((v1, l) => {
    s += Math.log(Math.sqrt(0.81 + 0.09 * v1 + 0.1 * b[l]) + 1e-6)
  })
  return s
}

/**
 * Σ|f(ε + γε′) − f(ε)| over the whole batch tensor of pre-GAP features f, with
 * ε, ε′ ~ N(0,1) of `shape` drawn from `rng` (ε first, then ε′), γ = 1e-2; the
 * two forwards run in that order. Also returns each forward's per-BN mean
 * unbiased batch variances (`a` for f(ε), `b` for f(ε+γε′)).
 */
export async function perturbedFeatureDistance(
  def: NetworkDef,
  params: ParamStore,
  shape: [number, number, number, number],
  rng: Rng,
  bn: 'train' | 'off',
): Promise<{ delta: number; a: number[]; b: number[] }> {
  const size = shape[0] * shape[1] * shape[2] * shape[3]
  const e1 = new Float32Array(size)
  const e2 = new Float32Array(size)
  for (let i = 0; i < size; i++) e1[i] = rng.normal()
  for (let i = 0; i < size; i++) e2[i] = e1[i] + ZEN_GAMMA * rng.normal()
  const x1 = tf.tensor4d(e1, shape)
  const x2 = tf.tensor4d(e2, shape)
  try {
    const a = await zenForward(def, params, x1, bn)
    let b: ZenForward
    try {
      b = await zenForward(def, params, x2, bn)
    } catch (e) {
      a.features.dispose()
      throw e
    }
    const d = tf.tidy(() => tf.sum(tf.abs(tf.sub(b.features, a.features))))
    a.features.dispose()
    b.features.dispose()
    const delta = (await readAndDispose([d]))[0][0]
    return { delta, a: a.bnVarMeans, b: b.bnVarMeans }
  } finally {
    x1.dispose()
    x2.dispose()
  }
}

function zenInitOption(raw: Record<string, unknown>): ZenInit {
  for (const k of Object.keys(raw)) {
    if (k !== 'init') throw new ZsnasError('INVALID_OPTION', `zen has no option '${k}'; expected init`)
  }
  const v = raw.init ?? 'reference'
  if (v !== 'reference' && v !== 'zennas') throw new ZsnasError('INVALID_OPTION', `zen option init must be 'reference' or 'zennas', got '${String(v)}'`)
  return v
}

export const zenProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'zen',
  label: 'Zen',
  description: 'log Σ|f(ε+0.01ε′)−f(ε)| of pre-GAP features + Σ_BN log √mean(running var) (Lin et al. 2021)',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  paperRho: { cifar10: 0.257 },
  options: ZEN_OPTIONS,
  compute: (ctx) => zenScore(ctx.def, ctx.params, ctx.batch.shape, ctx.rng, zenInitOption(ctx.options)),
}
