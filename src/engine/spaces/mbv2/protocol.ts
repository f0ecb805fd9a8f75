/**
 * The paper's MobileNetV2 protocol (§5.3, Table 11): scoring at batch 64 with
 * SJW (SynFlow + JacCor + WRCor majority vote), regularised evolution with
 * P = 64 and S = 10, N = 5,000 evaluations; resolutions 192–320 (multiples of
 * 32) and FLOPs ≤ 600 M are the space's own option defaults (space.ts).
 * `zsnas search --space mbv2` uses these where flags are unset.
 *
 * `measured`: CPU seconds of one scoring (a first one, in a fresh process:
 * an upper bound) with the checkpointed response pass, wasm 1 thread, for
 * the Table 11 architecture at 224 px, batch 64, SJW (docs/memory.md), and
 * that process's peak RSS (the workstation projection's memory bound:
 * src/shared/projection.ts).
 */
import type { SpaceProtocol } from '../../core/space'

export const MBV2_PROTOCOL: SpaceProtocol = {
  source: 'paper §5.3 (MobileNetV2 space)',
  batchSize: 64,
  proxy: 'sjw',
  strategy: 're',
  strategyOptions: { populationSize: 64, tournamentSize: 10 },
  budget: 5000,
  // batch 64 checkpointed at 224 px fits since issue #18's batch splits: one scoring in a fresh process (includes heap growth
  // and set-up: an upper bound; the steady checkpointed batch-16 scoring is 22.0 CPU-s), 2-core shared dev box (docs/memory.md)
  measured: { secondsPerArch: 211, batchSize: 64, peakRssGB: 4.62, where: 'CPU-s of a first scoring, SJW, Table 11 at 224 px, wasm 1 thread, bench/mbv2-scoring.ts' },
}
