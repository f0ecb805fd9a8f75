import type { SearchSpace } from '../../../src/engine/core/space'
import { nb201Space } from '../../../src/engine/spaces/nb201/index'
import type { Candidate, EvalResult } from '../../../src/engine/search/types'

export const nb201 = nb201Space as SearchSpace<unknown>
const ops = (s: string): number[] => nb201Space.toDecisions(nb201Space.fromString(s))

/** Toy proxy with a known optimum: number of nor_conv_3x3 edges (optimum 6, one cell). */
export const conv3Count = (s: string): number => ops(s).filter((o) => o === 3).length

/** A 3-member toy voting proxy: (#conv3x3, #conv1x1, −#none). */
export const toyVote = (s: string): number[] => {
  const o = ops(s)
  return [o.filter((x) => x === 3).length, o.filter((x) => x === 2).length, -o.filter((x) => x === 0).length]
}

export const evaluator = (f: (arch: string) => number[]) => async (cs: Candidate[]): Promise<EvalResult[]> =>
  cs.map((c) => ({ id: c.id, scores: f(c.arch) }))
