import { countNetwork } from '../nn/count'
import type { StandaloneProxyDef } from './types'

/**
 * Params: the exact number of parameters of the network (every element of
 * every parameter tensor, BN γ/β included — PyTorch's Σ numel, which is what
 * the NB201 API reports: 0.073306 M … 1.531546 M on CIFAR-10), from the
 * shape-only counting interpreter (nn/count.ts), so it always matches what is
 * run. Needs no data. Higher = better (bigger networks score higher).
 * (The MobileNetV2 space's *reference* "model size" with its quirks is
 * reported separately by the space's `cost`, as ScoreResult.params.)
 */
export const paramsProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'params',
  label: 'Params',
  description: 'number of parameters (exact count, BN included, as the NB201 API)',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  paperRho: { cifar10: 0.75, cifar100: 0.73, imagenet16: 0.69, nb101: 0.44 },
  compute: (ctx) => countNetwork(ctx.def).params,
}
