/**
 * The same architectures ranked the same on webgpu (SwiftShader adapter) and
 * on the CPU (the wasm backend: the production CPU path; see `scoresOn`) by WRCor and by the SJW vote (SynFlow + JacCor + WRCor, majority
 * comparator → Copeland ranking, proxies/voting), with every member score
 * within its tolerance — for 4 architectures of each space, on scaled-down
 * networks built by the spaces' own builders (fixtures' `TEST_WIDTH`: nb201 at
 * C = 4 with 1 cell per stage, nb101 at stem width 8 with its 9 cells, both at
 * a 4×4 input; MobileNetV2 strings with 4–64 channels, one layer per stage, at
 * 4–8 px).
 * Same weights (Rng(1)) and batch (4 images) on both backends.
 *
 * Tolerances (relative to the wasm score; why: proxies.test.ts): WRCor 1e-4,
 * SynFlow 1e-6, JacCor 1e-3. The architectures were picked so that
 * neighbouring WRCor scores are > 10× the WRCor tolerance apart — asserted,
 * so an equal order means the kernels agree, not that round-off happened to
 * fall the same way.
 * Skipped with the reason when the `webgpu` package, the Vulkan loader or an ICD is absent.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import '@tensorflow/tfjs-backend-wasm'
import { webgpuSkipReason } from './available'
import { expectAgree, order, scoreOn, smallNetwork, type SpaceId, type Tolerance } from './fixtures'
import { SJW, votingRanks } from '../../../src/engine/proxies/voting'

const skip = webgpuSkipReason()

const IDS = ['wrcor', 'jaccor', 'synflow']
const TOL: Record<string, Tolerance> = { wrcor: { rel: 1e-4, abs: 0 }, synflow: { rel: 1e-6, abs: 0 }, jaccor: { rel: 1e-3, abs: 0 } }

const mb = (stem: number, st: [number, number, number, number, number][], head: number, resolution: number): string => {
  let prev = stem
  const stages = st.map(([e, k, c, s, b]) => {
    const block = `SuperResIDWE${e}K${k}(${prev},${c},${s},${b},1)`
    prev = c
    return block
  })
  return `SuperConvK3BNRELU(3,${stem},2,1)${stages.join('')}SuperConvK1BNRELU(${prev},${head},1,1)@${resolution}`
}

const MB_SMALL: [number, number, number, number, number][] = [[2, 5, 8, 1, 4], [2, 5, 8, 2, 4], [2, 5, 8, 1, 4], [2, 5, 16, 2, 8], [2, 5, 16, 1, 8], [2, 5, 16, 1, 8], [2, 5, 16, 1, 8]]

const ARCHS: Record<SpaceId, string[]> = {
  nb201: [
    '|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|',
    '|avg_pool_3x3~0|+|skip_connect~0|none~1|+|none~0|avg_pool_3x3~1|skip_connect~2|',
    '|nor_conv_1x1~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|',
    '|skip_connect~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|',
  ],
  // 3×3 and 1×1 convolutions and pools at the fixtures' stem width 8 (at the benchmark's 128–512 channels the
  // 3×3 convolutions cost SwiftShader minutes; the width option keeps them in)
  nb101: [
    'matrix=010/001/000;ops=input,conv3x3-bn-relu,output',
    'matrix=010/001/000;ops=input,maxpool3x3,output',
    'matrix=0110/0001/0001/0000;ops=input,conv1x1-bn-relu,maxpool3x3,output',
    'matrix=0111/0001/0001/0000;ops=input,conv3x3-bn-relu,maxpool3x3,output',
  ],
  // 4–8 px (was 8–16 px: SwiftShader's SynFlow cost scales with the pixels; WRCor gaps on wasm still ≥ 0.19)
  mbv2: [
    mb(8, MB_SMALL, 32, 4),
    mb(4, [[2, 3, 4, 1, 4], [2, 3, 4, 2, 4], [2, 3, 8, 1, 4], [2, 3, 8, 2, 4], [2, 3, 8, 1, 4], [2, 3, 8, 1, 4], [2, 3, 8, 1, 4]], 16, 8),
    mb(8, MB_SMALL, 32, 8),
    mb(8, [[2, 3, 8, 1, 8], [2, 3, 16, 2, 8], [2, 3, 16, 1, 8], [4, 3, 24, 2, 16], [4, 3, 24, 1, 16], [4, 5, 32, 1, 16], [6, 5, 32, 1, 16]], 64, 8),
  ],
}

async function scoresOn(backend: string, space: SpaceId): Promise<Record<string, number>[]> {
  // the reference: wasm, the production CPU backend (ops.test.ts and proxies.test.ts compare with the pure-JS
  // cpu backend, the op-level reference)
  const out: Record<string, number>[] = []
  for (const a of ARCHS[space]) out.push((await scoreOn(backend, space, smallNetwork(space, a), IDS)).scores)
  return out
}

describe.skipIf(skip !== undefined)(`ranking: WRCor and SJW rank the same on webgpu (SwiftShader) and wasm${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const { initBackend } = await import('../../../src/engine/backend/select')
    await initBackend({ force: 'webgpu', log: () => undefined })
  })

  it.each(['nb201', 'nb101', 'mbv2'] as const)('%s: 4 architectures', async (space) => {
    const cpu = await scoresOn('wasm', space)
    const gpu = await scoresOn('webgpu', space)
    const wr = cpu.map((s) => s.wrcor)
    const sorted = [...wr].sort((a, b) => a - b)
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i] - sorted[i - 1], `${space}: WRCor gap between neighbours ${sorted[i - 1]} and ${sorted[i]}`).toBeGreaterThan(10 * TOL.wrcor.rel * Math.abs(sorted[i]))
    }
    expect(order(gpu.map((s) => s.wrcor)), `${space} WRCor order`).toEqual(order(wr))
    expect(Array.from(votingRanks(SJW, gpu)), `${space} SJW ranks`).toEqual(Array.from(votingRanks(SJW, cpu)))
    cpu.forEach((s, i) => {
      for (const id of IDS) expectAgree(id, gpu[i][id], s[id], TOL[id], ` (${space} arch ${i})`)
    })
  }, 900_000)
})
