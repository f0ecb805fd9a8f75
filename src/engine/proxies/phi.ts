import { ZsnasError } from '../core/errors'
import type { NetworkDef } from '../core/network'
import type { Rng } from '../core/rng'
import type { ParamStore } from '../nn/params'
import type { ProxyOptionSpec, StandaloneProxyDef } from './types'
import { perturbedFeatureDistance } from './zen'

/**
 * What Phi's forwards do with BatchNorm.
 * - 'off' (default): every BN removed (identity), as the reference's
 *   `phi_score` (notes §3: `bn=False` ⇒ BN forward replaced by identity).
 *   Default because the reference notes define Phi this way; the paper's
 *   number (0.703) matches 'train' better (docs/proxies.md, Table 2), so the
 *   variant is one option away rather than the default.
 * - 'train': BN in training mode (batch statistics, biased variance, the
 *   network's γ/β), as the repository's `phi_score_bn` variant.
 */
export type PhiBn = 'off' | 'train'
export const PHI_BN_MODES: readonly PhiBn[] = ['off', 'train']

export const PHI_OPTIONS: readonly ProxyOptionSpec[] = [
  {
    key: 'bn',
    label: 'BatchNorm',
    description: 'off = BN removed (reference phi_score, default); train = BN with batch statistics (phi_score_bn; matches the paper\'s 0.703 better)',
    type: 'enum',
    default: 'off',
    choices: [
      { value: 'off', label: 'removed (reference phi_score)' },
      { value: 'train', label: 'training mode (phi_score_bn)' },
    ],
  },
]

/**
 * Phi = Σ|f(ε + 0.01ε′) − f(ε)| over the whole batch tensor of pre-GAP
 * features f, ε, ε′ ~ N(0,1) of `shape` drawn from `rng` (ε first), BN as `bn`.
 */
export async function phiScore(def: NetworkDef, params: ParamStore, shape: [number, number, number, number], rng: Rng, bn: PhiBn = 'off'): Promise<number> {
  if (!PHI_BN_MODES.includes(bn)) throw new ZsnasError('INVALID_OPTION', `phi option bn must be one of ${PHI_BN_MODES.join(', ')}, got '${String(bn)}'`)
  return (await perturbedFeatureDistance(def, params, shape, rng, bn)).delta
}

/**
 * Phi (reference `phi_score`, notes §3): with BatchNorm removed (option
 * `bn: 'off'`, default; `'train'` keeps BN with batch statistics) and
 * Gaussian inputs ε, ε′ ~ N(0,1) of the batch's shape,
 *   Phi = ‖f(ε + 0.01ε′) − f(ε)‖₁ summed over the whole batch tensor,
 * f = the pre-GAP feature map. Forward only; labels and the data batch are not
 * used (only its shape). Higher = better (sign +1).
 */
export const phiProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'phi',
  label: 'Phi',
  description: '‖f(ε+0.01ε′) − f(ε)‖₁ of pre-GAP features, BN removed by default (reference phi_score) or in training mode',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  paperRho: { cifar10: 0.703 },
  options: PHI_OPTIONS,
  compute: (ctx) => phiScore(ctx.def, ctx.params, ctx.batch.shape, ctx.rng, ctx.options.bn as PhiBn),
}
