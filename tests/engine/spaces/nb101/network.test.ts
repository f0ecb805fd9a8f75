import { traceOps } from '../trace-ops'
import { describe, expect, it } from 'vitest'
import { pruneAndValidate } from '../../../../src/engine/spaces/nb101/cell'
import { buildNb101Network, vertexChannels } from '../../../../src/engine/spaces/nb101/network'
import { nb101Space } from '../../../../src/engine/spaces/nb101/space'
import { countParams } from '../../../../src/engine/spaces/param-book'
import { readNb101Sample } from './csv'

const opts = { numClasses: 10, inputSize: 32 }

describe('NB101 network', () => {
  it('has exactly the published trainable parameter counts of the README anchor cells', () => {
    const a = nb101Space.fromString(JSON.stringify({
      matrix: [[0,1,0,0,1,1,0],[0,0,1,0,0,0,0],[0,0,0,1,0,0,1],[0,0,0,0,0,1,0],[0,0,0,0,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]],
      ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'],
    }))
    const b = nb101Space.fromString(JSON.stringify({
      matrix: [[0,1,1,1,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,1,0,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]],
      ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
    }))
    expect(nb101Space.cost(a, opts).params).toBe(8_555_530)
    expect(nb101Space.cost(b, opts).params).toBe(2_694_282)
  })

  it('matches the params column (millions, 6 decimals) of all 500 shared NASLib rows', () => {
    const bad: string[] = []
    for (const r of readNb101Sample()) {
      const net = buildNb101Network(pruneAndValidate(r.raw)!, opts, r.hash)
      if (countParams(net.params) !== Math.round(r.paramsM * 1e6)) bad.push(r.hash)
    }
    expect(bad).toEqual([])
  })

  it('splits output channels like compute_vertex_channels (hand-computed)', () => {
    // 3 interior vertices all feeding the output, 128 → 43, 43, 42; vertex 1 → 2 as well
    const m = [[0,1,1,1,0],[0,0,0,0,1],[0,0,0,0,1],[0,0,0,0,1],[0,0,0,0,0]]
    expect(vertexChannels(64, 128, m)).toEqual([64, 43, 43, 42, 128])
    // chain 0→1→2→out: vertex 2 feeds output with all 256; vertex 1 takes max of successors
    expect(vertexChannels(128, 256, [[0,1,0,0],[0,0,1,0],[0,0,0,1],[0,0,0,0]])).toEqual([128, 256, 256, 256])
  })

  it('has 12 WRCor blocks with the reference indices (stem 0, cells 1–3, 5–7, 9–11)', () => {
    const net = nb101Space.buildNetwork(nb101Space.fromString('matrix=011/001/000;ops=input,conv3x3-bn-relu,output'), opts)
    expect(net.numBlocks).toBe(12)
    const blocks = new Set<number>()
    net.forward(traceOps({ relu: (x, tag) => { blocks.add(tag.block); return x } }), 0)
    expect([...blocks].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 5, 6, 7, 9, 10, 11])
    expect(net.bnEps).toBe(1e-5)
  })
})
