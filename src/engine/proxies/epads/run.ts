/**
 * One ePADS evaluation of an initialised network (method notes §7; public
 * code HuangJunh/ePADS `score_function/Product.py`, read for facts only).
 *
 *   input  = [x; x + ε]  (2B samples, ONE forward pass, BN in training mode,
 *            so both halves share the batch statistics), forward only: no
 *            labels, no loss gradient, no backward;
 *   per counted ReLU call h: D₁(h) = Σ|c − c_π(h)|, D₂(h) = Σ|c̃ − c|
 *            (see ./terms.ts), one fresh seeded permutation π(h) per call;
 *   score  = log Σ_h D₁(h)·D₂(h)   (natural log; −Infinity if the sum is 0).
 *
 * Which ReLU calls count: exactly the calls the WRCor family reads in the
 * same mode (`isResponseCall`): in 'paper' mode every ReLU call of the
 * network (a node feeding k conv edges is k calls, each with its own
 * permutation — the reference registers a forward hook on every ReLU module
 * and draws `torch.randperm` inside each hook call); in 'reference' mode the
 * sites the reference hook filter caught (MobileNetV2: SE ReLUs only). The
 * in-place quirk of NB201's last ReLU cannot change ePADS: codes of the
 * pre- and post-activation map are identical.
 *
 * Guarantees: deterministic for fixed inputs, noise and `permRng` state;
 * the per-call terms are exact integers accumulated in float64; every tensor
 * created here is freed before returning (the caller's params untouched).
 */
import type { NetworkDef, ReluTag } from '../../core/network'
import type { Rng } from '../../core/rng'
import { ZsnasError } from '../../core/errors'
import type { ParamStore } from '../../nn/params'
import { forwardBackward } from '../../nn/run'
import { epadsLayerTerms, epadsRowsTf, epadsScoreFromSum, epadsTermsFromRows, randomPermutation, type EpadsCodeCache } from './terms'
import { canReadSync, HostReads } from '../../backend/read'
import { stackPerturbed } from './input'

export interface EpadsRunInput {
  def: NetworkDef
  params: ParamStore
  /** the clean batch, NHWC float32, already normalised: B × H × W × C values */
  x: Float32Array
  /** B, the number of clean samples */
  batchSize: number
  /** ε, one value per element of x (tests inject it; the proxy draws N(0, σ²)) */
  noise: Float32Array
  /** source of the per-call sample permutations (one uniform permutation per counted call, in call order) */
  permRng: Rng
  /**
   * Explicit permutations for the counted calls, in call order (tests inject
   * them); when given, `permRng` is not used and a missing entry is an error.
   */
  permutations?: readonly Int32Array[]
  /** which ReLU calls count (default: all) */
  include?: (tag: ReluTag) => boolean
}

/** Terms of one counted ReLU call, in forward order. */
export interface EpadsLayerRecord {
  /** 0-based index of the ReLU call in the forward pass */
  index: number
  tag: ReluTag
  d1: number
  d2: number
}

export interface EpadsResult {
  /** log(Σ D₁·D₂); −Infinity when the sum is 0 */
  score: number
  /** Σ_h D₁(h)·D₂(h) in float64 */
  sum: number
  layers: EpadsLayerRecord[]
  /** number of distinct ReLU input tensors among the counted calls (NB201: a node feeding k conv edges is 1 tensor, k calls) */
  distinctInputs: number
}

/**
 * Runs the single clean+perturbed forward pass and returns the ePADS score
 * with its per-call terms. On backends with synchronous reads each call's
 * codes are packed from the activations in the hook (wasm: in place); on
 * webgpu each call's 2B Hamming row counts are computed on the device
 * (`epadsRowsTf`, exact integers) and read once after the pass — the same
 * terms, summed in the same order.
 */
export async function runEpads(input: EpadsRunInput): Promise<EpadsResult> {
  const { def, params, x, batchSize: b, noise, permRng } = input
  const [h, w, c] = def.inputShape
  if (!Number.isInteger(b) || b < 1) throw new ZsnasError('INVALID_OPTION', `ePADS batch size must be a positive integer, got ${b}`)
  if (x.length !== b * h * w * c) {
    throw new ZsnasError('BAD_SHAPE', `ePADS clean batch has ${x.length} values, expected ${b}×${h}×${w}×${c} for network '${def.name}'`)
  }
  const stacked = stackPerturbed(x, noise)
  const nextPermutation = (k: number): Int32Array => {
    if (input.permutations === undefined) return randomPermutation(b, permRng)
    const p = input.permutations[k]
    if (p === undefined || p.length !== b) {
      throw new ZsnasError('INVALID_OPTION', `ePADS: no permutation of length ${b} given for counted ReLU call #${k}`)
    }
    return p
  }
  const layers: EpadsLayerRecord[] = []
  const cache: EpadsCodeCache = new WeakMap()
  const seen = new WeakSet<object>()
  let distinctInputs = 0
  let sum = 0
  const host = new HostReads()
  const onDevice = !canReadSync()
  try {
  await forwardBackward(
    def,
    params,
    { x: stacked, shape: [2 * b, h, w, c], labels: new Int32Array(2 * b), numClasses: def.numClasses },
    {
      bn: 'train',
      loss: 'sumLogits', // no labels are read; with wrt 'none' nothing is differentiated
      wrt: 'none',
      hooks: {
        onReluForward(call, pre) {
          if (input.include !== undefined && !input.include(call.tag)) return
          const perm = nextPermutation(layers.length)
          const key = (pre as unknown as { dataId: object }).dataId
          if (!seen.has(key)) {
            seen.add(key)
            distinctInputs++
          }
          const record = (t: { d1: number; d2: number }): void => {
            layers.push({ index: call.index, tag: call.tag, d1: t.d1, d2: t.d2 })
            sum += t.d1 * t.d2
          }
          if (onDevice) host.defer([epadsRowsTf(pre, perm)], ([r]) => record(epadsTermsFromRows(r, b)))
          else record(epadsLayerTerms(pre, perm, cache))
        },
      },
    },
  )
  await host.flush()
  } finally {
    host.dispose()
  }
  return { score: epadsScoreFromSum(sum), sum, layers, distinctInputs }
}
