/**
 * Per-evaluation seed: a fixed 32-bit mix of (run seed, evaluation index), so
 * an architecture's score never depends on which worker scored it, on the
 * pool size, or on whether the run was resumed.
 */
export function evaluationSeed(runSeed: number, index: number): number {
  let h = (runSeed >>> 0) ^ Math.imul(index + 1, 0x9e3779b1)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}
