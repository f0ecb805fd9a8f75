/**
 * A ranking of architectures derived from a pairwise comparator, so that a
 * voting proxy (which only compares) gets a score for Spearman/Kendall.
 *
 * The majority comparator is not transitive (Condorcet cycles) and has ties,
 * so "sort by it" is not well defined. Two methods:
 *
 * - `'scc-copeland'` (default, order-independent): build the "beats" digraph
 *   (edge u→v iff cmp(u, v) = +1), condense it into strongly connected
 *   components (Tarjan), and lay the components out best-first in a
 *   topological order of the condensed DAG (Kahn's algorithm; among the
 *   components that are ready, the one whose members have the highest mean
 *   Copeland score = wins − losses goes first, then the lowest index). Inside a
 *   component (a cycle), members are ordered by Copeland score, then index.
 *   Guarantee (tested): for every pair with cmp(u, v) = +1 that does not lie
 *   on a common cycle, u is ranked above v. For a complete tournament (no ties,
 *   the usual case with three continuous-valued members) this is exactly the
 *   Copeland order, and for a transitive comparator it is the sorted order.
 * - `'sort'` (reference-compatible): the reference notebooks rank by
 *   `sorted(range(n), key=cmp_to_key(cmp))` (CPython TimSort, input order =
 *   benchmark index order) and use each architecture's position. We use V8's
 *   `Array.prototype.sort` (also a TimSort, stable) on the input order; with an
 *   intransitive comparator positions may differ from CPython's in places.
 *
 * The result is a position per item, 0 = worst … n−1 = best (higher = better),
 * all distinct, which is what the reference correlates with accuracy.
 * Cost: O(n²) comparator calls (the n×n results are cached as bytes for
 * n ≤ 6000; beyond that they are recomputed on demand).
 */
import type { CompareResult } from '../../search/compare'

export type VotingRankMethod = 'scc-copeland' | 'sort'

/** Compares item i with item j: +1 i better, −1 j better, 0 tie. Must be antisymmetric. */
export type IndexComparator = (i: number, j: number) => CompareResult

/** Up to this many items the n×n comparator results are cached (n² bytes); beyond it every call recomputes and the ranking slows down sharply. */
export const RANKING_CACHE_LIMIT = 6000

function cachedComparator(n: number, cmp: IndexComparator): IndexComparator {
  if (n > RANKING_CACHE_LIMIT) return cmp
  const m = new Int8Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const c = cmp(i, j)
      m[i * n + j] = c
      m[j * n + i] = -c
    }
  }
  return (i, j) => m[i * n + j] as CompareResult
}

/** Copeland score per item: (#items it beats) − (#items that beat it). */
export function copelandScores(n: number, cmp: IndexComparator): Float64Array {
  const s = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const c = cmp(i, j)
      s[i] += c
      s[j] -= c
    }
  }
  return s
}

/**
 * Strongly connected components of the "beats" graph (edge i→j iff
 * cmp(i, j) = +1), by an iterative Tarjan. Returns the component id per item.
 */
export function beatsComponents(n: number, cmp: IndexComparator): Int32Array {
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const onStack = new Uint8Array(n)
  const comp = new Int32Array(n).fill(-1)
  const stack: number[] = []
  const next = new Int32Array(n) // next neighbour candidate per node
  let counter = 0
  let nComp = 0
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue
    const call: number[] = [root]
    index[root] = low[root] = counter++
    stack.push(root)
    onStack[root] = 1
    next[root] = 0
    while (call.length > 0) {
      const v = call[call.length - 1]
      let descended = false
      while (next[v] < n) {
        const w = next[v]++
        if (w === v || cmp(v, w) !== 1) continue
        if (index[w] === -1) {
          index[w] = low[w] = counter++
          stack.push(w)
          onStack[w] = 1
          next[w] = 0
          call.push(w)
          descended = true
          break
        } else if (onStack[w] === 1) {
          low[v] = Math.min(low[v], index[w])
        }
      }
      if (descended) continue
      call.pop()
      if (call.length > 0) {
        const parent = call[call.length - 1]
        low[parent] = Math.min(low[parent], low[v])
      }
      if (low[v] === index[v]) {
        let w: number
        do {
          w = stack.pop() as number
          onStack[w] = 0
          comp[w] = nComp
        } while (w !== v)
        nComp++
      }
    }
  }
  return comp
}

function sccCopelandOrder(n: number, cmp: IndexComparator): number[] {
  const comp = beatsComponents(n, cmp)
  const cope = copelandScores(n, cmp)
  const nComp = n === 0 ? 0 : Math.max(...comp) + 1
  const members: number[][] = Array.from({ length: nComp }, () => [])
  for (let i = 0; i < n; i++) members[comp[i]].push(i)
  const meanCope = members.map((ms) => ms.reduce((a, i) => a + cope[i], 0) / ms.length)
  // in-degree of each component in the condensed graph, counted per cross edge
  const indeg = new Float64Array(nComp)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j && comp[i] !== comp[j] && cmp(i, j) === 1) indeg[comp[j]]++
    }
  }
  const placed = new Uint8Array(nComp)
  const bestFirst: number[] = []
  for (let step = 0; step < nComp; step++) {
    let pick = -1
    for (let c = 0; c < nComp; c++) {
      if (placed[c] === 1 || indeg[c] !== 0) continue
      if (pick === -1 || meanCope[c] > meanCope[pick] || (meanCope[c] === meanCope[pick] && members[c][0] < members[pick][0])) {
        pick = c
      }
    }
    // a DAG always has a ready component; guard against a non-antisymmetric comparator
    if (pick === -1) throw new RangeError('voting ranking: comparator is not antisymmetric (condensed graph has a cycle)')
    placed[pick] = 1
    const inside = members[pick].slice().sort((a, b) => cope[b] - cope[a] || a - b)
    bestFirst.push(...inside)
    for (const i of members[pick]) {
      for (let j = 0; j < n; j++) {
        if (comp[j] !== pick && cmp(i, j) === 1) indeg[comp[j]]--
      }
    }
  }
  return bestFirst.reverse()
}

/**
 * Positions (0 = worst … n−1 = best) of n items under the comparator.
 * See the module comment for the two methods and their guarantees.
 */
export function comparatorRanking(n: number, cmp: IndexComparator, method: VotingRankMethod = 'scc-copeland'): Float64Array {
  const c = cachedComparator(n, cmp)
  const worstFirst =
    method === 'sort' ? Array.from({ length: n }, (_, i) => i).sort((a, b) => c(a, b)) : sccCopelandOrder(n, c)
  const pos = new Float64Array(n)
  worstFirst.forEach((item, p) => {
    pos[item] = p
  })
  return pos
}
