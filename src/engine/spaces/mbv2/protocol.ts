/**
 * The paper's MobileNetV2 protocol (§5.3, Table 11): scoring at batch 64 with
 * SJW (SynFlow + JacCor + WRCor majority vote), regularised evolution with
 * P = 64 and S = 10, N = 5,000 evaluations; resolutions 192–320 (multiples of
 * 32) and FLOPs ≤ 600 M are the space's own option defaults (space.ts).
 * `zsnas search --space mbv2` uses these where flags are unset.
 *
 * `measured`: steady CPU seconds per architecture of one scoring process
 * (wasm, 1 thread, checkpointed response pass) for the Table 11
 * architecture at 224 px with SJW, at batch 16 — batch 64 does not fit the
 * 4 GiB wasm heap yet (docs/memory.md); the projection scales it linearly.
 */
import type { SpaceProtocol } from '../../core/space'

export const MBV2_PROTOCOL: SpaceProtocol = {
  source: 'paper §5.3 (MobileNetV2 space)',
  batchSize: 64,
  proxy: 'sjw',
  strategy: 're',
  strategyOptions: { populationSize: 64, tournamentSize: 10 },
  budget: 5000,
  // steady CPU seconds, checkpointed pass, 2-core shared dev box (docs/memory.md); batch 64 does not fit the wasm heap yet
  measured: { secondsPerArch: 22.0, batchSize: 16, where: 'SJW, Table 11 at 224 px, wasm 1 thread, CPU-s, bench/mbv2-first-scoring.ts' },
}
