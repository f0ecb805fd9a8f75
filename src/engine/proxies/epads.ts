/**
 * ePADS — efficient perturbation-aware distinguishing score (Huang, Xue, Sun,
 * Zhang, Yen; Applied Soft Computing 2025; method notes `wrcor-method.md` §7;
 * public code HuangJunh/ePADS, Apache-2.0, consulted for facts only).
 *
 * Its own protocol, independent of the WRCor batch:
 *  - clean batch x of `batchSize` images (default 128) drawn from the scoring
 *    dataset WITHOUT augmentation (reference `--augtype none`), normalised with
 *    the dataset's mean/std;
 *  - ε ~ N(0, σ²) per element (default σ = 1.0), added to the normalised x;
 *  - [x; x + ε] through the freshly initialised network in ONE forward pass
 *    (BN in training mode), forward only (no labels, no backward);
 *  - score = log Σ_ReLU-calls D₁·D₂ (see ./epads/run.ts, ./epads/terms.ts).
 *
 * Randomness: everything comes from the proxy's own stream `ctx.rng`, forked
 * in a fixed order into (1) the clean-batch draw, (2) ε, (3) the per-call
 * permutations. Same request ⇒ bit-identical score on one backend.
 *
 * Interpretations (documented choices):
 *  - Permutations are uniform and MAY have fixed points (the reference uses
 *    `torch.randperm`); a fixed point contributes 0 to D₁.
 *  - ReLU calls counted = the WRCor family's set for the request's mode
 *    ('paper': every ReLU call, duplicates included).
 *  - Σ = 0 (σ = 0, or a network whose codes never differ) ⇒ −Infinity, the
 *    documented sentinel (ranked lowest, never NaN). The reference's
 *    `np.log(0)` also gives −inf.
 *  - Each architecture gets its own clean batch and ε (from its per-arch
 *    seed), like every other proxy of the engine; the reference script draws
 *    one batch and one ε for all architectures of a run.
 *  - When the caller supplies no dataset in the context (direct
 *    `computeProxies` use), the shared scoring batch is used as the clean
 *    batch (its size and augmentation are then the caller's).
 *  - No batch splitting: BN statistics must cover all 2B samples, so an
 *    out-of-memory error is not retried on chunks (it fails the evaluation).
 *    Large inputs (MobileNetV2 space at 192–320 px) need a smaller
 *    `batchSize` on the 4 GB wasm heap.
 */
import { ZsnasError } from '../core/errors'
import { resolveOptions } from '../core/options'
import type { ProxyContext, ProxyOptionSpec, StandaloneProxyDef } from './types'
import { isResponseCall } from './responses'
import { gaussianNoise } from './epads/input'
import { runEpads } from './epads/run'

/** ePADS defaults (reference `main_score.py`: batch_size 128, sigma 1). */
export const EPADS_DEFAULTS = { batchSize: 128, sigma: 1.0 } as const

/** Options shown by the wizard and accepted in `proxyOptions.epads` (CLI: --epads-batch-size, --epads-sigma). */
export const EPADS_OPTIONS: readonly ProxyOptionSpec[] = [
  {
    key: 'batchSize',
    label: 'ePADS batch',
    description: 'clean images per architecture, no augmentation (the forward pass sees twice as many: clean + perturbed)',
    type: 'int',
    default: EPADS_DEFAULTS.batchSize,
    min: 1,
    max: 1024,
  },
  {
    key: 'sigma',
    label: 'ePADS σ',
    description: 'standard deviation of the Gaussian perturbation ε added to the normalised clean batch',
    type: 'number',
    default: EPADS_DEFAULTS.sigma,
    min: 0,
  },
]

export interface EpadsOptions {
  batchSize: number
  sigma: number
}

/** Reads and validates `proxyOptions.epads` against `EPADS_OPTIONS` (missing keys take the defaults; INVALID_OPTION otherwise). */
export function epadsOptions(raw: Record<string, unknown>): EpadsOptions {
  const o = resolveOptions(EPADS_OPTIONS, raw, 'epads')
  return { batchSize: o.batchSize as number, sigma: o.sigma as number }
}

function cleanBatch(ctx: ProxyContext, batchSize: number, rng: ProxyContext['rng']): Float32Array {
  const ds = ctx.dataset
  if (ds === undefined) return ctx.batch.x
  if (batchSize > ds.count) {
    throw new ZsnasError('INVALID_OPTION', `epads batch size ${batchSize} exceeds the ${ds.count} images of dataset ${ds.label}`)
  }
  return ds.sampleBatch(batchSize, rng, { augment: false }).x
}

export const epadsProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'epads',
  label: 'ePADS',
  description: 'log Σ_ReLU (sample-distinguishing flips)·(perturbation flips) of binary codes, clean + N(0,σ²)-perturbed batch, forward only (Huang et al. 2025)',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  options: EPADS_OPTIONS,
  async compute(ctx) {
    const opts = epadsOptions(ctx.options)
    const dataRng = ctx.rng.fork()
    const noiseRng = ctx.rng.fork()
    const permRng = ctx.rng.fork()
    const x = cleanBatch(ctx, opts.batchSize, dataRng)
    const [h, w, c] = ctx.def.inputShape
    const b = x.length / (h * w * c)
    const r = await runEpads({
      def: ctx.def,
      params: ctx.params,
      x,
      batchSize: b,
      noise: gaussianNoise(x.length, opts.sigma, noiseRng),
      permRng,
      include: (tag) => isResponseCall(ctx.space, ctx.mode, tag),
    })
    return r.score
  },
}
