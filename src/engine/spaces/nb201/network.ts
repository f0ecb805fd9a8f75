import type { NetworkDef, Ops, ParamSpec } from '../../core/network'
import type { BuildOptions } from '../../core/space'
import { ZsnasError } from '../../core/errors'
import { optionProblem, type OptionSpec } from '../../core/options'
import { EDGE_FROM, EDGE_TO, NB201_NUM_EDGES, NB201_OPS, assertNb201Arch, nb201ToString, type Nb201Arch } from './arch'

/**
 * The builder's width option, declared once: C, the channel count of the first
 * stage (the stages have C, 2C, 4C channels). The default, 16, is the
 * benchmark's network ('infer.tiny' C=16): only the default gives NB201's
 * published parameter counts and accuracies. A narrower network is for tests
 * and experiments that need the same graph at a lower cost.
 */
export const NB201_CHANNELS_OPTION: OptionSpec = {
  key: 'channels',
  label: 'NB201 first-stage channels (C)',
  description: "Channels of the first stage (stages C, 2C, 4C); the benchmark's network is C = 16",
  type: 'int',
  default: 16,
  min: 1,
  max: 1024,
}

/**
 * The builder's depth option, declared once: N, the cells per stage (the
 * network has 3N cells and 2 reductions, 3N + 2 blocks). The default, 5, is
 * the benchmark's network ('infer.tiny' N=5); a shallower network runs the
 * same kernels on fewer blocks, for tests that prove kernels, not accuracy.
 */
export const NB201_CELLS_OPTION: OptionSpec = {
  key: 'cellsPerStage',
  label: 'NB201 cells per stage (N)',
  description: "Cells in each of the 3 stages; the benchmark's network is N = 5",
  type: 'int',
  default: 5,
  min: 1,
  max: 32,
}

/**
 * Options of `buildNb201Network`: the space's build options, the width
 * (`NB201_CHANNELS_OPTION`, default 16) and the depth (`NB201_CELLS_OPTION`,
 * default 5). Both defaults are the benchmark's network.
 */
export interface Nb201BuildOptions extends BuildOptions {
  channels?: number
  cellsPerStage?: number
}

/**
 * NAS-Bench-201 network ('infer.tiny', C=16, N=5), faithful to the reference
 * (reference-implementation.md §5.2):
 *
 *   stem: Conv3×3(3→16, pad 1, no bias) → BN
 *   cells[0..4]   : 5 cells, C=16            (block 0..4)
 *   cells[5]      : ResNet reduction 16→32   (block 5)
 *   cells[6..10]  : 5 cells, C=32            (block 6..10)
 *   cells[11]     : ResNet reduction 32→64   (block 11)
 *   cells[12..16] : 5 cells, C=64            (block 12..16)
 *   lastact: BN → ReLU (in-place in the reference; tag block 17, site 'lastact', inplace)
 *   global average pool → Linear(64→classes, with bias)
 *
 * Cell: node0 = input, node_j = Σ_{i<j} op_ij(node_i) summed in order of i,
 * output node3. Ops: nor_conv_k = ReLU → Conv k×k (stride 1, pad (k−1)/2, no
 * bias) → BN; avg_pool_3x3 = 3×3/s1 average excluding padding (TF 'same');
 * skip_connect = identity; none = x·0 (kept in the graph, gradient 0).
 * Reduction: a = ReLU→Conv3×3/s2 (explicit symmetric pad 1, as PyTorch)→BN,
 * b = ReLU→Conv3×3/s1→BN on a; shortcut = AvgPool2×2/s2 ('valid') → Conv1×1
 * (no bias, no BN); out = shortcut + b.
 *
 * Nothing is pruned: edges out of dead nodes and `none` edges are computed, so
 * every ReLU call the reference hooks (one per conv edge, duplicates included)
 * is a call here, in the reference's order. Every ReLU's tag `block` is the
 * index in the 17-entry cells list. BN eps 1e-5. Every ReLU → Conv → BN
 * (conv edges, conv_a, conv_b) is the reference's `ReLUConvBN`, which its
 * `'ReLU' in type name` hook filter also hooks: the ReLU's tag names the conv
 * (`container.gradLayer`) whose output gradient that container hook sees
 * (reference mode only; docs/reference-hooks.md).
 */
export function buildNb201Network(a: Nb201Arch, opts: Nb201BuildOptions): NetworkDef {
  assertNb201Arch(a)
  const { numClasses, inputSize } = opts
  const [width, cellsPerStage] = [
    [NB201_CHANNELS_OPTION, opts.channels],
    [NB201_CELLS_OPTION, opts.cellsPerStage],
  ].map(([spec, v]) => {
    const o = spec as OptionSpec
    const value = v ?? o.default
    const problem = optionProblem(o, value)
    if (problem !== undefined) throw new ZsnasError('INVALID_OPTION', `NB201 network: ${o.label} (${o.key}) ${problem}`)
    return value as number
  })
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ZsnasError('INVALID_OPTION', `numClasses must be a positive integer, got ${numClasses}`)
  }
  if (!Number.isInteger(inputSize) || inputSize < 4) {
    throw new ZsnasError('INVALID_OPTION', `NB201 input size must be an integer ≥ 4, got ${inputSize}`)
  }
  const params: ParamSpec[] = []
  const conv = (name: string, k: number, cin: number, cout: number): string => {
    params.push({ name, kind: 'conv', shape: [k, k, cin, cout], fanIn: cin * k * k, fanOut: cout * k * k })
    return name
  }
  const bn = (prefix: string, c: number): [string, string] => {
    params.push({ name: `${prefix}.gamma`, kind: 'bnGamma', shape: [c], fanIn: c, fanOut: c })
    params.push({ name: `${prefix}.beta`, kind: 'bnBeta', shape: [c], fanIn: c, fanOut: c })
    return [`${prefix}.gamma`, `${prefix}.beta`]
  }

  // --- parameter specs, in forward order ---
  const channels = [width, 2 * width, 4 * width]
  const stemW = conv('stem.conv', 3, 3, channels[0])
  const stemBn = bn('stem.bn', channels[0])
  type Block =
    | { kind: 'cell'; c: number; edges: ({ w: string; bn: [string, string]; k: number } | null)[] }
    | { kind: 'reduction'; a: string; aBn: [string, string]; b: string; bBn: [string, string]; sc: string }
  const blocks: Block[] = []
  for (let s = 0; s < 3; s++) {
    if (s > 0) {
      const cin = channels[s - 1]
      const cout = channels[s]
      const p = `cells.${blocks.length}`
      blocks.push({
        kind: 'reduction',
        a: conv(`${p}.conv_a`, 3, cin, cout),
        aBn: bn(`${p}.conv_a.bn`, cout),
        b: conv(`${p}.conv_b`, 3, cout, cout),
        bBn: bn(`${p}.conv_b.bn`, cout),
        sc: conv(`${p}.shortcut`, 1, cin, cout),
      })
    }
    for (let i = 0; i < cellsPerStage; i++) {
      const c = channels[s]
      const p = `cells.${blocks.length}`
      const edges = a.map((op, e) => {
        const name = NB201_OPS[op]
        if (name !== 'nor_conv_1x1' && name !== 'nor_conv_3x3') return null
        const k = name === 'nor_conv_1x1' ? 1 : 3
        const ep = `${p}.edge${EDGE_FROM[e]}${EDGE_TO[e]}`
        return { w: conv(`${ep}.conv`, k, c, c), bn: bn(`${ep}.bn`, c), k }
      })
      blocks.push({ kind: 'cell', c, edges })
    }
  }
  const last = channels[2]
  const lastBn = bn('lastact.bn', last)
  params.push({ name: 'classifier.weight', kind: 'linear', shape: [last, numClasses], fanIn: last, fanOut: numClasses })
  params.push({ name: 'classifier.bias', kind: 'bias', shape: [numClasses], fanIn: last, fanOut: numClasses })

  const ops = a.slice()
  return {
    name: nb201ToString(ops),
    params,
    numBlocks: blocks.length,
    inputShape: [inputSize, inputSize, 3],
    numClasses,
    bnEps: 1e-5,
    forward<T>(o: Ops<T>, x: T): T {
      let h = o.batchNorm(o.conv2d(x, stemW, { stride: 1, pad: 1 }), ...stemBn)
      blocks.forEach((blk, block) => {
        if (blk.kind === 'reduction') {
          const ya = o.batchNorm(o.conv2d(o.relu(h, { block, site: 'main', container: { gradLayer: blk.a } }), blk.a, { stride: 2, pad: 1 }), ...blk.aBn)
          const yb = o.batchNorm(o.conv2d(o.relu(ya, { block, site: 'main', container: { gradLayer: blk.b } }), blk.b, { stride: 1, pad: 1 }), ...blk.bBn)
          const sc = o.conv2d(o.avgPool(h, 2, 2, 'valid'), blk.sc, { stride: 1, pad: 0 })
          h = o.unitOutput(o.add(sc, yb), block)
          return
        }
        const nodes: T[] = [h]
        for (let j = 1; j <= 3; j++) {
          let sum: T | null = null
          for (let e = 0; e < NB201_NUM_EDGES; e++) {
            if (EDGE_TO[e] !== j) continue
            const inp = nodes[EDGE_FROM[e]]
            let y: T
            switch (NB201_OPS[ops[e]]) {
              case 'none':
                y = o.zero(inp)
                break
              case 'skip_connect':
                y = inp
                break
              case 'avg_pool_3x3':
                y = o.avgPool(inp, 3, 1, 'same')
                break
              default: {
                const ed = blk.edges[e]!
                y = o.batchNorm(
                  o.conv2d(o.relu(inp, { block, site: 'main', container: { gradLayer: ed.w } }), ed.w, { stride: 1, pad: (ed.k - 1) / 2 }),
                  ...ed.bn,
                )
              }
            }
            sum = sum === null ? y : o.add(sum, y)
          }
          nodes.push(sum as T)
        }
        h = o.unitOutput(nodes[3], block)
      })
      h = o.relu(o.batchNorm(h, ...lastBn), { block: blocks.length, site: 'lastact', inplace: true })
      return o.linear(o.globalAvgPool(h), 'classifier.weight', 'classifier.bias')
    },
  }
}
