import { countNetwork } from '../nn/count'
import type { StandaloneProxyDef } from './types'

/**
 * FLOPs: multiply-adds (MACs) of one forward pass of one sample, as NAS-Bench-201
 * and the paper count them (conv + linear MACs incl. bias adds; BN, ReLU,
 * pooling and additions are 0) — NOT 2×MACs. NB201 CIFAR-10 range
 * 7.78305 M … 220.11969 M. From the shape-only counting interpreter
 * (nn/count.ts), so it always matches the network that is run; the input
 * size is the network's (the batch's spatial size). Needs no data.
 * Higher = better.
 */
export const flopsProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'flops',
  label: 'FLOPs',
  description: 'multiply-adds of one forward pass (conv + linear MACs, as NB201; not 2×MACs)',
  needsLabels: false,
  needsBackward: false,
  higherIsBetter: true,
  paperRho: { cifar10: 0.73, cifar100: 0.71, imagenet16: 0.67, nb101: 0.43 },
  compute: (ctx) => countNetwork(ctx.def).flops,
}
