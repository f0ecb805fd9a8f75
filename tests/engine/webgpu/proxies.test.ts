/**
 * Every registered proxy through `computeProxies` on the webgpu backend
 * (SwiftShader adapter: ZSNAS_BACKEND=webgpu semantics) against the cpu
 * backend (the op-level reference of ops.test.ts), on the NB201 builder's
 * network at a 4×4 input, C = 4, one cell per stage (fixtures' `TEST_WIDTH`:
 * stem, cell, reduction, cell, reduction, cell, head — every kernel of the
 * benchmark's 17-block network), batch 4 — same weights (Rng(1)), same batch,
 * one call per backend so all response proxies share one pass (SwiftShader is
 * a CPU rasteriser: this proves kernels, not speed). Runs in CI by default.
 *
 * Tolerance per proxy: |webgpu − cpu| ≤ rel · |cpu| + abs. The backends run
 * the same float32 kernels in a different reduction order (≈ 6e-6 relative
 * per op output, ops.test.ts); how far that moves a proxy depends on what it
 * does with those values. The bounds were set with a margin from the
 * differences measured on the benchmark's depth and width (C = 16, 5 cells
 * per stage; 2026-12-06, SwiftShader 5.0.0) — first number in brackets — and
 * are kept for the test network, where the differences are smaller (second
 * number, re-measured 2026-12-06 on C = 4, 1 cell per stage):
 * - params, flops: shape counts, exact (0) [0; 0].
 * - epads, naswot, bndlent: counts over sign codes / equal outputs [0; 0];
 *   an activation within round-off of 0 could flip one bit of a code,
 *   which moves the log-sum by < 1e-2 relative → rel 1e-2.
 * - wrcor, rcor, acor, gcor (float64 correlation + log-det of 4×4 matrices of
 *   well-conditioned responses) [≤ 5e-6; ≤ 2e-7] → rel 1e-4.
 * - synflow (log-scaled, batch-1, no BN) [8e-10; 1.2e-8] → rel 1e-6.
 * - pnorm, lydyniso, phi (norms / log singular values of weights and
 *   features) [≤ 9e-6; ≤ 8.1e-6] → rel 1e-4.
 * - jaccor, bt (log-eigenvalues / log-dets of 4×4 Jacobian or output
 *   correlations, which amplify float32 round-off by the condition number)
 *   [≤ 7e-5; ≤ 4.8e-6] → rel 1e-3.
 * - snip, gradnorm, fisher, zen, netsens, epe (gradient magnitudes of the CE
 *   loss through training-mode BN): the last stage's BN normalises over
 *   N·H·W = 4 values (4×4 input → 1×1 after two reductions), so its 1/σ
 *   amplifies the backward's round-off [0.9–2.2e-3; ≤ 2.2e-5] → rel 1e-2.
 * - zico (log of mean/std over the 4 per-sample gradients, where the std of
 *   near-equal values cancels) [1.9e-2; 4.7e-5] → rel 1e-1.
 * - grasp (a finite difference of two gradients at a relative step of 1e-4
 *   divides the gradient round-off above by the step) [7.5e-2; 1.8e-5] →
 *   rel 2e-1; it still catches a wrong sign or a missing Hessian term (≥ 1).
 * Two non-finite values must be equal (−Infinity, NaN).
 *
 * Kernels SwiftShader cannot run: none among the proxies' kernels (every
 * proxy scores here). The one known failure — tfjs-backend-webgpu 4.22's Pad
 * of a rank-6 tensor ("cannot index type 'vec6'"), which the engine avoids
 * (nn/ops/spread.ts) — is asserted in kernels.test.ts.
 *
 * Skipped with the reason when the `webgpu` package, the Vulkan loader or an ICD is absent.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { webgpuSkipReason } from './available'
import { expectAgree, scoreOn, smallNetwork, type Tolerance } from './fixtures'
import { listProxies } from '../../../src/engine/proxies'

const skip = webgpuSkipReason()

const TOL: Record<string, Tolerance> = {
  params: { rel: 0, abs: 0 },
  flops: { rel: 0, abs: 0 },
  epads: { rel: 1e-2, abs: 0 },
  naswot: { rel: 1e-2, abs: 0 },
  bndlent: { rel: 1e-2, abs: 0 },
  wrcor: { rel: 1e-4, abs: 0 },
  rcor: { rel: 1e-4, abs: 0 },
  acor: { rel: 1e-4, abs: 0 },
  gcor: { rel: 1e-4, abs: 0 },
  synflow: { rel: 1e-6, abs: 0 },
  pnorm: { rel: 1e-4, abs: 0 },
  lydyniso: { rel: 1e-4, abs: 0 },
  phi: { rel: 1e-4, abs: 0 },
  jaccor: { rel: 1e-3, abs: 0 },
  bt: { rel: 1e-3, abs: 0 },
  snip: { rel: 1e-2, abs: 0 },
  gradnorm: { rel: 1e-2, abs: 0 },
  fisher: { rel: 1e-2, abs: 0 },
  zen: { rel: 1e-2, abs: 0 },
  netsens: { rel: 1e-2, abs: 0 },
  epe: { rel: 1e-2, abs: 0 },
  zico: { rel: 1e-1, abs: 0 },
  grasp: { rel: 2e-1, abs: 0 },
}

const CELL = '|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|'

describe.skipIf(skip !== undefined)(`proxies: webgpu (SwiftShader) = cpu on a small NB201 network${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const { initBackend } = await import('../../../src/engine/backend/select')
    await initBackend({ force: 'webgpu', log: () => undefined })
  })

  it('every registered proxy has a stated tolerance', () => {
    const ids = listProxies().map((p) => p.id)
    expect(ids.length).toBeGreaterThanOrEqual(23)
    expect(ids.filter((id) => TOL[id] === undefined), 'proxies without a tolerance here').toEqual([])
  })

  it('every registered proxy agrees within its stated tolerance', async () => {
    const ids = listProxies().map((p) => p.id)
    const def = smallNetwork('nb201', CELL)
    const want = await scoreOn('cpu', 'nb201', def, ids)
    const got = await scoreOn('webgpu', 'nb201', def, ids)
    for (const id of ids) {
      expect(Number.isNaN(want.scores[id]), `${id} on cpu`).toBe(false)
      expectAgree(id, got.scores[id], want.scores[id], TOL[id])
    }
  }, 900_000)
})
