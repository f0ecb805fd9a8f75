/**
 * BndlEnt — bundle entropy of conflicting bundles (Peer, Stabinger,
 * Rodríguez-Sánchez 2021; reference `bundle_entropy.py` of the WRCor code
 * base, notes §3 and reference-implementation table; read for facts only).
 *
 * Protocol (reference): the network in EVAL mode — BN uses the running
 * statistics of a fresh network (mean 0, variance 1) — and one forward pass
 * of the scoring batch (N samples, true labels), no gradient. For every
 * top-level unit u (`Ops.unitOutput`: NB201 the 17 cells, NB101 the 12
 * layers, MobileNetV2 the 9 blocks) with output a (flattened per sample):
 *   e = amp − a·lr·(1/N)   in float32, lr = 1e-3, amp = max |θ| over all
 *                          parameters (BN γ = 1 included);
 *   samples whose rows of e are exactly equal form a bundle (float32
 *   resolution makes outputs closer than ≈ amp·2⁻²⁴·N/lr coincide);
 *   H_u = (1/N) Σ_bundles max(0, H_b)·|b|, where H_b = −Σ_k p_k·ln(p_k + 1e-5)
 *   over the class counts of the bundle's members — with the reference's
 *   quirk that the N − |b| non-members are counted as class 0 (its
 *   `bincount(Y·mask)`), so p sums to 1 over the whole batch.
 * Score = −mean_u H_u. Higher = better (fewer samples collapsed into the same
 * output with mixed labels).
 *
 * Option `bn` (default 'eval', the reference code as the method notes state
 * it): 'train' runs the forward with batch statistics instead. Measured on
 * NB201 CIFAR-10, the first 300 benchmark cells: ρ −0.071 with 'eval', +0.168
 * with 'train' (paper: +0.199 on the first 1000, ours with 'eval' −0.158), so
 * the paper's number looks like batch-statistics BN; the option lets a user
 * reproduce either (docs/proxies.md).
 *
 * Interpretations: H_b is accumulated in float64 (the reference uses
 * float32; the difference is ≈ 1e-7 relative and cannot reorder bundles); a
 * row containing NaN equals no row, itself included (as `x == X`), so it is a
 * bundle of its own that contributes 0; +0 and −0 are equal.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Batch } from '../core/data'
import type { NetworkDef } from '../core/network'
import { ZsnasError } from '../core/errors'
import { resolveOptions } from '../core/options'
import type { ParamStore } from '../nn/params'
import { forwardBackward } from '../nn/run'
import { HostReads, readAndDispose } from '../backend/read'
import type { ProxyOptionSpec, StandaloneProxyDef } from './types'

/** The reference's "learning rate" γ of the equality check. */
export const BNDLENT_LR = 1e-3

/** max |θ| over every parameter tensor (float32 values, as the reference's `.item()`). */
export async function weightAmplitude(params: ParamStore): Promise<number> {
  const ts = [...params.values()]
  if (ts.length === 0) return 0
  const m = tf.tidy(() => tf.max(tf.stack(ts.map((t) => tf.max(tf.abs(t))))))
  return (await readAndDispose([m]))[0][0]
}

/** e = amp − a·lr·(1/N), each step rounded to float32 as the reference's float32 tensor arithmetic. */
export function equalityCheck(a: ArrayLike<number>, amp: number, n: number, lr = BNDLENT_LR): Float32Array {
  const f = Math.fround
  const lr32 = f(lr)
  const invN = f(1 / n)
  const amp32 = f(amp)
  const out = new Float32Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = f(amp32 - f(f(a[i] * lr32) * invN))
  return out
}

function hashRow(bits: Uint32Array, from: number, d: number): number {
  let h = 0x811c9dc5
  for (let k = from; k < from + d; k++) {
    const w = bits[k] === 0x80000000 ? 0 : bits[k] // −0 hashes like +0
    h = Math.imul(h ^ w, 0x01000193)
  }
  return h >>> 0
}

function rowsEqual(e: Float32Array, i: number, j: number, d: number): boolean {
  for (let k = 0; k < d; k++) if (e[i * d + k] !== e[j * d + k]) return false
  return true
}

function hasNaN(e: Float32Array, i: number, d: number): boolean {
  for (let k = i * d; k < (i + 1) * d; k++) if (e[k] !== e[k]) return true
  return false
}

/**
 * Bundles of the N rows of `e` (row-major, N × d) and their size-weighted
 * entropy (1/N) Σ_b max(0, H_b)·|b| with the reference's class-0 quirk.
 */
export function bundleEntropy(e: Float32Array, n: number, labels: ArrayLike<number>, numClasses: number): { bundles: number; entropy: number } {
  if (n < 1 || e.length % n !== 0) throw new ZsnasError('BAD_SHAPE', `bundle entropy: ${e.length} values do not split into ${n} rows`)
  if (labels.length !== n) throw new ZsnasError('BAD_SHAPE', `bundle entropy: ${labels.length} labels for ${n} rows`)
  const d = e.length / n
  const bits = new Uint32Array(e.buffer, e.byteOffset, e.length)
  const byHash = new Map<number, number[][]>()
  const bundles: number[][] = []
  for (let i = 0; i < n; i++) {
    if (hasNaN(e, i, d)) {
      bundles.push([]) // a bundle with no member (not even itself): contributes 0
      continue
    }
    const h = hashRow(bits, i * d, d)
    const sameHash = byHash.get(h) ?? []
    const b = sameHash.find((m) => rowsEqual(e, m[0], i, d))
    if (b) b.push(i)
    else {
      const nb = [i]
      sameHash.push(nb)
      byHash.set(h, sameHash)
      bundles.push(nb)
    }
  }
  let sum = 0
  const counts = new Float64Array(numClasses)
  for (const b of bundles) {
    if (b.length === 0) continue
    counts.fill(0)
    counts[0] = n - b.length
    for (const j of b) {
      const y = labels[j]
      if (!Number.isInteger(y) || y < 0 || y >= numClasses) throw new ZsnasError('BAD_VALUE', `bundle entropy: label ${y} outside 0..${numClasses - 1}`)
      counts[y] += 1
    }
    let h = 0
    for (const c of counts) {
      const p = c / n
      h -= p * Math.log(p + 1e-5)
    }
    sum += Math.max(0, h) * b.length
  }
  return { bundles: bundles.length, entropy: sum / n }
}

export interface BndlEntResult {
  score: number
  /** per unit, in order: number of bundles and H_u */
  units: { unit: number; bundles: number; entropy: number }[]
  amplitude: number
}

export const BNDLENT_OPTIONS: readonly ProxyOptionSpec[] = [
  {
    key: 'bn',
    label: 'BndlEnt BatchNorm',
    description: "'eval': a fresh net's running statistics (the reference code); 'train': batch statistics (what the paper's ρ 0.199 looks like)",
    type: 'enum',
    default: 'eval',
    choices: [
      { value: 'eval', label: 'eval mode (reference code)' },
      { value: 'train', label: 'batch statistics' },
    ],
  },
]

function bnOption(raw: Record<string, unknown>): 'eval' | 'train' {
  return resolveOptions(BNDLENT_OPTIONS, raw, 'bndlent').bn as 'eval' | 'train'
}

/** Runs the forward (BN in `bn` mode, default eval) and returns −mean_u H_u with its per-unit terms. */
export async function bndlEnt(def: NetworkDef, params: ParamStore, batch: Batch, bn: 'eval' | 'train' = 'eval'): Promise<BndlEntResult> {
  const n = batch.shape[0]
  const amplitude = await weightAmplitude(params)
  const units: BndlEntResult['units'] = []
  const host = new HostReads()
  try {
    await forwardBackward(def, params, batch, {
      bn,
      loss: 'sumLogits', // nothing is differentiated (wrt 'none'); labels are read below, not by a loss
      wrt: 'none',
      hooks: {
        onUnitOutput(unit, out) {
          host.defer([tf.clone(out)], ([v]) => {
            const e = equalityCheck(v, amplitude, n)
            units.push({ unit, ...bundleEntropy(e, n, batch.labels, def.numClasses) })
          })
        },
      },
    })
    await host.flush()
  } finally {
    host.dispose()
  }
  if (units.length === 0) throw new ZsnasError('INTERNAL', `BndlEnt: network '${def.name}' marks no top-level unit`)
  return { score: -units.reduce((s, u) => s + u.entropy, 0) / units.length, units, amplitude }
}

export const bndlentProxy: StandaloneProxyDef = {
  kind: 'standalone',
  id: 'bndlent',
  label: 'BndlEnt',
  description: '−mean over top-level units of the label entropy of conflicting bundles (outputs equal at float32 resolution), eval-mode BN, forward only (reference bundle_entropy)',
  needsLabels: true,
  needsBackward: false,
  higherIsBetter: true,
  paperRho: { cifar10: 0.199 },
  options: BNDLENT_OPTIONS,
  compute: async (ctx) => (await bndlEnt(ctx.def, ctx.params, ctx.batch, bnOption(ctx.options))).score,
}
