/**
 * The NAS-Bench-101 network (TF original `model_builder`, PyTorch port of the
 * reference, notes §5.1): stem ConvBnRelu 3×3 (3→128), 3 stacks × 3 cells,
 * 2×2 max-pool (valid) with channel doubling before stacks 2 and 3, global
 * average pool, dense layer with bias. Convs have no bias; BN has γ, β.
 *
 * Cell internals (`build_module` / `compute_vertex_channels`): the output
 * channels are split among the vertices feeding the output (remainder +1 to
 * the first ones), other interior vertices get the max of their successors;
 * inputs from earlier vertices are truncated (first channels) to the vertex's
 * width; the cell input reaches a vertex through a 1×1 ConvBnRelu projection;
 * a vertex sums its inputs then applies its op; the cell output concatenates
 * the vertices feeding the output (+ the projected input when input→output;
 * only the projection when no interior vertex feeds the output).
 *
 * WRCor block indices (notes §1.2): stem 0, cells 1–3, pool 4, cells 5–7,
 * pool 8, cells 9–11 → `numBlocks` = 12.
 */
import type { NetworkDef, Ops } from '../../core/network'
import type { BuildOptions } from '../../core/space'
import { ZsnasError } from '../../core/errors'
import { optionProblem, type OptionSpec } from '../../core/options'
import { ParamBook } from '../param-book'
import type { Nb101Cell } from './cell'

export const NB101_STEM_CHANNELS = 128
export const NB101_STACKS = 3
export const NB101_CELLS_PER_STACK = 3

/**
 * The builder's width option, declared once: the stem's output channels (the
 * stacks then have C, 2C, 4C). The default is the benchmark's 128
 * (`NB101_STEM_CHANNELS`): only the default gives NB101's published parameter
 * counts. The minimum, 5, is the most interior vertices a 7-vertex cell can
 * feed to its output: `compute_vertex_channels` gives each ⌊C/k⌋ ≥ 1 channel.
 * A narrower network is for tests and experiments that need the same graph
 * at a lower cost.
 */
export const NB101_CHANNELS_OPTION: OptionSpec = {
  key: 'channels',
  label: 'NB101 stem channels',
  description: "Output channels of the stem (stacks C, 2C, 4C); the benchmark's network is C = 128",
  type: 'int',
  default: NB101_STEM_CHANNELS,
  min: 5,
  max: 4096,
}

/** Options of `buildNb101Network`: the space's build options and the width (`NB101_CHANNELS_OPTION`, default 128). */
export interface Nb101BuildOptions extends BuildOptions {
  channels?: number
}

/** Channel count of every vertex (`compute_vertex_channels`); cell must be pruned. */
export function vertexChannels(inC: number, outC: number, m: readonly (readonly number[])[]): number[] {
  const n = m.length
  const ch = new Array<number>(n).fill(0)
  ch[0] = inC
  ch[n - 1] = outC
  if (n === 2) return ch
  let toOut = 0
  for (let v = 1; v < n - 1; v++) toOut += m[v][n - 1]
  const base = Math.floor(outC / toOut)
  let correction = outC % toOut
  for (let v = 1; v < n - 1; v++) {
    if (m[v][n - 1]) {
      ch[v] = base
      if (correction > 0) {
        ch[v] += 1
        correction--
      }
    }
  }
  for (let v = n - 3; v >= 1; v--) {
    if (!m[v][n - 1]) {
      for (let dst = v + 1; dst < n - 1; dst++) if (m[v][dst]) ch[v] = Math.max(ch[v], ch[dst])
    }
  }
  return ch
}

type Fwd = <T>(ops: Ops<T>, x: T) => T

function convBnRelu(book: ParamBook, name: string, k: number, inC: number, outC: number, block: number): Fwd {
  const c = book.conv(name, k, inC, outC)
  const bn = book.bn(`${name}.bn`, outC)
  const pad = (k - 1) / 2
  return (ops, x) => ops.relu(ops.batchNorm(ops.conv2d(x, c.w, { stride: 1, pad }), bn.gamma, bn.beta), { block, site: 'main' })
}

function buildCell(book: ParamBook, name: string, cell: Nb101Cell, inC: number, outC: number, block: number): Fwd {
  const m = cell.matrix
  const n = m.length
  const ch = vertexChannels(inC, outC, m)
  const proj: (Fwd | null)[] = new Array(n).fill(null)
  const vop: (Fwd | null)[] = new Array(n).fill(null)
  for (let t = 1; t < n - 1; t++) {
    if (m[0][t]) proj[t] = convBnRelu(book, `${name}.proj${t}`, 1, inC, ch[t], block)
    const op = cell.ops[t]
    if (op === 'conv3x3-bn-relu') vop[t] = convBnRelu(book, `${name}.v${t}`, 3, ch[t], ch[t], block)
    else if (op === 'conv1x1-bn-relu') vop[t] = convBnRelu(book, `${name}.v${t}`, 1, ch[t], ch[t], block)
    else vop[t] = (ops, x) => ops.maxPool(x, 3, 1, 'same')
  }
  const outProj = m[0][n - 1] ? convBnRelu(book, `${name}.proj_out`, 1, inC, outC, block) : null
  return <T>(ops: Ops<T>, x: T): T => {
    const tensors: T[] = [x]
    const concatIn: T[] = []
    for (let t = 1; t < n - 1; t++) {
      const addIn: T[] = []
      for (let src = 1; src < t; src++) {
        if (m[src][t]) addIn.push(ch[src] > ch[t] ? ops.sliceChannels(tensors[src], ch[t]) : tensors[src])
      }
      if (m[0][t]) addIn.push(proj[t]!(ops, x))
      let vin = addIn[0]
      for (let i = 1; i < addIn.length; i++) vin = ops.add(vin, addIn[i])
      const val = vop[t]!(ops, vin)
      tensors.push(val)
      if (m[t][n - 1]) concatIn.push(val)
    }
    if (concatIn.length === 0) return outProj!(ops, x)
    let out = concatIn.length === 1 ? concatIn[0] : ops.concatChannels(concatIn)
    if (outProj) out = ops.add(out, outProj(ops, x))
    return out
  }
}

/**
 * Builds the NB101 network for a pruned, valid cell (CIFAR-sized input by
 * default); `opts.channels` (default 128) is the stem width. A width outside
 * `NB101_CHANNELS_OPTION`'s bounds is INVALID_OPTION.
 */
export function buildNb101Network(cell: Nb101Cell, opts: Nb101BuildOptions, name: string): NetworkDef {
  const stem = opts.channels ?? (NB101_CHANNELS_OPTION.default as number)
  const problem = optionProblem(NB101_CHANNELS_OPTION, stem)
  if (problem !== undefined) throw new ZsnasError('INVALID_OPTION', `NB101 network: ${NB101_CHANNELS_OPTION.label} (channels) ${problem}`)
  const book = new ParamBook()
  const layers: Fwd[] = []
  layers.push(convBnRelu(book, 'stem', 3, 3, stem, 0))
  let channels = stem
  let inC = channels
  let block = 1
  for (let s = 0; s < NB101_STACKS; s++) {
    if (s > 0) {
      layers.push((ops, x) => ops.maxPool(x, 2, 2, 'valid'))
      block++ // the pool takes a block index (it has no ReLU)
      channels *= 2
    }
    for (let c = 0; c < NB101_CELLS_PER_STACK; c++) {
      layers.push(buildCell(book, `s${s}c${c}`, cell, inC, channels, block))
      inC = channels
      block++
    }
  }
  const fc = book.linear('classifier', channels, opts.numClasses)
  return {
    name,
    params: book.specs,
    numBlocks: block,
    inputShape: [opts.inputSize, opts.inputSize, 3],
    numClasses: opts.numClasses,
    bnEps: 1e-5,
    forward<T>(ops: Ops<T>, x: T): T {
      let h = x
      layers.forEach((f, unit) => {
        h = ops.unitOutput(f(ops, h), unit)
      })
      return ops.linear(ops.globalAvgPool(h), fc.w, fc.b)
    },
  }
}
