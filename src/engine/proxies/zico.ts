import type { Batch } from '../core/data'
import type { NetworkDef } from '../core/network'
import { ZsnasError } from '../core/errors'
import type { ParamStore } from '../nn/params'
import { forwardBackward } from '../nn/run'
import { readAndDispose } from '../backend/read'
import { resolveOptions, type OptionSpec } from '../core/options'
import type { StandaloneProxyDef } from './types'
import { layerWeightSpecs } from './weights'
import { sliceBatch } from './batch-slice'

/**
 * ZiCo of per-batch gradients: `grads[b][l]` = ∂L_b/∂W_l (flattened) for
 * batches b = 1..B ≥ 2 and layers l. Per weight i: μ_i = mean_b |g_{b,i}|,
 * σ_i = std_b g_{b,i} (population std, numpy's default); layer term
 * S_l = Σ_{i: σ_i > 0} μ_i/σ_i; ZiCo = Σ_{l: S_l ≠ 0} log S_l (float64).
 */
export function zicoFromGrads(grads: readonly (readonly Float32Array[])[]): number {
  const B = grads.length
  if (B < 2) throw new ZsnasError('INVALID_OPTION', `ZiCo needs gradients of at least 2 batches, got ${B}`)
  let score = 0
  for (let l = 0; l < grads[0].length; l++) {
    const len = grads[0][l].length
    let s = 0
    for (let i = 0; i < len; i++) {
      let mean = 0
      let meanAbs = 0
      for (let b = 0; b < B; b++) {
        mean += grads[b][l][i]
        meanAbs += Math.abs(grads[b][l][i])
      }
      mean /= B
      meanAbs /= B
      let v = 0
      for (let b = 0; b < B; b++) v += (grads[b][l][i] - mean) ** 2
      const sd = Math.sqrt(v / B)
      if (sd > 0) s += meanAbs / sd
    }
    if (s !== 0) score += Math.log(s)
  }
  return score
}


/** ∂(mean CE)/∂W of every conv/linear weight on one batch (BN train). */
export async function ceWeightGrads(def: NetworkDef, params: ParamStore, batch: Batch): Promise<Float32Array[]> {
  const names = layerWeightSpecs(def).map((w) => w.name)
  const res = await forwardBackward(def, params, batch, { bn: 'train', loss: 'ce', wrt: 'params', paramNames: names })
  const values = await readAndDispose(names.map((n) => res.paramGrads!.get(n)!))
  return values.map((v) => v.slice())
}

/**
 * ZiCo (Li et al., ICLR 2023; SLDGroup/ZiCo `compute_zico`, notes §3):
 * gradients of the mean CE (true labels, BN in training mode) of B batches,
 * then `zicoFromGrads` over conv+linear weights. Higher = better.
 *
 * Batches (option `batches`, default 2, as ZiCo's default of two minibatches):
 * the scoring batch plus B−1 further batches of the same size drawn from the
 * scoring dataset with this proxy's random stream (same augmentation) when the
 * dataset is available; otherwise the scoring batch is split into B equal
 * chunks (each needs ≥ 2 samples for batch statistics).
 */
export const ZICO_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'batches',
    label: 'ZiCo batches',
    description: 'minibatches B whose gradients give the per-weight mean/std (ZiCo default 2): the scoring batch + B−1 more from the dataset, or the scoring batch split into B chunks when no dataset is open',
    type: 'int',
    default: 2,
    min: 2,
  },
]

export const zicoProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'zico',
  label: 'ZiCo',
  description: 'Σ_layers log Σ_w mean|g|/std(g) of CE gradients over ≥2 batches (Li et al. 2023)',
  needsLabels: true,
  needsBackward: true,
  higherIsBetter: true,
  paperRho: { cifar10: 0.8, cifar100: 0.81, imagenet16: 0.79 },
  options: ZICO_OPTIONS,
  async compute(ctx) {
    const nb = resolveOptions(ZICO_OPTIONS, ctx.options, 'zico').batches as number
    const n = ctx.batch.shape[0]
    let batches: Batch[]
    if (ctx.dataset !== undefined && ctx.dataset.count >= n) {
      batches = [ctx.batch]
      for (let b = 1; b < nb; b++) batches.push(ctx.dataset.sampleBatch(n, ctx.rng, { augment: true }))
    } else {
      if (Math.floor(n / nb) < 2) {
        throw new ZsnasError('INVALID_OPTION', `ZiCo: a batch of ${n} cannot be split into ${nb} chunks of ≥ 2 samples`)
      }
      batches = Array.from({ length: nb }, (_, b) => sliceBatch(ctx.batch, Math.floor((b * n) / nb), Math.floor(((b + 1) * n) / nb)))
    }
    const grads: Float32Array[][] = []
    for (const b of batches) grads.push(await ceWeightGrads(ctx.def, ctx.params, b))
    return zicoFromGrads(grads)
  },
}
