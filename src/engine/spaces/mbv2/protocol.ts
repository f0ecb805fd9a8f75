/**
 * The paper's MobileNetV2 protocol (§5.3, Table 11): scoring at batch 64 with
 * SJW (SynFlow + JacCor + WRCor majority vote), regularised evolution with
 * P = 64 and S = 10, N = 5,000 evaluations; resolutions 192–320 (multiples of
 * 32) and FLOPs ≤ 600 M are the space's own option defaults (space.ts).
 * `zsnas search --space mbv2` uses these where flags are unset.
 *
 * `measured`: CPU seconds of one steady scoring (the second in its process)
 * with the checkpointed response pass, wasm 1 thread, for the Table 11
 * architecture at 224 px, batch 64, SJW (docs/memory.md), and
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
  // batch 64 checkpointed at 224 px since issue #18's memory work. Steady scoring (the 2nd in its process; the 1st:
  // 84.5 CPU-s), code e83acc2, 2-core dev box with one other scoring beside it — CPU-s (user + sys) stand for a
  // dedicated core's wall seconds; peak RSS of the whole process over both scorings 2,531,120 kB = 2.41 GiB
  // (/usr/bin/time -v; docs/memory.md "Heap writes, masks, aliases and heap slices")
  measured: { secondsPerArch: 77.5, batchSize: 64, peakRssGB: 2.41, where: 'CPU-s of a steady scoring, SJW, Table 11 at 224 px, checkpointed, wasm 1 thread, bench/mbv2-first-scoring.ts' },
}
