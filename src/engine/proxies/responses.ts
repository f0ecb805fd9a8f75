import * as tf from '@tensorflow/tfjs-core'
import { sliceAxis } from '../backend/wasm-inplace'
import type { Batch } from '../core/data'
import type { NetworkDef, ReluTag } from '../core/network'
import type { ParamStore } from '../nn/params'
import { forwardBackward } from '../nn/run'
import { forwardMultiBackward, type BackwardSpec } from '../nn/run-multi'
import { forwardMultiBackwardCheckpointed } from '../nn/run-checkpointed'
import { decideCheckpoint, type CheckpointDecision, type CheckpointMode } from '../nn/checkpoint-policy'
import type { ReluCall, TfOpsHooks } from '../nn/tf-ops'
import { correlationFromGram, type CorrelationResult } from '../linalg'
import { canReadSync, HostReads, type HostArray } from '../backend/read'
import type { ProxyMode, ResponseConsumer } from './types'

/**
 * The shared ReLU-response pass: ONE forward (+ one backward when any consumer
 * needs gradients) of the network with BN in training mode and mean
 * cross-entropy against the batch's true labels (reference §1.4), feeding
 * every attached `ResponseConsumer`.
 *
 * Per included ReLU call, each requested correlation matrix is computed once:
 * rows flattened per sample (NHWC order — correlation is invariant to a common
 * feature permutation), Gram matrix by a tf `matMul` with an explicit
 * transpose (fast path on wasm), read back, centred and normalised in float64
 * (`tensorRowCorrelation`, `correlationFromGram`). A zero-variance row (all values equal —
 * numpy's corrcoef then yields NaN) is carried in `zeroVarianceRows`. The big tensors die inside the hook.
 */

/** Sites the reference implementation's hook filter caught, per space (default: every site). */
export const REFERENCE_HOOKED_SITES: Readonly<Record<string, readonly ReluTag['site'][]>> = {
  mbv2: ['se'],
}

/** Whether a ReLU call is a response in this mode (see `ProxyMode`). */
export function isResponseCall(space: string, mode: ProxyMode, tag: ReluTag): boolean {
  if (mode === 'paper') return true
  const sites = REFERENCE_HOOKED_SITES[space]
  return sites === undefined || sites.includes(tag.site)
}

/**
 * The conv layer whose output gradient the reference's container hook around this
 * ReLU call sees (reference mode, tag `container`; NB201's ReLUConvBN), else undefined.
 * Its activation is the ReLU's input again; both terms carry the ReLU call's block.
 */
export function containerLayerOf(mode: ProxyMode, tag: ReluTag): string | undefined {
  return mode === 'reference' ? tag.container?.gradLayer : undefined
}

/** The activation tensor a mode reads: ReLU input, or (reference mode) the output of an in-place ReLU. */
export function activationOf(mode: ProxyMode, tag: ReluTag, pre: tf.Tensor, post: tf.Tensor): tf.Tensor {
  return mode === 'reference' && tag.inplace === true ? post : pre
}

/** xᵀ of x [N, d] via a [N, rest, C] → [rest, C, N] permutation (moves C-contiguous blocks: ~1.6× faster on wasm than a plain 2-D transpose). */
function rowsTransposed(x: tf.Tensor, t: tf.Tensor, n: number, d: number): tf.Tensor {
  const c = t.rank >= 2 ? t.shape[t.rank - 1] : 1
  return tf.reshape(tf.transpose(tf.reshape(x, [n, d / c, c]), [1, 2, 0]), [d, n])
}

/**
 * Rows whose mean is at most one standard deviation (centred Σ² ≥ raw Σ² / 2) take the
 * fast path: the centred Gram is formed in float64 from the raw one, so cancellation can
 * magnify float32 round-off at most 2×. All-zero rows qualify (exactly 0 either way).
 * (With 1/4, a near-singular 6×6 test kernel moved 15× further from the float64 value.)
 */
const FAST_PATH_MIN_CENTRED_FRACTION = 1 / 2

/** How many tensors took each path (diagnostics for bench/wrcor-profile.ts; never read by the engine). */
export const rowCorrelationPaths = { fast: 0, centred: 0 }

/**
 * Per-sample Pearson correlation (float64 result) of a tensor [N, …].
 * A row counts as zero-variance (numpy: NaN) when its centred sum of squares
 * is 0, or below what float32 rounding of its mean can produce
 * (std < 1e-6·|mean|) — i.e. all its values are equal up to float32 precision.
 *
 * Fast path (one backend matMul, no centring pass): raw Gram G = x·xᵀ and row
 * sums sᵢ on the backend, then in float64 the centred Gram
 * Gᵢⱼ − sᵢsⱼ/d. When some non-zero row's mean is large against its spread
 * (see FAST_PATH_MIN_CENTRED_FRACTION), the rows are centred on the backend
 * first and the Gram recomputed (`centredRowCorrelation`), so the value is
 * the centred computation's within float32 round-off either way.
 */
export function tensorRowCorrelation(t: tf.Tensor, blockBytes = GRAM_BLOCK_BYTES): CorrelationResult {
  return rowCorrelationFromGram(rawGram(t, blockBytes), t.shape[0], t.size / t.shape[0], () => centredRowCorrelation(t, blockBytes))
}

/**
 * `tensorRowCorrelation` through `host` (backend/read.ts): on a synchronous
 * backend `done` runs at once with `tensorRowCorrelation(t)`; on webgpu the
 * raw Gram blocks AND the centring-first Gram are computed on the device now
 * (the tensor `t` dies with the pass) and `done` runs at `host.flush()` with
 * the same host arithmetic — the same result as `tensorRowCorrelation` of the
 * same values.
 */
export function deferRowCorrelation(host: HostReads, t: tf.Tensor, done: (corr: CorrelationResult) => void, blockBytes = GRAM_BLOCK_BYTES): void {
  if (canReadSync()) {
    done(tensorRowCorrelation(t, blockBytes))
    return
  }
  const n = t.shape[0]
  const d = t.size / n
  const raw = rawGramTensors(t, blockBytes)
  const centred = centredGramTensors(t, blockBytes)
  host.defer([...raw, ...centred], (v) => {
    done(rowCorrelationFromGram(sumGramBlocks(v.slice(0, raw.length), n), n, d, () => centredFromGram(v.slice(raw.length), n, d)))
  })
}

/**
 * `tensorRowCorrelation` from the raw Gram and row sums (float64); `centred()`
 * supplies the centring-first result when a row's mean is large against its spread.
 */
function rowCorrelationFromGram({ g, s }: { g: Float64Array; s: Float64Array }, n: number, d: number, centred: () => CorrelationResult): CorrelationResult {
  const c = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    const si = s[i] / d
    for (let j = 0; j < n; j++) c[i * n + j] = g[i * n + j] - si * s[j]
  }
  const norms = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const raw = g[i * n + i]
    const ss = c[i * n + i]
    if (raw > 0 && !(ss >= FAST_PATH_MIN_CENTRED_FRACTION * raw)) {
      rowCorrelationPaths.centred++
      return centred()
    }
    norms[i] = ss > 0 ? Math.sqrt(ss) : 0
  }
  rowCorrelationPaths.fast++
  return correlationFromGram(c, norms, n)
}

/**
 * Tensors above this many bytes have their Gram summed over blocks of rows
 * of axis 1 (each block's Gram in float32 on the backend, the sum in
 * float64): the transposed copy and XNNPACK's packed operand then cost one
 * block, not the whole map (≈ 2 × 308 MB per ReLU call for MobileNetV2 at
 * 224 px, batch 64). Below it (every NB201/NB101 map at batch 64) the Gram is
 * one matMul, as before. Both the plain and the checkpointed pass call this.
 */
export const GRAM_BLOCK_BYTES = 64 * 2 ** 20

/**
 * `block(part)` for t itself when t is at most `blockBytes`, else for each block of rows of axis 1 (sliced heap to
 * heap on wasm: tfjs' wasm slice first copies the whole map to the host), in block order; the results concatenated.
 * The caller owns them (also freed here on error).
 */
function mapRowBlocks(t: tf.Tensor, blockBytes: number, block: (part: tf.Tensor) => tf.Tensor[]): tf.Tensor[] {
  const rows = t.rank >= 3 ? (t.shape[1] as number) : 1
  const blocks = Math.min(rows, Math.ceil((t.size * 4) / blockBytes))
  if (blocks <= 1) return block(t)
  const per = Math.ceil(rows / blocks)
  const out: tf.Tensor[] = []
  try {
    for (let r0 = 0; r0 < rows; r0 += per) {
      const part = sliceAxis(t, 1, r0, Math.min(per, rows - r0))
      try {
        out.push(...block(part))
      } finally {
        part.dispose()
      }
    }
  } catch (e) {
    tf.dispose(out)
    throw e
  }
  return out
}

/**
 * The device half of the raw Gram: per block of rows of axis 1, [x·xᵀ, row
 * sums] (x = the block's rows flattened), in block order. The caller owns the tensors.
 */
function rawGramTensors(t: tf.Tensor, blockBytes: number): tf.Tensor[] {
  const n = t.shape[0]
  return mapRowBlocks(t, blockBytes, (part) =>
    tf.tidy(() => {
      const x = tf.reshape(part, [n, -1])
      // explicit transposed operand: the matMul fast path on wasm (transposeB is ~6× slower)
      return [tf.matMul(x, rowsTransposed(x, part, n, part.size / n)), tf.sum(x, 1)]
    }),
  )
}

/** Σ of `arrays` element by element in float64, in the given order (the blocks of a Gram). */
function sumF64(arrays: readonly ArrayLike<number>[], length: number): Float64Array {
  const sum = new Float64Array(length)
  for (const a of arrays) for (let i = 0; i < length; i++) sum[i] += a[i]
  return sum
}

/** The host half: Σ over blocks (in block order, float64) of the Gram and row sums read from `rawGramTensors`. */
function sumGramBlocks(values: readonly HostArray[], n: number): { g: Float64Array; s: Float64Array } {
  return { g: sumF64(values.filter((_, b) => b % 2 === 0), n * n), s: sumF64(values.filter((_, b) => b % 2 === 1), n) }
}

/** Raw Gram x·xᵀ and row sums of t [N, …] (x = rows flattened), as float64 arrays (synchronous backends). */
function rawGram(t: tf.Tensor, blockBytes: number): { g: Float64Array; s: Float64Array } {
  const ts = rawGramTensors(t, blockBytes)
  try {
    return sumGramBlocks(ts.map((x) => x.dataSync() as HostArray), t.shape[0])
  } finally {
    for (const x of ts) x.dispose()
  }
}

/** The centring-first computation (rows centred on the backend, then the Gram): exact for rows with large means. */
export function centredRowCorrelation(t: tf.Tensor, blockBytes = GRAM_BLOCK_BYTES): CorrelationResult {
  const ts = centredGramTensors(t, blockBytes)
  try {
    return centredFromGram(ts.map((x) => x.dataSync() as HostArray), t.shape[0], t.size / t.shape[0])
  } finally {
    for (const x of ts) x.dispose()
  }
}

/**
 * The device half of the centring-first computation: [centred Gram blocks…, row means]. Above `blockBytes` the
 * centred rows' Gram is taken per block of rows of axis 1 like the raw one (issue #18: the centred copy and its
 * transpose cost one block, not two maps of 500 MB), each block's Gram in float32, summed on the host in float64.
 */
function centredGramTensors(t: tf.Tensor, blockBytes = GRAM_BLOCK_BYTES): tf.Tensor[] {
  const n = t.shape[0]
  const m = tf.tidy(() => tf.mean(tf.reshape(t, [n, -1]), 1, true))
  try {
    const grams = mapRowBlocks(t, blockBytes, (part) =>
      tf.tidy(() => {
        const xc = tf.sub(tf.reshape(part, [n, -1]), m)
        return [tf.matMul(xc, rowsTransposed(xc, part, n, part.size / n))]
      }),
    )
    return [...grams, m]
  } catch (e) {
    m.dispose()
    throw e
  }
}

/** The host half of the centring-first computation, from [centred Gram blocks…, row means] (blocks summed in float64, in order). */
function centredFromGram(values: readonly HostArray[], n: number, d: number): CorrelationResult {
  const mu = values[values.length - 1]
  const g = sumF64(values.slice(0, -1), n * n)
  const norms = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const ss = g[i * n + i]
    const floor = d * (1e-6 * mu[i]) ** 2
    norms[i] = ss > 0 && ss > floor ? Math.sqrt(ss) : 0
  }
  return correlationFromGram(g, norms, n)
}

export interface ResponsePassInput {
  space: string
  mode: ProxyMode
  def: NetworkDef
  params: ParamStore
  batch: Batch
  /**
   * 'auto' (default): checkpoint (unit-by-unit forward, recompute in the
   * backward; nn/run-checkpointed.ts) when the plain pass's estimated peak
   * exceeds the backend's memory budget; 'on' / 'off' force it. Scores are
   * bit-identical either way.
   */
  checkpoint?: CheckpointMode
}

/** The last pass's checkpointing decision (diagnostics for benches and logs; never read by the engine). */
export const lastResponsePass: { decision?: CheckpointDecision } = {}

/** Extra outputs of the shared pass. */
export interface ResponsePassExtras {
  /**
   * Also differentiate Σ logits w.r.t. the input (JacCor's Jacobian, see
   * input-jacobian.ts) from the SAME forward: called once with that gradient
   * (valid during the call only). Costs one extra backward, saves a forward.
   */
  onInputJacobian?: (grad: tf.Tensor) => unknown
}

/**
 * Runs the shared pass once and returns each consumer's `finish()` score, in
 * order. The per-call correlation matrices reach the consumers in call order,
 * during the pass on synchronous backends and right after it on webgpu (from
 * one batched read: `HostReads`).
 */
export async function runResponsePass(input: ResponsePassInput, consumers: readonly ResponseConsumer[], extras: ResponsePassExtras = {}): Promise<number[]> {
  const host = new HostReads()
  try {
    return await responsePass(input, consumers, extras, host)
  } finally {
    host.dispose()
  }
}

async function responsePass(input: ResponsePassInput, consumers: readonly ResponseConsumer[], extras: ResponsePassExtras, host: HostReads): Promise<number[]> {
  const { space, mode, def, params, batch } = input
  const wantA = consumers.some((c) => c.wantsActivationCorr)
  const wantG = consumers.some((c) => c.wantsGradientCorr)
  const rawF = consumers.some((c) => c.onForward !== undefined)
  const rawB = consumers.some((c) => c.onBackward !== undefined)
  // a node feeding k conv edges is k ReLU calls on the same tensor: each call
  // still counts (reference), but its activation matrix is computed once
  const actCache = new WeakMap<object, { corr?: CorrelationResult }>()
  // reference mode: conv layer name → the ReLU call whose hooked container ends at that conv's BN
  const containers = new Map<string, ReluCall>()
  const onReluForward: TfOpsHooks['onReluForward'] = wantA || rawF || (wantG && mode === 'reference')
    ? (call, pre, post) => {
        if (!isResponseCall(space, mode, call.tag)) return
        const layer = containerLayerOf(mode, call.tag)
        if (layer !== undefined) containers.set(layer, call)
        const act = activationOf(mode, call.tag, pre, post)
        if (wantA) {
          const key = (act as unknown as { dataId: object }).dataId
          const give = (cl: ReluCall, corr: CorrelationResult): void => {
            for (const c of consumers) if (c.wantsActivationCorr) c.onActivationCorr?.(cl, corr)
          }
          let entry = actCache.get(key)
          if (entry === undefined) {
            const e: { corr?: CorrelationResult } = {}
            entry = e
            actCache.set(key, e)
            deferRowCorrelation(host, act, (corr) => {
              e.corr = corr
              give(call, corr)
            })
          } else {
            // the same tensor again: its matrix, handed over at this call's place in the call order
            const e = entry
            host.defer([], () => give(call, e.corr!))
          }
          // the container's forward hook fires right after (nothing hooked in between) and sees the same
          // tensor (an in-place inner ReLU would have overwritten the container's input too)
          if (containerLayerOf(mode, call.tag) !== undefined) {
            const e = entry
            host.defer([], () => give(call, e.corr!))
          }
        }
        if (rawF) for (const c of consumers) c.onForward?.(call, { pre, post, act }, host)
      }
    : undefined
  const onReluBackward: TfOpsHooks['onReluBackward'] = wantG || rawB
    ? (call, grad) => {
        if (!isResponseCall(space, mode, call.tag)) return
        if (wantG) {
          deferRowCorrelation(host, grad, (corr) => {
            for (const c of consumers) if (c.wantsGradientCorr) c.onGradientCorr?.(call, corr)
          })
        }
        if (rawB) for (const c of consumers) c.onBackward?.(call, grad, host)
      }
    : undefined
  // reference mode: a hooked container's legacy backward hook = ∂L/∂(its BN input) = ∂L/∂(its conv's output)
  const onLayerBackward: TfOpsHooks['onLayerBackward'] = wantG && mode === 'reference'
    ? (info, grad) => {
        const call = containers.get(info.name)
        if (call === undefined) return
        deferRowCorrelation(host, grad, (corr) => {
          for (const c of consumers) if (c.wantsGradientCorr) c.onGradientCorr?.(call, corr)
        })
      }
    : undefined
  const jac = extras.onInputJacobian
  const backwards: BackwardSpec[] = onReluBackward !== undefined ? [{ loss: 'ce', hooks: { onReluBackward, onLayerBackward } }] : []
  if (jac !== undefined) backwards.push({ loss: 'sumLogits', inputGrad: true })
  const decision = decideCheckpoint(input.checkpoint, def, {
    batchSize: batch.shape[0],
    backwards: backwards.length,
    reluHooks: onReluForward !== undefined || onReluBackward !== undefined,
    bn: 'train',
  })
  lastResponsePass.decision = decision
  if (decision.checkpoint || jac !== undefined) {
    const o = { bn: 'train' as const, forwardHooks: { onReluForward }, backwards }
    const r = decision.checkpoint ? await forwardMultiBackwardCheckpointed(def, params, batch, { ...o, plan: decision.estimate.segments, separateSweeps: decision.separateSweeps }) : await forwardMultiBackward(def, params, batch, o)
    const g = jac !== undefined ? r.inputGrads[r.inputGrads.length - 1] : undefined
    try {
      await host.flush()
      if (g !== undefined) await jac!(g)
    } finally {
      for (const t of r.inputGrads) t?.dispose()
    }
    return consumers.map((c) => c.finish())
  }
  const res = await forwardBackward(def, params, batch, {
    bn: 'train',
    loss: 'ce',
    wrt: onReluBackward !== undefined ? 'input' : 'none',
    hooks: { onReluForward, onReluBackward, onLayerBackward },
  })
  res.inputGrad?.dispose()
  await host.flush()
  return consumers.map((c) => c.finish())
}
