import type * as tf from '@tensorflow/tfjs-core'
import type { Batch, DatasetSource } from '../core/data'
import type { InitScheme, NetworkDef } from '../core/network'
import { Rng } from '../core/rng'
import { ZsnasError } from '../core/errors'
import { resolveOptions } from '../core/options'
import { cloneParams, disposeParams, type ParamStore } from '../nn/params'
import { runResponsePass } from './responses'
import type { CheckpointMode } from '../nn/checkpoint-policy'
import { isInstanceFatal } from '../backend/oom'
import { hasInputJacobian, primeInputJacobian } from './input-jacobian'
import type { ProxyContext, ProxyDef, ProxyMode, ResponseProxyDef, StandaloneProxyDef } from './types'
import { acorProxy } from './acor'
import { rcorProxy } from './rcor'
import { gcorProxy } from './gcor'
import { wrcorProxy } from './wrcor'
import { epadsProxy } from './epads'
import { synflowProxy } from './synflow'
import { jaccorProxy } from './jaccor'
import { naswotProxy } from './naswot'
import { pnormProxy } from './pnorm'
import { paramsProxy } from './params'
import { flopsProxy } from './flops'
import { snipProxy } from './snip'
import { gradnormProxy } from './gradnorm'
import { fisherProxy } from './fisher'
import { graspProxy } from './grasp'
import { zicoProxy } from './zico'
import { sliceBatch } from './batch-slice'
import { zenProxy } from './zen'
import { netsensProxy } from './netsens'
import { epeProxy } from './epe'
import { lydynisoProxy } from './lydyniso'
import { phiProxy } from './phi'
import { btProxy } from './bt'
import { bndlentProxy } from './bndlent'

/**
 * The proxy registry. Adding a proxy = one file exporting a `ProxyDef` + one
 * line in `PROXIES` below. Menus, the CLI and validation read this list.
 */
const PROXIES: ProxyDef[] = [
  wrcorProxy,
  rcorProxy,
  acorProxy,
  gcorProxy,
  epadsProxy,
  synflowProxy,
  jaccorProxy,
  naswotProxy,
  pnormProxy,
  paramsProxy,
  flopsProxy,
  snipProxy,
  gradnormProxy,
  fisherProxy,
  graspProxy,
  zicoProxy,
  zenProxy,
  netsensProxy,
  epeProxy,
  lydynisoProxy,
  phiProxy,
  btProxy,
  bndlentProxy,
]

const byId = new Map<string, ProxyDef>()
for (const p of PROXIES) registerProxy(p)

/** Adds a proxy at runtime (plug-ins, tests). Throws on a duplicate id. */
export function registerProxy(def: ProxyDef): void {
  if (byId.has(def.id)) throw new ZsnasError('INVALID_OPTION', `proxy id '${def.id}' is registered twice`)
  if (!PROXIES.includes(def)) PROXIES.push(def)
  byId.set(def.id, def)
}

export function listProxies(): readonly ProxyDef[] {
  return PROXIES
}

/** The proxy with this id, or `ZsnasError('INVALID_OPTION')` listing the known ids. */
export function getProxy(id: string): ProxyDef {
  const p = byId.get(id)
  if (!p) throw new ZsnasError('INVALID_OPTION', `unknown proxy '${id}'; expected one of ${PROXIES.map((q) => q.id).join(', ')}`)
  return p
}

export interface ComputeProxiesInput {
  space: string
  def: NetworkDef
  /** the initialised parameters, shared read-only by all proxies (copied for `mutatesParams` proxies) */
  params: ParamStore
  batch: Batch
  /** the opened dataset the batch came from (proxies with their own batch protocol, e.g. ePADS) */
  dataset?: DatasetSource
  init: InitScheme
  mode?: ProxyMode
  /** per-proxy options, keyed by proxy id */
  proxyOptions?: Record<string, unknown>
  /** seed of the per-proxy random streams (each proxy gets Rng(seed ⊕ fnv1a(id))) */
  seed: number
  /** how many times the response pass may halve the batch after an out-of-memory error (default 3) */
  maxSplits?: number
  /** response pass checkpointing: 'auto' (default, by the memory estimate), 'on', 'off' (nn/checkpoint-policy.ts) */
  checkpoint?: CheckpointMode
}

export interface ComputeProxiesResult {
  scores: Record<string, number>
  /** seconds: 'responses' for the shared pass, the proxy id for standalone proxies */
  timings: Record<string, number>
  /** number of batch chunks the response pass finally used (1 = no split) */
  responseChunks: number
}

/** FNV-1a 32-bit hash of a string (stable per-proxy / per-arch seeds). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** True for errors that mean the backend ran out of memory (the only case the batch is split). */
export function isOutOfMemory(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e)
  return /out of memory|\bOOM\b|Array buffer allocation failed|Cannot allocate|memory access out of bounds|Aborted\(\)/i.test(m)
}

/**
 * Validated options of each requested proxy (defaults filled). Throws
 * INVALID_OPTION naming the proxy and the option for a bad value or an
 * undeclared key, and for a `proxyOptions` key that is no registered proxy.
 */
export function proxyOptionsFor(defs: readonly ProxyDef[], proxyOptions: Record<string, unknown> | undefined): Map<string, Record<string, unknown>> {
  for (const id of Object.keys(proxyOptions ?? {})) {
    if (!byId.has(id)) {
      throw new ZsnasError('INVALID_OPTION', `proxyOptions names unknown proxy '${id}'; expected one of ${PROXIES.map((q) => q.id).join(', ')}`)
    }
  }
  const out = new Map<string, Record<string, unknown>>()
  for (const p of defs) {
    const raw = proxyOptions?.[p.id]
    out.set(p.id, resolveOptions(p.options ?? [], raw === null ? undefined : raw, p.id))
  }
  return out
}

/**
 * Computes the requested proxies for one initialised network on one batch.
 *
 * Cross-cutting rules live here, not in the proxies:
 *  - all response proxies share ONE forward/backward pass (BN in training
 *    mode, mean CE with true labels), each with its own float64 accumulator;
 *  - standalone proxies run after it, one by one; a proxy that declares
 *    `mutatesParams` gets a fresh copy of the same initial parameters;
 *  - when a standalone proxy `usesInputJacobian` (JacCor, NetSens, EPE), the
 *    response pass also backpropagates Σ logits to the input from its own
 *    forward (one forward instead of two; bit-identical values);
 *  - every proxy gets its own deterministic random stream;
 *  - out-of-memory fallback (response pass only): the batch is split into 2,
 *    then 4, … chunks (up to 2^maxSplits); every chunk gets fresh consumers
 *    and its own score, and — as the reference implementation does — the
 *    proxy's score is the PRODUCT of the chunk scores. This is a quirk kept for
 *    faithfulness (a product of log-dets is not a log-det; two negative chunk
 *    scores give a positive product); it only happens when memory forces it,
 *    and `responseChunks` reports it. With the wasm backend an abort may leave
 *    the module unusable, so the retry mainly helps the cpu/tensorflow backends.
 * Ids and options are validated before anything runs (`INVALID_OPTION`):
 * `proxyOptions[id]` of every requested proxy against its declared `options`
 * (`validateOptions`: unknown keys, types, bounds; defaults filled in, so a
 * proxy's `ctx.options` always holds every declared key), and every key of
 * `proxyOptions` must be a registered proxy id.
 */
export async function computeProxies(ids: readonly string[], input: ComputeProxiesInput): Promise<ComputeProxiesResult> {
  if (ids.length === 0) throw new ZsnasError('INVALID_OPTION', 'no proxies requested')
  const defs = ids.map(getProxy)
  const mode = input.mode ?? 'paper'
  if (mode !== 'paper' && mode !== 'reference') {
    throw new ZsnasError('INVALID_OPTION', `mode must be 'paper' or 'reference', got '${String(mode)}'`)
  }
  const options = proxyOptionsFor(defs, input.proxyOptions)
  const ctxFor = (p: ProxyDef, params: ParamStore, batch: Batch): ProxyContext => {
    return {
      space: input.space,
      def: input.def,
      params,
      batch,
      init: input.init,
      mode,
      options: options.get(p.id) as Record<string, unknown>,
      rng: new Rng((input.seed ^ fnv1a(p.id)) >>> 0),
      dataset: input.dataset,
    }
  }
  const scores: Record<string, number> = {}
  const timings: Record<string, number> = {}
  let responseChunks = 1

  const response = defs.filter((d): d is ResponseProxyDef => d.kind === 'response')
  const jacobianWanted = defs.some((d) => d.kind === 'standalone' && d.usesInputJacobian === true && d.mutatesParams !== true)
  if (response.length > 0) {
    const t0 = performance.now()
    const n = input.batch.shape[0]
    const maxSplits = input.maxSplits ?? 3
    for (let split = 0; ; split++) {
      const chunks = 2 ** split
      try {
        const product = response.map(() => 1)
        for (let c = 0; c < chunks; c++) {
          const start = Math.floor((c * n) / chunks)
          const end = Math.floor(((c + 1) * n) / chunks)
          const batch = chunks === 1 ? input.batch : sliceBatch(input.batch, start, end)
          const consumers = response.map((p) => p.consumer(ctxFor(p, input.params, batch)))
          // JacCor & co. differentiate the same forward (same params, same batch): share it
          const extras =
            chunks === 1 && jacobianWanted && !hasInputJacobian(input.params, input.batch)
              ? { onInputJacobian: (g: tf.Tensor) => primeInputJacobian(input.params, input.batch, g) }
              : {}
          const s = await runResponsePass({ space: input.space, mode, def: input.def, params: input.params, batch, checkpoint: input.checkpoint }, consumers, extras)
          s.forEach((v, i) => (product[i] *= v))
        }
        response.forEach((p, i) => (scores[p.id] = product[i]))
        responseChunks = chunks
        break
      } catch (e) {
        // a wasm abort kills the instance: splitting the batch cannot help there
        if (!isOutOfMemory(e) || isInstanceFatal(e) || split >= maxSplits || n / 2 ** (split + 1) < 2) throw e
      }
    }
    timings.responses = (performance.now() - t0) / 1000
  }

  for (const p of defs.filter((d): d is StandaloneProxyDef => d.kind === 'standalone')) {
    const t0 = performance.now()
    const params = p.mutatesParams ? cloneParams(input.params) : input.params
    try {
      scores[p.id] = await p.compute(ctxFor(p, params, input.batch))
    } finally {
      if (params !== input.params) disposeParams(params)
    }
    timings[p.id] = (performance.now() - t0) / 1000
  }
  // keep the caller's order
  const ordered: Record<string, number> = {}
  for (const id of ids) ordered[id] = scores[id]
  return { scores: ordered, timings, responseChunks }
}
