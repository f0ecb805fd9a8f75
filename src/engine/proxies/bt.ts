import * as tf from '@tensorflow/tfjs-core'
import { readAndDispose } from '../backend/read'
import type { Batch } from '../core/data'
import type { NetworkDef } from '../core/network'
import type { Rng } from '../core/rng'
import type { ParamStore } from '../nn/params'
import type { StandaloneProxyDef } from './types'
import { zenForward } from './zen'

/** Barlow Twins off-diagonal weight λ of the reference. */
export const BT_LAMBDA = 0.005

/**
 * Barlow-Twins loss of two feature matrices z1, z2 [N, D]: each standardised
 * per feature over the batch (BatchNorm1d, affine=False, training mode: biased
 * variance, eps 1e-5), c = z1ᵀz2 / N (D×D),
 *   loss = Σ_i (c_ii − 1)² + λ·Σ_{i≠j} c_ij².
 * Σ_ij c_ij² is computed through the N×N Gram matrices (Σ_nm G1_nm·G2_nm / N²),
 * so the D×D matrix is never formed. Float64 reductions in JS.
 */
export async function barlowTwinsLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, lambda = BT_LAMBDA): Promise<number> {
  const n = z1.shape[0]
  const [g1, g2, diag] = tf.tidy(() => {
    const std = (z: tf.Tensor2D): tf.Tensor2D => {
      const { mean, variance } = tf.moments(z, 0, true)
      return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, tf.scalar(1e-5)))) as tf.Tensor2D
    }
    const a = std(z1)
    const b = std(z2)
    return [tf.matMul(a, tf.transpose(a)), tf.matMul(b, tf.transpose(b)), tf.div(tf.sum(tf.mul(a, b), 0), tf.scalar(n))]
  })
  const [G1, G2, d] = await readAndDispose([g1, g2, diag])
  let all = 0
  for (let i = 0; i < G1.length; i++) all += G1[i] * G2[i]
  all /= n * n
  let on = 0
  let diagSq = 0
  for (const v of d) {
    on += (v - 1) ** 2
    diagSq += v * v
  }
  return on + lambda * (all - diagSq)
}

/**
 * BT (reference `ssl_score`, notes §3): two noisy views of the real batch,
 * y1 = x + 0.01ε₁ and y2 = x + 0.01ε₂ (ε ~ N(0,1), drawn in that order from
 * the proxy's stream), pre-GAP features of each (BN in training mode),
 * flattened per sample, score = −`barlowTwinsLoss`. Higher = better.
 */
export async function btScore(def: NetworkDef, params: ParamStore, batch: Batch, rng: Rng): Promise<number> {
  const noisy = (): tf.Tensor4D => {
    const v = new Float32Array(batch.x.length)
    for (let i = 0; i < v.length; i++) v[i] = batch.x[i] + 0.01 * rng.normal()
    return tf.tensor4d(v, batch.shape)
  }
  const x1 = noisy()
  const x2 = noisy()
  const f1 = (await zenForward(def, params, x1)).features
  const f2 = (await zenForward(def, params, x2)).features
  x1.dispose()
  x2.dispose()
  const n = batch.shape[0]
  const z1 = tf.reshape(f1, [n, -1]) as tf.Tensor2D
  const z2 = tf.reshape(f2, [n, -1]) as tf.Tensor2D
  try {
    return -(await barlowTwinsLoss(z1, z2))
  } finally {
    for (const t of [f1, f2, z1, z2]) t.dispose()
  }
}

export const btProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'bt',
  label: 'BT',
  description: '−Barlow-Twins loss between pre-GAP features of two noisy copies of the batch (reference ssl_score)',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  paperRho: { cifar10: 0.51 },
  compute: (ctx) => btScore(ctx.def, ctx.params, ctx.batch, ctx.rng),
}
