import * as tf from '@tensorflow/tfjs-core'
import { logAbsDet } from '../linalg'
import type { HostReads } from '../backend/read'
import type { ResponseProxyDef } from './types'

/**
 * Adds the NASWOT kernel of one binary code matrix c ∈ {0,1}^{N×d} to `k`
 * (N×N float64): K_ij += Σ_d [c_i c_j + (1−c_i)(1−c_j)] = d − Hamming(c_i, c_j),
 * computed as 2·(c cᵀ)_ij − r_i − r_j + d with r = row sums. The c cᵀ product
 * runs on the backend in float32 — exact, since every entry is an integer ≤ d
 * < 2^24 for any feature map this app builds.
 */
export function addHammingKernel(k: Float64Array, codes: tf.Tensor, host: HostReads): void {
  const n = codes.shape[0]
  const gr = tf.tidy(() => {
    const c = tf.cast(tf.greater(tf.reshape(codes, [n, -1]), 0), 'float32')
    return [tf.matMul(c, tf.transpose(c)), tf.sum(c, 1)]
  })
  const d = codes.size / n
  // read at once (synchronous backends) or after the pass (webgpu, backend/read.ts); the sum is exact either way
  host.defer(gr, ([g, r]) => {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k[i * n + j] += 2 * g[i * n + j] - r[i] - r[j] + d
  })
}

/**
 * NASWOT (Mellor et al. 2021; reference `act_hamming`, notes §3): for every
 * ReLU call of the shared response pass, the binary code c = 1[ReLU input > 0]
 * per sample; K = Σ_calls c cᵀ + (1−c)(1−c)ᵀ (= N_A − Hamming distance);
 * score = log|det K| (float64 LU, sign discarded, −Infinity if singular).
 * Same hooks as ACor, so a tensor feeding k conv edges counts k times, and in
 * 'reference' mode only the calls the reference hooked are used (MBv2: SE
 * ReLUs). For NB201's in-place final ReLU the reference saw the post-ReLU map,
 * whose code 1[max(0,x) > 0] equals 1[x > 0], so the mode does not matter there.
 * No labels are used (the shared pass's backward is not read). Higher = better.
 */
export const naswotProxy: ResponseProxyDef = {
  kind: 'response',
  id: 'naswot',
  label: 'NASWOT',
  description: 'log|det K_H|, K_H = Σ over ReLUs of (#units − Hamming distance) of binary activation codes (Mellor et al.)',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  paperRho: { cifar10: 0.779, nb101: 0.41 },
  consumer(ctx) {
    const n = ctx.batch.shape[0]
    const k = new Float64Array(n * n)
    return {
      onForward: (_call, t, host) => addHammingKernel(k, t.pre, host),
      finish: () => logAbsDet(k, n),
    }
  },
}
