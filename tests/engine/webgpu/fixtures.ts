/**
 * Shared pieces of the webgpu-vs-cpu proxy tests: the small networks (the
 * spaces' own builders at small resolution / small channel counts), the
 * seeded batch, scoring one network on a named backend from the same
 * weights and batch, and the stated tolerance check.
 *
 * Same weights on both backends: parameters are materialised from the same
 * seeded Rng on each backend (host-side draws, then uploaded), and the batch
 * is the same host array — only the kernels differ.
 */
import { expect } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { computeProxies, type ComputeProxiesResult } from '../../../src/engine/proxies'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { buildNb101Network, nb101FromString } from '../../../src/engine/spaces/nb101'
import { buildMbv2Network } from '../../../src/engine/spaces/mbv2/network'
import { mbv2FromString } from '../../../src/engine/spaces/mbv2/arch'
import { disposeParams, materializeParams } from '../../../src/engine/nn/params'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef } from '../../../src/engine/core/network'
import type { CheckpointMode } from '../../../src/engine/nn/checkpoint-policy'

export type SpaceId = 'nb201' | 'nb101' | 'mbv2'

/**
 * Width and depth of the NB201 and NB101 test networks (the builders' own
 * options, nb201/network.ts and nb101/network.ts; defaults = the benchmarks'
 * networks). On SwiftShader a scoring's CPU time is set by the number of
 * kernel dispatches (≈ 3.5 CPU-ms each, measured: NB201 WRCor pass 2,856
 * dispatches, 8.5 CPU-s at C = 16 and 8.7 CPU-s at C = 4), so the NB201 test
 * network has one cell per stage (5 blocks instead of 17: every kernel of a
 * stage, a reduction and the classifier head still runs) and narrow channels
 * (SynFlow's cost does scale with width: 15 → 5.6 CPU-s from C = 16 to 4).
 * Both widths are multiples of 4, so tfjs-webgpu picks the same vec4 kernel
 * variants as at the benchmarks' widths.
 */
export const TEST_WIDTH = { nb201: { channels: 4, cellsPerStage: 1 }, nb101: { channels: 8 } } as const

/**
 * The network of `arch` in `space`, scaled down: NB201 (C = 4: 4/8/16
 * channels, 1 cell per stage) and NB101 (stem 8: 8/16/32 channels, 3 × 3
 * cells) at a 4×4 input, `TEST_WIDTH`; MobileNetV2 from an arch string with
 * small channel counts at its own (small) resolution, fed a 4×4 image
 * (resized inside, as the space does).
 */
export function smallNetwork(space: SpaceId, arch: string): NetworkDef {
  if (space === 'nb201') return buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 4, ...TEST_WIDTH.nb201 })
  if (space === 'nb101') return buildNb101Network(nb101FromString(arch), { numClasses: 10, inputSize: 4, ...TEST_WIDTH.nb101 }, arch)
  return buildMbv2Network(mbv2FromString(arch), { numClasses: 10, inputSize: 4 })
}

/** A batch of n N(0,1) images of the network's input shape, labels 3i mod classes. */
export function seededBatch(def: NetworkDef, n: number, seed: number): Batch {
  const [h, w, c] = def.inputShape
  const r = new Rng(seed)
  return {
    x: Float32Array.from({ length: n * h * w * c }, () => r.normal()),
    shape: [n, h, w, c],
    labels: Int32Array.from({ length: n }, (_, i) => (3 * i) % def.numClasses),
    numClasses: def.numClasses,
  }
}

export interface ScoreOptions {
  batchSize?: number
  checkpoint?: CheckpointMode
  /** score only rows [start, end) of the seeded batch */
  slice?: [number, number]
}

/** Scores `def` on `backend` (which becomes the active one) with Rng(1) weights and the seeded batch. */
export async function scoreOn(backend: string, space: SpaceId, def: NetworkDef, ids: string[], o: ScoreOptions = {}): Promise<ComputeProxiesResult> {
  await tf.setBackend(backend)
  const params = materializeParams(def, 'pytorch', new Rng(1))
  let batch = seededBatch(def, o.batchSize ?? 4, 2)
  if (o.slice !== undefined) {
    const [a, b] = o.slice
    const per = batch.x.length / batch.shape[0]
    batch = { ...batch, x: batch.x.slice(a * per, b * per), shape: [b - a, ...batch.shape.slice(1)] as Batch['shape'], labels: batch.labels.slice(a, b) }
  }
  try {
    return await computeProxies(ids, { space, def, params, batch, init: 'pytorch', seed: 3, checkpoint: o.checkpoint })
  } finally {
    disposeParams(params)
  }
}

/** A stated tolerance: |webgpu − cpu| ≤ rel · |cpu| + abs. */
export interface Tolerance {
  rel: number
  abs: number
}

/**
 * Checks |webgpu − cpu| ≤ tol.rel · |cpu| + tol.abs; two non-finite values must
 * be the same (−Infinity, NaN).
 */
export function expectAgree(id: string, got: number, want: number, tol: Tolerance, where = ''): void {
  if (!Number.isFinite(want) || !Number.isFinite(got)) {
    expect(String(got), `${id}${where}: webgpu ${got} vs cpu ${want}`).toBe(String(want))
    return
  }
  const bound = tol.rel * Math.abs(want) + tol.abs
  expect(Math.abs(got - want), `${id}${where}: webgpu ${got} vs cpu ${want} (tolerance ${bound})`).toBeLessThanOrEqual(bound)
}

/** Indices of `v`, best (largest) first. */
export function order(v: readonly number[]): number[] {
  return v.map((_, i) => i).sort((a, b) => v[b] - v[a])
}
