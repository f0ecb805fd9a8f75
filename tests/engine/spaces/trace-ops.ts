import type { Ops } from '../../../src/engine/core/network'

/** An `Ops<number>` that computes nothing (every op passes its input through); `over` records what a test needs. */
export function traceOps(over: Partial<Ops<number>>): Ops<number> {
  const id = <T>(x: T): T => x
  return {
    conv2d: id, batchNorm: id, relu: id, add: id, zero: id, avgPool: id, maxPool: id, globalAvgPool: id, linear: id,
    concatChannels: (xs) => xs[0], sliceChannels: id, sigmoid: id, mulChannels: id, resizeBilinear: id, unitOutput: id,
    ...over,
  }
}
