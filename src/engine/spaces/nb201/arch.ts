import { ZsnasError } from '../../core/errors'

/**
 * NAS-Bench-201 cell representations.
 *
 * - **arch string** (canonical, also the `hash`): `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`,
 *   node j (1..3) lists its inputs from node 0..j−1 in order;
 * - **op indices**: 6 integers in 0..4, one per edge in the order
 *   (0→1), (0→2), (1→2), (0→3), (1→3), (2→3), indexing `NB201_OPS`;
 * - **cell id**: the base-5 number of the op indices (edge 0 most significant),
 *   0..15624 — our enumeration order. It is NOT the official benchmark index:
 *   the official NB201/NATS-tss order is arbitrary (checked: only 16 of 15,624
 *   consecutive rows of the benchmark table differ in one edge, as for a random
 *   order), so no rule derives it; `Nb201BenchmarkIndex` maps via the table.
 */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const
export type Nb201Op = (typeof NB201_OPS)[number]

/** 6 op indices (see above). Treated as immutable. */
export type Nb201Arch = readonly number[]

export const NB201_NUM_EDGES = 6
export const NB201_NUM_CELLS = 5 ** 6

/** Edge e connects EDGE_FROM[e] → EDGE_TO[e]. */
export const EDGE_FROM = [0, 0, 1, 0, 1, 2] as const
export const EDGE_TO = [1, 2, 2, 3, 3, 3] as const

function invalid(s: string, why: string): ZsnasError {
  return new ZsnasError('INVALID_ARCH', `invalid NB201 arch string ${JSON.stringify(s)}: ${why}`, { input: s })
}

/** Throws INVALID_ARCH unless `a` is 6 integers in 0..4. */
export function assertNb201Arch(a: unknown): asserts a is Nb201Arch {
  if (!Array.isArray(a) || a.length !== NB201_NUM_EDGES) {
    throw new ZsnasError('INVALID_ARCH', `NB201 arch must be ${NB201_NUM_EDGES} op indices, got ${JSON.stringify(a)}`)
  }
  a.forEach((v, e) => {
    if (!Number.isInteger(v) || v < 0 || v >= NB201_OPS.length) {
      throw new ZsnasError(
        'INVALID_ARCH',
        `NB201 op index of edge ${e} must be an integer in 0..${NB201_OPS.length - 1}, got ${JSON.stringify(v)}`,
      )
    }
  })
}

/** Canonical arch string of op indices. */
export function nb201ToString(a: Nb201Arch): string {
  assertNb201Arch(a)
  const node = (j: number): string => {
    const toks: string[] = []
    for (let e = 0; e < NB201_NUM_EDGES; e++) if (EDGE_TO[e] === j) toks.push(`${NB201_OPS[a[e]]}~${EDGE_FROM[e]}`)
    return `|${toks.join('|')}|`
  }
  return [1, 2, 3].map(node).join('+')
}

/**
 * Parses an arch string. Throws `ZsnasError('INVALID_ARCH')` naming the node,
 * the input slot and the offending token, and what was expected.
 */
export function nb201FromString(s: string): Nb201Arch {
  if (typeof s !== 'string') throw new ZsnasError('INVALID_ARCH', `NB201 arch must be a string, got ${typeof s}`)
  const groups = s.split('+')
  if (groups.length !== 3) {
    throw invalid(s, `expected 3 node groups separated by '+', found ${groups.length}`)
  }
  const ops: number[] = new Array(NB201_NUM_EDGES)
  groups.forEach((g, gi) => {
    const node = gi + 1
    if (!g.startsWith('|') || !g.endsWith('|') || g.length < 2) {
      throw invalid(s, `node ${node} group ${JSON.stringify(g)} must start and end with '|'`)
    }
    const toks = g.slice(1, -1).split('|')
    if (toks.length !== node) {
      throw invalid(s, `node ${node} has ${toks.length} input(s), expected ${node} (one from each earlier node)`)
    }
    toks.forEach((tok, from) => {
      const m = /^([a-z0-9_]+)~(\d+)$/.exec(tok)
      if (!m) throw invalid(s, `node ${node} input ${from}: token ${JSON.stringify(tok)} is not of the form op~${from}`)
      const op = NB201_OPS.indexOf(m[1] as Nb201Op)
      if (op < 0) {
        throw invalid(s, `node ${node} input ${from}: unknown op '${m[1]}', expected one of ${NB201_OPS.join(', ')}`)
      }
      if (Number(m[2]) !== from) {
        throw invalid(s, `node ${node} input ${from}: token '${tok}' refers to node ${m[2]}, expected ~${from}`)
      }
      const e = EDGE_TO.findIndex((t, k) => t === node && EDGE_FROM[k] === from)
      ops[e] = op
    })
  })
  return ops
}

/** Base-5 cell id (edge 0 most significant), 0..15624. */
export function nb201CellId(a: Nb201Arch): number {
  assertNb201Arch(a)
  return a.reduce((acc, v) => acc * 5 + v, 0)
}

/** Inverse of `nb201CellId`. */
export function nb201FromCellId(id: number): Nb201Arch {
  if (!Number.isInteger(id) || id < 0 || id >= NB201_NUM_CELLS) {
    throw new ZsnasError('INVALID_ARCH', `NB201 cell id must be an integer in 0..${NB201_NUM_CELLS - 1}, got ${id}`)
  }
  const ops = new Array<number>(NB201_NUM_EDGES)
  for (let e = NB201_NUM_EDGES - 1; e >= 0; e--) {
    ops[e] = id % 5
    id = Math.floor(id / 5)
  }
  return ops
}

/** All 15,625 cells in cell-id order. */
export function* enumerateNb201(): Generator<Nb201Arch> {
  for (let id = 0; id < NB201_NUM_CELLS; id++) yield nb201FromCellId(id)
}
