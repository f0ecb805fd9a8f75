import { describe, expect, it } from 'vitest'
import { Rng } from '../../../../src/engine/core/rng'
import { ZsnasError } from '../../../../src/engine/core/errors'
import { edgeCount, pruneAndValidate } from '../../../../src/engine/spaces/nb101/cell'
import { createNb101Space, nb101Space } from '../../../../src/engine/spaces/nb101/space'
import { readNb101Sample } from './csv'

const sp = nb101Space

describe('NB101 space', () => {
  it('prunes dangling vertices (hand example)', () => {
    // vertex 2 has no path to the output, vertex 3 none from the input
    const p = pruneAndValidate({
      matrix: [[0,1,1,0,0],[0,0,0,0,1],[0,0,0,0,0],[0,0,0,0,1],[0,0,0,0,0]],
      ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'output'],
    })
    expect(p).toEqual({ matrix: [[0,1,0],[0,0,1],[0,0,0]], ops: ['input', 'conv3x3-bn-relu', 'output'] })
    expect(pruneAndValidate({ matrix: [[0,1,0],[0,0,0],[0,0,0]], ops: ['input', 'maxpool3x3', 'output'] })).toBeNull()
  })

  it('round-trips the canonical string for every shared cell, and parses JSON', () => {
    for (const r of readNb101Sample().slice(0, 100)) {
      const a = sp.fromString(JSON.stringify(r.raw))
      expect(sp.fromString(sp.toString(a))).toEqual(a)
      expect(sp.hash(a)).toBe(r.hash)
    }
    expect(sp.toString(sp.fromString('matrix=011/001/000;ops=input,conv3x3-bn-relu,output'))).toBe('matrix=011/001/000;ops=input,conv3x3-bn-relu,output')
  })

  it('rejects malformed or invalid cells with INVALID_ARCH', () => {
    for (const s of ['', 'matrix=01/00;ops=input', 'matrix=010/001/000;ops=input,conv5x5,output', 'matrix=010/000/000;ops=input,conv3x3-bn-relu,output', 'matrix=001/100/000;ops=input,maxpool3x3,output']) {
      expect(() => sp.fromString(s)).toThrowError(ZsnasError)
      try { sp.fromString(s) } catch (e) { expect((e as ZsnasError).code).toBe('INVALID_ARCH') }
    }
  })

  it('samples valid pruned cells deterministically from the seed', () => {
    const r1 = new Rng(5), r2 = new Rng(5)
    for (let i = 0; i < 200; i++) {
      const a = sp.sample(r1)
      expect(sp.toString(sp.sample(r2))).toBe(sp.toString(a))
      expect(a.matrix.length).toBeLessThanOrEqual(7)
      expect(edgeCount(a.matrix)).toBeLessThanOrEqual(9)
      expect(pruneAndValidate(a)).toEqual(a)
    }
  })

  it('samples uniformly from a given pool', () => {
    const pool = readNb101Sample().slice(0, 4).map((r) => pruneAndValidate(r.raw)!)
    const s = createNb101Space({ pool })
    const rng = new Rng(1)
    const counts = new Map<string, number>()
    for (let i = 0; i < 4000; i++) { const h = s.toString(s.sample(rng)); counts.set(h, (counts.get(h) ?? 0) + 1) }
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150) // ±4.7σ
  })

  it('mutation: valid, different, and explained by one op change plus one edge flip', () => {
    const rng = new Rng(9)
    for (let t = 0; t < 300; t++) {
      const p = sp.sample(rng)
      const c = sp.mutate(p, rng)
      expect(pruneAndValidate(c)).toEqual(c)
      expect(sp.hash(c)).not.toBe(sp.hash(p))
      // when no vertex was pruned away, exactly one interior op differs and ≤ 1 matrix entry differs
      if (c.matrix.length === p.matrix.length) {
        let opDiff = 0
        for (let i = 0; i < c.ops.length; i++) if (c.ops[i] !== p.ops[i]) opDiff++
        let edgeDiff = 0
        for (let i = 0; i < c.matrix.length; i++) for (let j = 0; j < c.matrix.length; j++) if (c.matrix[i][j] !== p.matrix[i][j]) edgeDiff++
        expect(opDiff).toBe(1)
        expect(edgeDiff).toBeLessThanOrEqual(1)
      }
    }
  })

  it('decisions round-trip (5 ops + 21 Bernoulli edges) and invalid vectors give null', () => {
    const d = sp.decisions()
    expect(d.length).toBe(26)
    expect(d.filter((x) => x.bernoulli).length).toBe(21)
    const rng = new Rng(3)
    for (let i = 0; i < 100; i++) {
      const a = sp.sample(rng)
      const v = sp.toDecisions(a)
      expect(v.every((x, k) => x >= 0 && x < d[k].options)).toBe(true)
      expect(sp.fromDecisions(v)).toEqual(a)
    }
    expect(sp.fromDecisions(new Array(26).fill(0))).toBeNull() // no edges: output unreachable
  })
})

describe('NB101 default sampler', () => {
  it('has the vertex-count distribution of nasbench random_spec sampling (as in the shared NASLib sample)', () => {
    const ref = new Map<number, number>()
    const rows = readNb101Sample()
    for (const r of rows) { const n = pruneAndValidate(r.raw)!.matrix.length; ref.set(n, (ref.get(n) ?? 0) + 1) }
    const rng = new Rng(21)
    const ours = new Map<number, number>()
    const n = 4000
    for (let i = 0; i < n; i++) { const v = nb101Space.sample(rng).matrix.length; ours.set(v, (ours.get(v) ?? 0) + 1) }
    for (let v = 2; v <= 7; v++) {
      expect(Math.abs((ours.get(v) ?? 0) / n - (ref.get(v) ?? 0) / rows.length)).toBeLessThan(0.06)
    }
  })
})
