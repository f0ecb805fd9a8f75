/**
 * The NAS-Bench-101 search space (`SearchSpace<Nb101Cell>`).
 *
 * Representation: architectures are always PRUNED valid cells (see cell.ts).
 * Canonical string: `matrix=<rows of 0/1 separated by '/'>;ops=<all ops incl.
 * input/output, comma-separated>`, e.g.
 * `matrix=0110/0001/0001/0000;ops=input,conv3x3-bn-relu,maxpool3x3,output`.
 * `fromString` also accepts the JSON form `{"matrix":[[…]],"ops":[…]}` and
 * unpruned cells (it prunes them), and throws INVALID_ARCH for invalid cells.
 *
 * Sampling: the reference samples uniformly over the 423,624 unique cells of
 * the benchmark table (`fixed_statistics`). Without the table that is
 * impossible, so by default `sample` draws random 7-vertex specs (each
 * upper-triangular entry a fair coin, interior ops uniform) until valid
 * (nasbench's `random_spec`, also NASLib's sampler). This favours small cells
 * (≈ 10 % 2-vertex, 0.2 % 7-vertex after pruning; tested against the shared
 * NASLib sample's histogram) whereas most unique NB101 cells have 7 vertices.
 * Pass `pool` (e.g. the cells of a loaded benchmark table) to sample uniformly
 * from it, as the reference does.
 *
 * Mutation (reference `search.py`): repeat { change the op of one uniformly
 * chosen interior vertex of the parent to one of the 2 other ops, AND set one
 * uniformly chosen upper-triangular entry of the parent's matrix to a random
 * bit } until the pruned result is valid. Two documented additions so the
 * Because it edits the PRUNED parent, a child never has more vertices than its
 * parent (a property of the reference, tested). Two documented additions so the
 * `SearchSpace` contract holds: results isomorphic to the parent (same hash)
 * are rejected too, and a parent with no interior vertex (input→output only,
 * where the reference would raise) gets a fresh random cell different from it.
 *
 * RL decisions: 5 op categoricals (3 options) then 21 Bernoulli edges (i<j,
 * row-major) of a 7-vertex spec; a pruned cell with n < 7 vertices is embedded
 * with its output at vertex 6 and unused vertices edge-less (op conv3x3).
 */
import { ZsnasError } from '../../core/errors'
import type { Rng } from '../../core/rng'
import type { BuildOptions, Decision, SearchSpace } from '../../core/space'
import type { NetworkDef } from '../../core/network'
import { countParams } from '../param-book'
import { countMacs } from '../shape-macs'
import { NB101_MAX_VERTICES, NB101_OPS, type Nb101Cell, pruneAndValidate } from './cell'
import { nb101Hash } from './hash'
import { buildNb101Network } from './network'

/** Number of unique cells in NAS-Bench-101 (published). */
export const NB101_UNIQUE_CELLS = 423_624

const V = NB101_MAX_VERTICES
const EDGE_SLOTS: [number, number][] = []
for (let i = 0; i < V; i++) for (let j = i + 1; j < V; j++) EDGE_SLOTS.push([i, j])

export interface Nb101SpaceOptions {
  /** cells to sample uniformly from (e.g. a benchmark table); default: rejection sampling of random specs */
  pool?: readonly Nb101Cell[]
}

export function nb101ToString(c: Nb101Cell): string {
  return `matrix=${c.matrix.map((r) => r.join('')).join('/')};ops=${c.ops.join(',')}`
}

export function nb101FromString(s: string): Nb101Cell {
  const t = s.trim()
  let raw: Nb101Cell
  if (t.startsWith('{')) {
    let j: unknown
    try {
      j = JSON.parse(t)
    } catch {
      throw new ZsnasError('INVALID_ARCH', `NB101 architecture looks like JSON but does not parse: ${t.slice(0, 80)}`)
    }
    const o = j as { matrix?: unknown; ops?: unknown }
    if (!Array.isArray(o.matrix) || !Array.isArray(o.ops)) {
      throw new ZsnasError('INVALID_ARCH', 'NB101 JSON architecture needs "matrix" (array of rows) and "ops" (array of names)')
    }
    raw = { matrix: (o.matrix as unknown[]).map((r) => (Array.isArray(r) ? r.map(Number) : [])), ops: (o.ops as unknown[]).map(String) }
  } else {
    const m = /^matrix=([01/]+);ops=([a-z0-9,-]+)$/i.exec(t)
    if (!m) {
      throw new ZsnasError('INVALID_ARCH', `NB101 architecture '${t.slice(0, 80)}' is not 'matrix=<0/1 rows separated by />;ops=<names separated by ,>' nor JSON`)
    }
    raw = { matrix: m[1].split('/').map((r) => [...r].map(Number)), ops: m[2].split(',') }
  }
  const p = pruneAndValidate(raw)
  if (p === null) {
    throw new ZsnasError('INVALID_ARCH', `NB101 cell is not valid: output unreachable from input, or more than ${V} vertices / 9 edges after pruning`)
  }
  return p
}

function randomSpec(rng: Rng): Nb101Cell {
  const matrix = Array.from({ length: V }, () => new Array<number>(V).fill(0))
  for (const [i, j] of EDGE_SLOTS) matrix[i][j] = rng.int(2)
  const ops = ['input']
  for (let v = 1; v < V - 1; v++) ops.push(NB101_OPS[rng.int(3)])
  ops.push('output')
  return { matrix, ops }
}

function sampleValid(rng: Rng): Nb101Cell {
  for (;;) {
    const p = pruneAndValidate(randomSpec(rng))
    if (p) return p
  }
}

function mutateCell(a: Nb101Cell, rng: Rng, sample: (r: Rng) => Nb101Cell): Nb101Cell {
  const n = a.matrix.length
  const parentHash = nb101Hash(a)
  if (n <= 2) {
    for (;;) {
      const c = sample(rng)
      if (nb101Hash(c) !== parentHash) return c
    }
  }
  const slots: [number, number][] = []
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) slots.push([i, j])
  for (;;) {
    const matrix = a.matrix.map((r) => r.slice())
    const ops = a.ops.slice()
    const v = 1 + rng.int(n - 2)
    const others = NB101_OPS.filter((o) => o !== ops[v])
    ops[v] = others[rng.int(others.length)]
    const [i, j] = slots[rng.int(slots.length)]
    matrix[i][j] = rng.int(2)
    const p = pruneAndValidate({ matrix, ops })
    if (p && nb101Hash(p) !== parentHash) return p
  }
}

function toDecisions(a: Nb101Cell): number[] {
  const n = a.matrix.length
  const map = (v: number): number => (v === n - 1 ? V - 1 : v)
  const ops = new Array<number>(V - 2).fill(0)
  for (let v = 1; v < n - 1; v++) ops[v - 1] = NB101_OPS.indexOf(a.ops[v] as (typeof NB101_OPS)[number])
  const full = Array.from({ length: V }, () => new Array<number>(V).fill(0))
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (a.matrix[i][j]) full[map(i)][map(j)] = 1
  return [...ops, ...EDGE_SLOTS.map(([i, j]) => full[i][j])]
}

function fromDecisions(ch: number[]): Nb101Cell | null {
  if (ch.length !== V - 2 + EDGE_SLOTS.length) {
    throw new ZsnasError('INVALID_ARCH', `NB101 decision vector needs ${V - 2 + EDGE_SLOTS.length} entries, got ${ch.length}`)
  }
  const ops = ['input', ...ch.slice(0, V - 2).map((k) => {
    const o = NB101_OPS[k]
    if (o === undefined) throw new ZsnasError('INVALID_ARCH', `NB101 op choice ${k} is out of range 0..2`)
    return o
  }), 'output']
  const matrix = Array.from({ length: V }, () => new Array<number>(V).fill(0))
  EDGE_SLOTS.forEach(([i, j], k) => {
    const b = ch[V - 2 + k]
    if (b !== 0 && b !== 1) throw new ZsnasError('INVALID_ARCH', `NB101 edge choice ${i}→${j} must be 0 or 1, got ${b}`)
    matrix[i][j] = b
  })
  return pruneAndValidate({ matrix, ops })
}

const DECISIONS: Decision[] = [
  ...Array.from({ length: V - 2 }, (_, k) => ({ name: `op${k + 1}`, options: 3 })),
  ...EDGE_SLOTS.map(([i, j]) => ({ name: `edge${i}-${j}`, options: 2, bernoulli: true })),
]

/** Creates the NB101 space; `pool` switches sampling to uniform over the given cells. */
export function createNb101Space(opts: Nb101SpaceOptions = {}): SearchSpace<Nb101Cell> {
  const pool = opts.pool
  if (pool && pool.length === 0) throw new ZsnasError('INVALID_OPTION', 'NB101 sampling pool is empty')
  const sample = pool ? (rng: Rng) => pool[rng.int(pool.length)] : sampleValid
  return {
    id: 'nb101',
    label: 'NAS-Bench-101',
    description: 'Cells of ≤7 vertices and ≤9 edges over {conv3×3, conv1×1, max-pool 3×3}; 3 stacks × 3 cells, stem 128 channels (423,624 unique cells).',
    sample,
    mutate: (a, rng) => mutateCell(a, rng, sample),
    toString: nb101ToString,
    fromString: nb101FromString,
    hash: nb101Hash,
    decisions: () => DECISIONS.map((d) => ({ ...d })),
    toDecisions,
    fromDecisions,
    size: () => NB101_UNIQUE_CELLS,
    buildNetwork: (a: Nb101Cell, o: BuildOptions): NetworkDef => buildNb101Network(a, o, nb101ToString(a)),
    cost(a, o) {
      const net = buildNb101Network(a, o, nb101ToString(a))
      return { params: countParams(net.params), flops: countMacs(net) }
    },
  }
}

export const nb101Space = createNb101Space()
