/** Zero-shot proxies: types, registry, the shared response pass and the WRCor family. */
export * from './types'
export { listProxies, getProxy, registerProxy, computeProxies, fnv1a, isOutOfMemory } from './registry'
export type { ComputeProxiesInput, ComputeProxiesResult } from './registry'
export { runResponsePass, tensorRowCorrelation, isResponseCall, activationOf, REFERENCE_HOOKED_SITES } from './responses'
export { CorrKernel } from './corr-kernel'
export { correlationProxy, blockWeight, BLOCK_WEIGHTINGS, type BlockWeighting } from './correlation-family'
