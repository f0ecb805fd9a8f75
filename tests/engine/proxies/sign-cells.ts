/**
 * Sign check of "higher = better" on real ground truth: two NB201 cells whose
 * CIFAR-10 accuracies (shared NATS-Bench table) are far apart — all
 * nor_conv_3x3 (93.76 %) and all avg_pool_3x3 (49.02 %) — scored by the given
 * proxies on the same 16-image noise batch at 16×16 input. A proxy with the
 * wrong sign ranks the bad cell higher.
 */
import { readFileSync } from 'node:fs'
import { computeProxies } from '../../../src/engine/proxies'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import { sharedPath } from '../../helpers/shared-data'

export const GOOD_CELL = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'
export const BAD_CELL = '|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|'

/** CIFAR-10 test accuracy of an arch string from the shared NATS-Bench CSV (first column, arch in the 4th). */
export function cifar10Accuracy(arch: string): number {
  const line = readFileSync(sharedPath('nb201', 'nats_bench_tss_test_acc.csv'), 'utf8')
    .split('\n')
    .find((l) => l.split(',')[3] === arch)
  if (!line) throw new Error(`arch ${arch} not in the NATS-Bench table`)
  return Number(line.split(',')[0])
}

/** Scores of `ids` for the good and the bad cell (same batch, same init seed). */
export async function scoreGoodAndBad(ids: string[]): Promise<{ good: Record<string, number>; bad: Record<string, number> }> {
  const r = new Rng(11)
  const n = 16
  const batch: Batch = {
    x: Float32Array.from({ length: n * 16 * 16 * 3 }, () => r.normal()),
    shape: [n, 16, 16, 3],
    labels: Int32Array.from({ length: n }, (_, i) => i % 10),
    numClasses: 10,
  }
  const score = async (arch: string) => {
    const def = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 16 })
    const params = materializeParams(def, 'pytorch', new Rng(1))
    try {
      return (await computeProxies(ids, { space: 'nb201', def, params, batch, init: 'pytorch', seed: 1 })).scores
    } finally {
      disposeParams(params)
    }
  }
  return { good: await score(GOOD_CELL), bad: await score(BAD_CELL) }
}
