import type { OptionSpec } from '../core/options'
import type * as tf from '@tensorflow/tfjs-core'
import type { Batch, DatasetSource } from '../core/data'
import type { InitScheme, NetworkDef } from '../core/network'
import type { Rng } from '../core/rng'
import type { ParamStore } from '../nn/params'
import type { ReluCall } from '../nn/tf-ops'
import type { CorrelationResult } from '../linalg'
import type { HostReads } from '../backend/read'

/**
 * Which responses the WRCor family (and other ReLU-response proxies) read.
 * - 'paper' (default): the pre-activation (ReLU input) of every ReLU call, as
 *   the paper defines responses.
 * - 'reference': what the published code actually hooked: NB201's final
 *   in-place `lastact` ReLU contributes its POST-activation map (tag
 *   `inplace`), and in the MobileNetV2 space only the squeeze-excitation ReLUs
 *   (site 'se') are hooked (main-path activations used a class the hook
 *   filter missed). Gradients are ∂L/∂(ReLU input) in both modes. NB201's
 *   `ReLUConvBN` modules are hooked as well (tag `container`): one more
 *   activation (the same input) and one more gradient, ∂L/∂(BN input), per
 *   conv edge (docs/reference-hooks.md).
 */
export type ProxyMode = 'paper' | 'reference'

/** Everything a proxy may read for one architecture. All of it is shared and read-only. */
export interface ProxyContext {
  /** search-space id (e.g. 'nb201'), for space-specific reference rules */
  space: string
  def: NetworkDef
  /** the freshly initialised parameters (shared by all proxies: do not mutate) */
  params: ParamStore
  /** the scoring minibatch (labels are the batch's true labels) */
  batch: Batch
  init: InitScheme
  mode: ProxyMode
  /**
   * This proxy's options (`proxyOptions[proxyId]` of the request), validated
   * by `computeProxies` against the proxy's declared `options`: every declared
   * key is present (defaults filled), no other key is.
   */
  options: Record<string, unknown>
  /** random stream reserved for this proxy (e.g. ePADS permutations, noise) */
  rng: Rng
  /**
   * The opened scoring dataset, for proxies with their own batch protocol
   * (ePADS draws its own un-augmented batch). Absent when the caller only
   * has a batch (then such proxies fall back to `batch`).
   */
  dataset?: DatasetSource
}

/**
 * A consumer attached to the ONE shared forward/backward pass over all ReLU
 * calls. The pass computes each requested per-call correlation matrix once
 * (float64, from a float32 Gram matrix computed on the tensor backend) and
 * hands it to every consumer that asked for it; raw tensors are only valid
 * during the callback. Only calls included by the mode reach consumers.
 */
export interface ResponseConsumer {
  wantsActivationCorr?: boolean
  wantsGradientCorr?: boolean
  /** N×N Pearson matrix of the mode's activation tensor (pre-, or post-ReLU for in-place calls in reference mode) */
  onActivationCorr?(call: ReluCall, corr: CorrelationResult): void
  /** N×N Pearson matrix of ∂L/∂(ReLU input) */
  onGradientCorr?(call: ReluCall, corr: CorrelationResult): void
  /**
   * raw forward tensors (pre = ReLU input, post = output, `act` = the mode's activation tensor);
   * host values are read through `host.defer` (backend/read.ts: at once on synchronous backends, after the pass on webgpu)
   */
  onForward?(call: ReluCall, t: { pre: tf.Tensor; post: tf.Tensor; act: tf.Tensor }, host: HostReads): void
  onBackward?(call: ReluCall, gradPre: tf.Tensor, host: HostReads): void
  /** the score after the pass (higher = better; −Infinity allowed, NaN = failed) */
  finish(): number
}

/** Published anchors for the proxy (|Spearman ρ| on NB201, paper Table 4). */
export interface PaperRho {
  cifar10?: number
  cifar100?: number
  imagenet16?: number
  nb101?: number
}

/** A user-settable proxy option (key of `proxyOptions[proxyId]`), shown by the wizard. */
export type ProxyOptionSpec = OptionSpec

interface ProxyBase {
  /** stable id used on the command line and in files (e.g. 'wrcor') */
  id: string
  label: string
  description: string
  /** uses the true labels of the batch */
  needsLabels: boolean
  /** needs a backward pass */
  needsBackward: boolean
  /** every proxy is sign-adjusted so that higher = better */
  higherIsBetter: true
  paperRho?: PaperRho
  /**
   * EVERY option the proxy reads from `ctx.options`, with defaults and bounds
   * (menus, CLI flags `--<id>-<key>`, help and validation come from here;
   * tests/engine/registry-options.test.ts checks read = declared). Absent = none.
   */
  options?: readonly ProxyOptionSpec[]
}

/** A proxy that reads ReLU responses from the shared pass (ACor, RCor, WRCor, NASWOT, …). */
export interface ResponseProxyDef extends ProxyBase {
  kind: 'response'
  consumer(ctx: ProxyContext): ResponseConsumer
}

/**
 * A proxy that runs its own passes (SynFlow, SNIP, JacCor, …). If it changes
 * parameter values it sets `mutatesParams` and then receives its own copy of
 * the initialised parameters in `ctx.params` (the registry wrapper clones and
 * disposes them).
 */
export interface StandaloneProxyDef extends ProxyBase {
  kind: 'standalone'
  mutatesParams?: boolean
  /**
   * The proxy reads `inputJacobian(ctx.def, ctx.params, ctx.batch)` (BN in
   * training mode, Σ logits): `computeProxies` then has the response pass
   * produce it from its own forward when one runs (one forward saved).
   */
  usesInputJacobian?: boolean
  compute(ctx: ProxyContext): number | Promise<number>
}

export type ProxyDef = ResponseProxyDef | StandaloneProxyDef
