import { describe, expect, it } from 'vitest'
import { pruneAndValidate } from '../../../../src/engine/spaces/nb101/cell'
import { nb101Hash } from '../../../../src/engine/spaces/nb101/hash'
import { readNb101Sample } from './csv'

describe('NB101 official graph hash', () => {
  const rows = readNb101Sample()

  it('reads all 500 rows of the shared NASLib sample', () => {
    expect(rows.length).toBe(500)
  })

  it('equals the nb101_hash column for every row (after pruning)', () => {
    const mismatches: string[] = []
    for (const r of rows) {
      const c = pruneAndValidate(r.raw)
      if (!c || nb101Hash(c) !== r.hash) mismatches.push(r.hash)
    }
    expect(mismatches).toEqual([])
    expect(new Set(rows.map((r) => r.hash)).size).toBe(292) // README: 292 distinct cells
  })

  it('matches the published first hash (README anchor 1)', () => {
    const c = pruneAndValidate({
      matrix: [[0,1,0,0,1,1,0],[0,0,1,0,0,0,0],[0,0,0,1,0,0,1],[0,0,0,0,0,1,0],[0,0,0,0,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]],
      ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'],
    })!
    expect(nb101Hash(c)).toBe('00005c142e6f48ac74fdcf73e3439874')
  })

  it('is invariant to relabelling interior vertices (isomorphism) and sensitive to ops', () => {
    // 0→1→3, 0→2→3 with ops (c3, c1); swapping vertices 1 and 2 is the same graph
    const a = { matrix: [[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]], ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'] }
    const b = { matrix: a.matrix, ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'output'] }
    const c = { matrix: a.matrix, ops: ['input', 'conv1x1-bn-relu', 'conv1x1-bn-relu', 'output'] }
    expect(nb101Hash(a)).toBe(nb101Hash(b))
    expect(nb101Hash(a)).not.toBe(nb101Hash(c))
  })
})
