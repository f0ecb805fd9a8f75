import type { NetworkDef } from '../core/network'
import { resolveOptions, type OptionSpec } from '../core/options'
import type { ReluCall } from '../nn/tf-ops'
import { CorrKernel } from './corr-kernel'
import type { PaperRho, ProxyContext, ResponseProxyDef } from './types'

/**
 * Factory for the response-correlation proxies of the paper (reference §1.6):
 *   K = Σ_h w(h)·( |corr(A_h)|·[no NaN] + |corr(G_h)|·[no NaN] ),  score = log|det K|
 * over every ReLU call h of the shared pass (duplicates counted: a node feeding
 * k conv edges is k calls), A_h = the mode's activation tensor, G_h =
 * ∂(mean CE)/∂(ReLU input). `activations`/`gradients` select the terms,
 * `weight` gives w(h). `options` declares every key `weight` reads from
 * `ctx.options`; the consumer validates them once (defaults filled) and hands
 * `weight` the validated bag.
 */
export function correlationProxy(spec: {
  id: string
  label: string
  description: string
  activations: boolean
  gradients: boolean
  weight: (call: ReluCall, def: NetworkDef, options: Record<string, unknown>) => number
  options?: readonly OptionSpec[]
  paperRho?: PaperRho
}): ResponseProxyDef {
  const declared = spec.options ?? []
  return {
    kind: 'response',
    id: spec.id,
    label: spec.label,
    description: spec.description,
    needsLabels: spec.gradients,
    needsBackward: spec.gradients,
    higherIsBetter: true,
    paperRho: spec.paperRho,
    options: declared,
    consumer(ctx: ProxyContext) {
      const kernel = new CorrKernel(ctx.batch.shape[0])
      const opts = resolveOptions(declared, ctx.options, spec.id)
      return {
        wantsActivationCorr: spec.activations,
        wantsGradientCorr: spec.gradients,
        onActivationCorr: (call, corr) => void kernel.add(corr, spec.weight(call, ctx.def, opts)),
        onGradientCorr: (call, corr) => void kernel.add(corr, spec.weight(call, ctx.def, opts)),
        finish: () => kernel.score(),
      }
    },
  }
}

/** WRCor's weighting schemes (paper Table 3); 'exp' (2^block) is WRCor's definition. */
export type BlockWeighting = 'exp' | 'none' | 'linear' | 'quadratic' | 'expTopDown'
export const BLOCK_WEIGHTINGS: readonly BlockWeighting[] = ['exp', 'none', 'linear', 'quadratic', 'expTopDown']

/**
 * Weight of a ReLU call in block b (0-based; NB201 lastact b = numBlocks):
 * exp 2^b (the code's 0-based form of the paper's 2^l; a global factor 2 only
 * adds N·log 2), none 1, linear b+1, quadratic (b+1)², expTopDown
 * 2^(numBlocks−b). The non-exp schemes are our reading of Table 3's ablation.
 */
export function blockWeight(scheme: BlockWeighting, block: number, numBlocks: number): number {
  switch (scheme) {
    case 'exp':
      return 2 ** block
    case 'none':
      return 1
    case 'linear':
      return block + 1
    case 'quadratic':
      return (block + 1) ** 2
    case 'expTopDown':
      return 2 ** (numBlocks - block)
  }
}

const WEIGHTING_LABELS: Record<BlockWeighting, string> = {
  exp: 'exp 2^b (WRCor, paper)',
  none: 'none (= RCor)',
  linear: 'linear b+1',
  quadratic: 'quadratic (b+1)²',
  expTopDown: 'exp top-down 2^(blocks−b)',
}

/** WRCor's options: `weighting` (paper Table 3 ablation; 'exp' = WRCor). */
export const WRCOR_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'weighting',
    label: 'WRCor block weighting',
    description: "weight of a ReLU call in block b (0-based): exp 2^b (WRCor), none 1, linear b+1, quadratic (b+1)², expTopDown 2^(blocks−b) — paper Table 3",
    type: 'enum',
    default: 'exp',
    choices: BLOCK_WEIGHTINGS.map((w) => ({ value: w, label: WEIGHTING_LABELS[w] })),
  },
]
