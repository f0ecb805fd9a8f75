import type { SearchSpace } from '../../core/space'
import type { Rng } from '../../core/rng'
import { countNetwork } from '../../nn/count'
import {
  NB201_NUM_CELLS,
  NB201_NUM_EDGES,
  NB201_OPS,
  EDGE_FROM,
  EDGE_TO,
  assertNb201Arch,
  nb201FromString,
  nb201ToString,
  type Nb201Arch,
} from './arch'
import { buildNb201Network } from './network'

export * from './arch'
export { buildNb201Network } from './network'
export { Nb201BenchmarkIndex } from './benchmark-index'

/**
 * The NAS-Bench-201 search space (5 ops on 6 edges, 15,625 cells).
 * - `sample`: uniform over cells (= uniform over benchmark indices);
 * - `mutate`: one uniformly chosen edge gets one of the 4 other ops (reference §4.3);
 * - `hash` = canonical arch string (the benchmark table's key; isomorphic cells
 *   are different rows in NB201, so they are not merged);
 * - RL decisions: 6 categoricals × 5 ops, order of `NB201_OPS`.
 */
export const nb201Space: SearchSpace<Nb201Arch> = {
  id: 'nb201',
  label: 'NAS-Bench-201',
  description: 'NAS-Bench-201 cell space: 4-node DAG, 6 edges × 5 ops (15,625 cells), C=16/32/64 × 5 cells',
  sample(rng: Rng): Nb201Arch {
    return Array.from({ length: NB201_NUM_EDGES }, () => rng.int(NB201_OPS.length))
  },
  mutate(a: Nb201Arch, rng: Rng): Nb201Arch {
    assertNb201Arch(a)
    const e = rng.int(NB201_NUM_EDGES)
    const out = a.slice()
    out[e] = (a[e] + 1 + rng.int(NB201_OPS.length - 1)) % NB201_OPS.length
    return out
  },
  toString: nb201ToString,
  fromString: nb201FromString,
  hash: (a) => nb201ToString(a),
  decisions: () =>
    Array.from({ length: NB201_NUM_EDGES }, (_, e) => ({ name: `edge ${EDGE_FROM[e]}→${EDGE_TO[e]}`, options: NB201_OPS.length })),
  toDecisions(a) {
    assertNb201Arch(a)
    return a.slice()
  },
  fromDecisions(choices) {
    if (choices.length !== NB201_NUM_EDGES) return null
    if (!choices.every((v) => Number.isInteger(v) && v >= 0 && v < NB201_OPS.length)) return null
    return choices.slice()
  },
  size: () => NB201_NUM_CELLS,
  buildNetwork: buildNb201Network,
  cost(a, opts) {
    const { params, flops } = countNetwork(buildNb201Network(a, opts))
    return { params, flops }
  },
}
