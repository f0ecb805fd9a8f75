/**
 * True multiply-adds of conv and linear layers (bias additions, BN,
 * activations, pooling, residual additions and SE gating excluded) for one
 * input sample, via the shared shape-only interpreter (src/engine/nn/count.ts)
 * with bias-free rules. Conv: H_out·W_out·C_out·k²·C_in/groups; linear: in·out.
 * This is the convention of the published MobileNetV2 MACs table
 * (tf-slim README, e.g. 300,774,272 for MobileNetV2 1.0 @ 224).
 */
import type { NetworkDef } from '../core/network'
import { type CountRules, NB201_COUNT_RULES, countNetwork } from '../nn/count'

export const PURE_MAC_RULES: CountRules = {
  ...NB201_COUNT_RULES,
  conv: (i) => i.output.h * i.output.w * i.k * i.k * (i.inC / i.groups) * i.outC,
  linear: (i) => i.in * i.out,
}

/** Counts conv+linear MACs of one forward pass of `net` on one sample of its input shape. */
export function countMacs(net: NetworkDef): number {
  return countNetwork(net, PURE_MAC_RULES).flops
}
