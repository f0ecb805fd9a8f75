import { readFileSync } from 'node:fs'
import { sharedPath } from '../../../helpers/shared-data'
import type { Nb101Cell } from '../../../../src/engine/spaces/nb101/cell'

export interface Nb101Row {
  hash: string
  raw: Nb101Cell
  paramsM: number
}

/** Reads the shared NASLib NB101 sample (by path, never copied). */
export function readNb101Sample(): Nb101Row[] {
  const lines = readFileSync(sharedPath('nb101', 'nb101_naslib_zc_500.csv'), 'utf8').trim().split('\n')
  const head = lines[0].split(',')
  const col = (n: string): number => head.indexOf(n)
  return lines.slice(1).map((l) => {
    const f = l.split(',')
    const adj = f[col('adjacency_7x7_rowmajor')]
    return {
      hash: f[col('nb101_hash')],
      raw: {
        matrix: Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => Number(adj[i * 7 + j]))),
        ops: f[col('ops')].split('|'),
      },
      paramsM: Number(f[col('params')]),
    }
  })
}
