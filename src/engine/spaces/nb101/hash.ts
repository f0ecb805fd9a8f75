/**
 * The official NAS-Bench-101 graph hash (nasbench `graph_util.hash_module`),
 * re-implemented from its description: labels are −1 for 'input', −2 for
 * 'output' and the op's index in [conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3];
 * each vertex starts as md5 of the Python repr of (out-degree, in-degree, label),
 * then for |V| rounds every vertex becomes md5(sorted in-neighbour hashes joined
 * + '|' + sorted out-neighbour hashes joined + '|' + own hash); the fingerprint
 * is md5 of the Python repr of the sorted vertex hashes.
 *
 * Guarantee: equal to the `nb101_hash` column of the shared NASLib sample for
 * every row (tests/engine/spaces/nb101-hash.test.ts), so it keys NB101 tables.
 * Input must be a PRUNED cell (the benchmark hashes pruned specs).
 */
import { createHash } from 'node:crypto'
import { NB101_OPS, type Nb101Cell } from './cell'

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex')

export function nb101Labels(ops: readonly string[]): number[] {
  return ops.map((o, i) => {
    if (i === 0) return -1
    if (i === ops.length - 1) return -2
    return (NB101_OPS as readonly string[]).indexOf(o)
  })
}

export function nb101Hash(cell: Nb101Cell): string {
  const m = cell.matrix
  const n = m.length
  const labels = nb101Labels(cell.ops)
  let hashes: string[] = []
  for (let v = 0; v < n; v++) {
    let outDeg = 0
    let inDeg = 0
    for (let w = 0; w < n; w++) {
      outDeg += m[v][w]
      inDeg += m[w][v]
    }
    hashes.push(md5(`(${outDeg}, ${inDeg}, ${labels[v]})`))
  }
  for (let round = 0; round < n; round++) {
    const next: string[] = []
    for (let v = 0; v < n; v++) {
      const ins: string[] = []
      const outs: string[] = []
      for (let w = 0; w < n; w++) {
        if (m[w][v]) ins.push(hashes[w])
        if (m[v][w]) outs.push(hashes[w])
      }
      ins.sort()
      outs.sort()
      next.push(md5(ins.join('') + '|' + outs.join('') + '|' + hashes[v]))
    }
    hashes = next
  }
  const sorted = hashes.slice().sort()
  return md5('[' + sorted.map((h) => `'${h}'`).join(', ') + ']')
}
