/**
 * Every registered proxy through `computeProxies` on the webgpu backend
 * (SwiftShader adapter) against the wasm backend (the production CPU backend;
 * the pure-JS cpu backend is the op-level reference in ops.test.ts and is too
 * slow for every proxy), on a tiny NB201 network
 * (4×4 input, batch 4 — SwiftShader is a CPU rasteriser: correctness only;
 * each new shader compiles once per process, which dominates the runtime),
 * and three NB201 cells ranked the same by WRCor and SynFlow on both.
 *
 * Tolerance: |webgpu − wasm| ≤ tol · max(1, |wasm|), tol = 1e-3 by default.
 * The backends differ in float32 reduction order only (~1e-6 relative on each
 * Gram/gradient entry, see ops.test.ts); the proxies combine those in float64
 * (correlations, log-determinants, sums of logs), which keeps a well-
 * conditioned 4×4 problem's error near 1e-5 — 1e-3 leaves a wide margin and
 * still catches a wrong term. Wider, with the reason:
 * - grasp 5e-2: a finite difference of two gradients at a relative step of
 *   1e-4 divides the ~1e-6 backend difference by the step (→ ~1e-2);
 * - epads, naswot, bndlent: exact counts over sign codes / equal outputs; an
 *   activation within float32 round-off of 0 can flip one bit of a code, so
 *   1e-2 (one flipped bit of a few hundred moves the log-sum by < 1e-2).
 * Both non-finite and equal (−Infinity, NaN) count as agreeing.
 * Skipped with the reason when the `webgpu` package, the Vulkan loader or an ICD is absent.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { webgpuSkipReason } from './available'
import { computeProxies, listProxies } from '../../../src/engine/proxies'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { disposeParams, materializeParams } from '../../../src/engine/nn/params'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef } from '../../../src/engine/core/network'

/**
 * Opt-in (ZSNAS_WEBGPU_PROXY_TESTS=1): on the development machine (2 cores, load ≈ 25) this file did not finish
 * within 590 s — SwiftShader compiles and runs every NB201 kernel on the CPU — so it is not part of the default run
 * yet and has not been seen passing; the must-show comparison (README) was measured with the CLI instead.
 */
const skip = process.env.ZSNAS_WEBGPU_PROXY_TESTS === '1'
  ? webgpuSkipReason()
  : 'opt-in: set ZSNAS_WEBGPU_PROXY_TESTS=1 (SwiftShader runs every NB201 kernel on the CPU; > 590 s on the dev machine)'

const TOL: Record<string, number> = { grasp: 5e-2, epads: 1e-2, naswot: 1e-2, bndlent: 1e-2 }

const CELLS = [
  '|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|',
  '|nor_conv_1x1~0|+|nor_conv_3x3~0|skip_connect~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|',
  '|avg_pool_3x3~0|+|skip_connect~0|none~1|+|none~0|avg_pool_3x3~1|skip_connect~2|',
]

function tinyNb201(arch: string): NetworkDef {
  return buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 4 })
}

function batchFor(def: NetworkDef, n: number, seed: number): Batch {
  const [h, w, c] = def.inputShape
  const r = new Rng(seed)
  return {
    x: Float32Array.from({ length: n * h * w * c }, () => r.normal()),
    shape: [n, h, w, c],
    labels: Int32Array.from({ length: n }, (_, i) => (3 * i) % def.numClasses),
    numClasses: def.numClasses,
  }
}

async function scores(backend: string, arch: string, ids: string[]): Promise<Record<string, number>> {
  await tf.setBackend(backend)
  const def = tinyNb201(arch)
  const params = materializeParams(def, 'pytorch', new Rng(1))
  try {
    const r = await computeProxies(ids, { space: 'nb201', def, params, batch: batchFor(def, 4, 2), init: 'pytorch', seed: 3 })
    return r.scores
  } finally {
    disposeParams(params)
  }
}

function agree(id: string, got: number, want: number): void {
  if (!Number.isFinite(want) || !Number.isFinite(got)) {
    expect(String(got), `${id}: webgpu ${got} vs wasm ${want}`).toBe(String(want))
    return
  }
  const tol = (TOL[id] ?? 1e-3) * Math.max(1, Math.abs(want))
  expect(Math.abs(got - want), `${id}: webgpu ${got} vs wasm ${want} (tolerance ${tol})`).toBeLessThanOrEqual(tol)
}

describe.skipIf(skip !== undefined)(`proxies: webgpu (SwiftShader) = wasm on a tiny NB201 net${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const { initBackend } = await import('../../../src/engine/backend/select')
    await initBackend({ force: 'webgpu', log: () => undefined })
  })

  it('every registered proxy agrees within its stated tolerance', async () => {
    const ids = listProxies().map((p) => p.id)
    expect(ids.length).toBeGreaterThanOrEqual(20)
    const want = await scores('wasm', CELLS[0], ids)
    const got = await scores('webgpu', CELLS[0], ids)
    for (const id of ids) agree(id, got[id], want[id])
  }, 600_000)

  it('three NB201 cells: WRCor and SynFlow rank them the same on webgpu and wasm', async () => {
    const order = (v: number[]): number[] => v.map((_, i) => i).sort((a, b) => v[b] - v[a])
    const cpu: Record<string, number>[] = []
    const gpu: Record<string, number>[] = []
    for (const a of CELLS) cpu.push(await scores('wasm', a, ['wrcor', 'synflow']))
    for (const a of CELLS) gpu.push(await scores('webgpu', a, ['wrcor', 'synflow']))
    for (const id of ['wrcor', 'synflow']) {
      expect(order(gpu.map((s) => s[id])), id).toEqual(order(cpu.map((s) => s[id])))
      cpu.forEach((s, i) => agree(id, gpu[i][id], s[id]))
    }
  }, 600_000)
})
