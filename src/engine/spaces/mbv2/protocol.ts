/**
 * The paper's MobileNetV2 protocol (§5.3, Table 11): scoring at batch 64 with
 * SJW (SynFlow + JacCor + WRCor majority vote), regularised evolution with
 * P = 64 and S = 10, N = 5,000 evaluations; resolutions 192–320 (multiples of
 * 32) and FLOPs ≤ 600 M are the space's own option defaults (space.ts).
 * `zsnas search --space mbv2` uses these where flags are unset.
 *
 * `measured`: seconds per architecture of one scoring process (wasm, 1
 * thread, checkpointed response pass) for the Table 11 architecture at
 * 224 px, batch 64, SJW — bench/mbv2-scoring.ts; see docs/memory.md.
 */
import type { SpaceProtocol } from '../../core/space'

export const MBV2_PROTOCOL: SpaceProtocol = {
  source: 'paper §5.3 (MobileNetV2 space)',
  batchSize: 64,
  proxy: 'sjw',
  strategy: 're',
  strategyOptions: { populationSize: 64, tournamentSize: 10 },
  budget: 5000,
  measured: { secondsPerArch: 120, where: 'CPU seconds, Table 11 at 224 px, wasm 1 thread, 2-core shared dev box (bench/mbv2-scoring.ts)' },
}
