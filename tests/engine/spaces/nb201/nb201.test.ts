import { readFileSync } from 'node:fs'
import { traceOps } from '../trace-ops'
import { describe, expect, it } from 'vitest'
import { sharedPath } from '../../../helpers/shared-data'
import {
  nb201Space,
  nb201FromString,
  nb201ToString,
  nb201CellId,
  nb201FromCellId,
  enumerateNb201,
  Nb201BenchmarkIndex,
  buildNb201Network,
  NB201_OPS,
} from '../../../../src/engine/spaces/nb201'
import { countNetwork } from '../../../../src/engine/nn/count'
import { Rng } from '../../../../src/engine/core/rng'
import { ZsnasError } from '../../../../src/engine/core/errors'
import type { ReluTag } from '../../../../src/engine/core/network'

const ALL_CONV3 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'
const NO_CONV = '|skip_connect~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'

function csvArchStrings(): string[] {
  const lines = readFileSync(sharedPath('nb201', 'nats_bench_tss_test_acc.csv'), 'utf8').trim().split(/\r?\n/)
  const col = lines[0].split(',').indexOf('ArchitectureString')
  expect(col).toBeGreaterThanOrEqual(0)
  return lines.slice(1).map((l) => l.split(',')[col])
}

describe('NB201 representations', () => {
  it('round-trips all 15,625 cells through cell id, op indices and arch string', () => {
    const seen = new Set<string>()
    let id = 0
    for (const a of enumerateNb201()) {
      const s = nb201ToString(a)
      expect(nb201FromString(s)).toEqual(a)
      expect(nb201CellId(a)).toBe(id)
      expect(nb201FromCellId(id)).toEqual(a)
      expect(nb201Space.hash(nb201Space.fromString(s))).toBe(s)
      seen.add(s)
      id++
    }
    expect(seen.size).toBe(15625)
  })

  it('parses edges in the order (0→1),(0→2),(1→2),(0→3),(1→3),(2→3)', () => {
    const a = nb201FromString('|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|none~2|')
    expect(a.map((i) => NB201_OPS[i])).toEqual([
      'nor_conv_3x3',
      'none',
      'nor_conv_1x1',
      'skip_connect',
      'avg_pool_3x3',
      'none',
    ])
  })

  it.each([
    ['|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|', /node 1 input 0: unknown op 'conv', expected one of none, skip_connect/],
    ['|none~0|+|none~0|+|none~0|none~1|none~2|', /node 2 has 1 input\(s\), expected 2/],
    ['|none~0|+|none~0|none~1|', /expected 3 node groups/],
    ['|none~1|+|none~0|none~1|+|none~0|none~1|none~2|', /node 1 input 0: token 'none~1' refers to node 1, expected ~0/],
    ['none~0|+|none~0|none~1|+|none~0|none~1|none~2|', /must start and end with '\|'/],
    ['|none|+|none~0|none~1|+|none~0|none~1|none~2|', /token "none" is not of the form op~0/],
  ])('rejects %s with a clear INVALID_ARCH error', (s, msg) => {
    try {
      nb201FromString(s)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ZsnasError)
      expect((e as ZsnasError).code).toBe('INVALID_ARCH')
      expect((e as Error).message).toMatch(msg)
    }
  })

  it('rejects bad op index vectors', () => {
    expect(() => nb201ToString([0, 1, 2, 3, 4])).toThrow(/6 op indices/)
    expect(() => nb201ToString([0, 1, 2, 3, 4, 5])).toThrow(/edge 5 must be an integer in 0..4/)
    expect(() => nb201FromCellId(15625)).toThrow(ZsnasError)
  })
})

describe('NB201 official benchmark index (from the shared CSV, row i = index i)', () => {
  it('maps the README anchors and all 15,625 rows', () => {
    const idx = new Nb201BenchmarkIndex(csvArchStrings())
    expect(idx.stringAt(0)).toBe(
      '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
    )
    expect(idx.indexOf('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|')).toBe(
      6111,
    )
    expect(idx.indexOf(nb201FromString('|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'))).toBe(
      11472,
    )
    for (let i = 0; i < 15625; i += 97) expect(idx.indexOf(idx.archAt(i))).toBe(i)
  })

  it('rejects incomplete or duplicated tables', () => {
    const rows = csvArchStrings()
    expect(() => new Nb201BenchmarkIndex(rows.slice(1))).toThrow(/15625 arch strings/)
    const dup = rows.slice()
    dup[5] = dup[4]
    expect(() => new Nb201BenchmarkIndex(dup)).toThrow(/rows 4 and 5/)
  })
})

describe('NB201 sampling, mutation, decisions', () => {
  it('samples valid cells reproducibly and roughly uniformly per edge', () => {
    const r1 = new Rng(7)
    const r2 = new Rng(7)
    const counts = new Array(5).fill(0)
    for (let i = 0; i < 2000; i++) {
      const a = nb201Space.sample(r1)
      expect(a).toEqual(nb201Space.sample(r2))
      counts[a[2]]++
    }
    for (const c of counts) expect(c).toBeGreaterThan(330)
  })

  it('mutation changes exactly one edge to a different op', () => {
    const rng = new Rng(3)
    for (let i = 0; i < 500; i++) {
      const a = nb201Space.sample(rng)
      const b = nb201Space.mutate(a, rng)
      expect(a.filter((v, e) => v !== b[e]).length).toBe(1)
    }
  })

  it('RL decisions: 6 × 5, round trip, invalid vectors give null', () => {
    expect(nb201Space.decisions()).toHaveLength(6)
    expect(nb201Space.decisions().every((d) => d.options === 5)).toBe(true)
    const a = nb201FromString(ALL_CONV3)
    expect(nb201Space.fromDecisions(nb201Space.toDecisions(a))).toEqual(a)
    expect(nb201Space.fromDecisions([0, 1, 2, 3, 4, 5])).toBeNull()
    expect(nb201Space.size()).toBe(15625)
  })
})

describe('NB201 network: params and FLOPs match the NB201 API anchors', () => {
  const cases: [string, number, number, [number, number], [number, number]][] = [
    // dataset, classes, input size, [params min, max] (M), [FLOPs min, max] (M) — shared/data/nb201/README.md §2
    ['CIFAR-10', 10, 32, [0.073306, 1.531546], [7.78305, 220.11969]],
    ['CIFAR-100', 100, 32, [0.079156, 1.537396], [7.7889, 220.12554]],
    ['ImageNet16-120', 120, 16, [0.080456, 1.538696], [1.9534, 55.03756]],
  ]
  it.each(cases)('%s anchors for the no-conv and all-conv3x3 cells', (_, numClasses, inputSize, p, f) => {
    const lo = nb201Space.cost(nb201FromString(NO_CONV), { numClasses, inputSize })
    const hi = nb201Space.cost(nb201FromString(ALL_CONV3), { numClasses, inputSize })
    expect(lo.params / 1e6).toBe(p[0])
    expect(hi.params / 1e6).toBe(p[1])
    expect(lo.flops / 1e6).toBeCloseTo(f[0], 10)
    expect(hi.flops / 1e6).toBeCloseTo(f[1], 10)
  })

  it('the anchors are the min and max over all 15,625 CIFAR-10 cells', () => {
    let pMin = Infinity
    let pMax = 0
    let fMin = Infinity
    let fMax = 0
    for (const a of enumerateNb201()) {
      const c = countNetwork(buildNb201Network(a, { numClasses: 10, inputSize: 32 }))
      pMin = Math.min(pMin, c.params)
      pMax = Math.max(pMax, c.params)
      fMin = Math.min(fMin, c.flops)
      fMax = Math.max(fMax, c.flops)
    }
    expect([pMin, pMax, fMin, fMax]).toEqual([73306, 1531546, 7783050, 220119690])
  })
})

describe('NB201 network: the width and depth options (channels = C of the first stage, cellsPerStage = N)', () => {
  /**
   * Parameter count by hand for width C, N cells per stage, all-conv3x3 (conv3) or no-conv cells: stem conv
   * 3·3·3·C + BN 2C; per cell stage c ∈ {C, 2C, 4C}: N cells × 6 edges × (9c² + 2c) when conv3; reductions
   * cin→cout: conv_a 9·cin·cout + 2cout, conv_b 9·cout² + 2cout, shortcut cin·cout; last BN 2·4C; classifier
   * 4C·classes + classes.
   */
  function handParams(c: number, conv3: boolean, cells = 5, classes = 10): number {
    let n = 27 * c + 2 * c
    for (const s of [c, 2 * c, 4 * c]) if (conv3) n += cells * 6 * (9 * s * s + 2 * s)
    for (const [i, o] of [[c, 2 * c], [2 * c, 4 * c]]) n += 9 * i * o + 2 * o + 9 * o * o + 2 * o + i * o
    return n + 2 * 4 * c + 4 * c * classes + classes
  }

  it('the hand count at C = 16 is the published anchor pair, and the default network is C = 16', () => {
    expect([handParams(16, false), handParams(16, true)]).toEqual([73306, 1531546])
    for (const [arch, want] of [[NO_CONV, 73306], [ALL_CONV3, 1531546]] as const) {
      const dflt = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 32 })
      const c16 = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 32, channels: 16 })
      expect(countNetwork(dflt).params).toBe(want)
      expect(c16.params).toEqual(dflt.params)
    }
  })

  it.each([1, 4, 8, 24])('C = %i: the hand-computed parameter count, the same parameter names and graph', (c) => {
    for (const arch of [NO_CONV, ALL_CONV3]) {
      const narrow = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 8, channels: c })
      const dflt = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 8 })
      expect(countNetwork(narrow).params).toBe(handParams(c, arch === ALL_CONV3))
      expect(narrow.params.map((p) => p.name)).toEqual(dflt.params.map((p) => p.name))
      expect(narrow.numBlocks).toBe(dflt.numBlocks)
      const trace = (def: typeof dflt): string[] => {
        const calls: string[] = []
        def.forward(traceOps({ relu: (x, t) => (calls.push(`relu ${t.block} ${t.site}`), x), conv2d: (x, w) => (calls.push(`conv ${w}`), x) }), 0)
        return calls
      }
      expect(trace(narrow)).toEqual(trace(dflt))
    }
  })

  it.each([1, 2, 3])('N = %i cells per stage: the hand-computed count, 3N + 2 blocks, the default network\'s first cells', (cells) => {
    for (const arch of [NO_CONV, ALL_CONV3]) {
      const shallow = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 8, channels: 4, cellsPerStage: cells })
      expect(countNetwork(shallow).params).toBe(handParams(4, arch === ALL_CONV3, cells))
      expect(shallow.numBlocks).toBe(3 * cells + 2)
      // ReLU tags: stage s's cell i is block s·(N+1) + i, reductions at N and 2N + 1, lastact at 3N + 2
      const blocks = new Set<number>()
      shallow.forward(traceOps({ relu: (x, t) => (blocks.add(t.block), x) }), 0)
      const want = arch === ALL_CONV3 ? Array.from({ length: 3 * cells + 3 }, (_, b) => b) : [cells, 2 * cells + 1, 3 * cells + 2]
      expect([...blocks].sort((a, b) => a - b)).toEqual(want)
    }
    const dflt = buildNb201Network(nb201FromString(ALL_CONV3), { numClasses: 10, inputSize: 8, cellsPerStage: 5 })
    expect(countNetwork(dflt).params).toBe(1531546)
    expect(dflt.numBlocks).toBe(17)
  })

  it.each([0, 33, 1.5])('cellsPerStage = %s is INVALID_OPTION naming the option and its bounds', (n) => {
    expect(() => buildNb201Network(nb201FromString(NO_CONV), { numClasses: 10, inputSize: 32, cellsPerStage: n })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/NB201 network: .*\(cellsPerStage\) must be an integer in 1\.\.32, got/) }),
    )
  })

  it.each([0, -16, 2.5, 1025, Number.NaN])('channels = %s is INVALID_OPTION naming the option and its bounds', (c) => {
    let err: unknown
    try {
      buildNb201Network(nb201FromString(NO_CONV), { numClasses: 10, inputSize: 32, channels: c })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ZsnasError)
    expect((err as ZsnasError).code).toBe('INVALID_OPTION')
    expect((err as ZsnasError).message).toMatch(/NB201 network: .*\(channels\) must be an integer in 1\.\.1024, got/)
  })
})

describe('NB201 network: ReLU calls and tags (what WRCor hooks)', () => {
  function reluTags(arch: string): ReluTag[] {
    const tags: ReluTag[] = []
    const ops = traceOps({ relu: (x, t) => (tags.push(t), x) })
    buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 32 }).forward(ops, 0)
    return tags
  }

  it('all-conv3x3: 6 per cell × 15, 2 per reduction, lastact = block 17 in-place', () => {
    const t = reluTags(ALL_CONV3)
    expect(t).toHaveLength(15 * 6 + 2 * 2 + 1)
    expect(t.filter((x) => x.block === 5)).toHaveLength(2)
    expect(t.filter((x) => x.block === 11)).toHaveLength(2)
    expect(t.filter((x) => x.block === 16)).toHaveLength(6)
    expect(t[t.length - 1]).toEqual({ block: 17, site: 'lastact', inplace: true })
    expect(new Set(t.map((x) => x.block))).toEqual(new Set(Array.from({ length: 18 }, (_, i) => i)))
  })

  it('no pruning: conv edges out of dead nodes still fire; non-conv ops have no ReLU', () => {
    // node 1 feeds node 3 through a conv, but node 3's other inputs... every conv edge is kept, dead or not
    const t = reluTags('|nor_conv_1x1~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|')
    expect(t).toHaveLength(15 * 2 + 4 + 1)
    expect(reluTags(NO_CONV)).toHaveLength(4 + 1)
  })

  it('rejects bad build options', () => {
    expect(() => buildNb201Network(nb201FromString(NO_CONV), { numClasses: 0, inputSize: 32 })).toThrow(ZsnasError)
  })
})
