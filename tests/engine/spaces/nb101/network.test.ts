import { traceOps } from '../trace-ops'
import { describe, expect, it } from 'vitest'
import { pruneAndValidate } from '../../../../src/engine/spaces/nb101/cell'
import { buildNb101Network, vertexChannels } from '../../../../src/engine/spaces/nb101/network'
import { ZsnasError } from '../../../../src/engine/core/errors'
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

  describe('the width option (channels = stem channels, stacks C, 2C, 4C)', () => {
    const A = JSON.stringify({
      matrix: [[0,1,0,0,1,1,0],[0,0,1,0,0,0,0],[0,0,0,1,0,0,1],[0,0,0,0,0,1,0],[0,0,0,0,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]],
      ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'],
    })
    const CHAIN = 'matrix=010/001/000;ops=input,conv1x1-bn-relu,output'

    /**
     * By hand for the chain input → conv1x1 → output at width C: stem 3·3·3·C + 2C; a cell in→out has
     * the projection 1×1 in·out + 2out and the vertex's 1×1 out·out + 2out; stacks (C→C, C→C, C→C),
     * (C→2C, 2C→2C ×2), (2C→4C, 4C→4C ×2); classifier 4C·10 + 10.
     */
    function chainParams(c: number): number {
      const cell = (i: number, o: number): number => i * o + 2 * o + o * o + 2 * o
      let n = 27 * c + 2 * c
      for (const [i, o] of [[c, c], [c, c], [c, c], [c, 2 * c], [2 * c, 2 * c], [2 * c, 2 * c], [2 * c, 4 * c], [4 * c, 4 * c], [4 * c, 4 * c]]) n += cell(i, o)
      return n + 4 * c * 10 + 10
    }

    it('the default network is width 128: the published anchor count, and channels: 128 builds the same parameters', () => {
      const cell = nb101Space.fromString(A)
      const dflt = buildNb101Network(cell, opts, 'a')
      expect(countParams(dflt.params)).toBe(8_555_530)
      expect(buildNb101Network(cell, { ...opts, channels: 128 }, 'a').params).toEqual(dflt.params)
    })

    it.each([5, 8, 16, 40])('width %i: the hand-computed count of the chain cell; the 7-vertex cell has the same parameter names', (c) => {
      const chain = buildNb101Network(nb101Space.fromString(CHAIN), { ...opts, channels: c }, 'chain')
      expect(countParams(chain.params)).toBe(chainParams(c))
      const cell = nb101Space.fromString(A)
      const narrow = buildNb101Network(cell, { ...opts, channels: c }, 'a')
      const dflt = buildNb101Network(cell, opts, 'a')
      expect(narrow.params.map((p) => p.name)).toEqual(dflt.params.map((p) => p.name))
      expect(narrow.numBlocks).toBe(dflt.numBlocks)
      // every vertex keeps ≥ 1 channel (5 = the most vertices feeding the output)
      expect(narrow.params.every((p) => p.shape.every((d) => d >= 1))).toBe(true)
    })

    it('the chain cell at width 128 by hand equals the builder (the formula above is the default network\'s)', () => {
      expect(countParams(buildNb101Network(nb101Space.fromString(CHAIN), opts, 'chain').params)).toBe(chainParams(128))
    })

    it.each([4, 0, 6.5, 4097])('channels = %s is INVALID_OPTION naming the option and its bounds', (c) => {
      let err: unknown
      try {
        buildNb101Network(nb101Space.fromString(CHAIN), { ...opts, channels: c }, 'chain')
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ZsnasError)
      expect((err as ZsnasError).code).toBe('INVALID_OPTION')
      expect((err as ZsnasError).message).toMatch(/NB101 network: .*\(channels\) must be an integer in 5\.\.4096, got/)
    })
  })
})
