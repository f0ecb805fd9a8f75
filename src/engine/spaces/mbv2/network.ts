/**
 * The MobileNetV2-space network (reference PlainNet with SE, notes §5.3):
 *   input → bilinear resize to R (align_corners=False)
 *   stem: conv3×3 stride 2, explicit pad 1, no bias → BN → ReLU           (block 0)
 *   stage j = 1..7 (block j), L sub-layers each:
 *     1×1 (in→mid) → BN → ReLU → depthwise K×K (stride s on the first sub-layer,
 *     explicit symmetric pad (K−1)/2) → BN → ReLU → SE → 1×1 (mid→C) → BN,
 *     plus shortcut (first sub-layer: conv1×1 stride s WITH bias → BN; later: identity),
 *     then ReLU after the sum;  mid = smartRound(B·E, 8)
 *   SE(mid): GAP → conv1×1 (mid→m, no bias) → BN → ReLU (site 'se') → conv1×1 (m→mid,
 *     no bias) → BN → sigmoid → channel gate;  m = max(1, round(0.25·mid))
 *   head: conv1×1 (c7→c8) → BN → ReLU (block 8) → GAP → linear with bias.
 * BN eps 1e-3. Main-path ReLUs are tagged site 'main' (the reference's WRCor hooks
 * only see the 'se' ones — a proxy-side choice, see the notes).
 */
import type { NetworkDef, Ops } from '../../core/network'
import type { BuildOptions } from '../../core/space'
import { ParamBook } from '../param-book'
import { type Mbv2Arch, midChannels, seChannels, stageIn, mbv2ToString } from './arch'

export const MBV2_BN_EPS = 1e-3

type Fwd = <T>(ops: Ops<T>, x: T) => T

function subLayer(book: ParamBook, name: string, inC: number, outC: number, mid: number, k: number, stride: number, first: boolean, block: number): Fwd {
  const c1 = book.conv(`${name}.expand`, 1, inC, mid)
  const bn1 = book.bn(`${name}.expand.bn`, mid)
  const dw = book.depthwise(`${name}.dw`, k, mid)
  const bn2 = book.bn(`${name}.dw.bn`, mid)
  const m = seChannels(mid)
  const se1 = book.conv(`${name}.se.reduce`, 1, mid, m)
  const seBn1 = book.bn(`${name}.se.reduce.bn`, m)
  const se2 = book.conv(`${name}.se.expand`, 1, m, mid)
  const seBn2 = book.bn(`${name}.se.expand.bn`, mid)
  const c3 = book.conv(`${name}.project`, 1, mid, outC)
  const bn3 = book.bn(`${name}.project.bn`, outC)
  const proj = first ? book.conv(`${name}.shortcut`, 1, inC, outC, true) : null
  const projBn = first ? book.bn(`${name}.shortcut.bn`, outC) : null
  const pad = (k - 1) / 2
  return <T>(ops: Ops<T>, x: T): T => {
    // the projection shortcut runs first, so a backward reaches it last: the block input's gradient from the
    // shortcut is not held through the whole main-path backward (issue #18; same values — its two gradient terms
    // are summed once, and a + b = b + a exactly)
    const sc = proj ? ops.batchNorm(ops.conv2d(x, proj.w, { stride, pad: 0, bias: proj.b }), projBn!.gamma, projBn!.beta) : x
    let h = ops.relu(ops.batchNorm(ops.conv2d(x, c1.w, { stride: 1, pad: 0 }), bn1.gamma, bn1.beta), { block, site: 'main' })
    h = ops.relu(ops.batchNorm(ops.conv2d(h, dw, { stride, pad, depthwise: true }), bn2.gamma, bn2.beta), { block, site: 'main' })
    let g = ops.globalAvgPool(h)
    g = ops.relu(ops.batchNorm(ops.conv2d(g, se1.w, { stride: 1, pad: 0 }), seBn1.gamma, seBn1.beta), { block, site: 'se' })
    g = ops.sigmoid(ops.batchNorm(ops.conv2d(g, se2.w, { stride: 1, pad: 0 }), seBn2.gamma, seBn2.beta))
    h = ops.mulChannels(h, g)
    h = ops.batchNorm(ops.conv2d(h, c3.w, { stride: 1, pad: 0 }), bn3.gamma, bn3.beta)
    return ops.relu(ops.add(h, sc), { block, site: 'main' })
  }
}

/** Builds the network; `opts.inputSize` is what the loader yields (resized to R inside). */
export function buildMbv2Network(a: Mbv2Arch, opts: BuildOptions): NetworkDef {
  const book = new ParamBook()
  const stem = book.conv('stem', 3, 3, a.stem)
  const stemBn = book.bn('stem.bn', a.stem)
  /** one entry per stage (unit j + 1): its L sub-layers in order */
  const layers: Fwd[][] = []
  a.stages.forEach((st, j) => {
    const mid = midChannels(st)
    const subs: Fwd[] = []
    for (let i = 0; i < st.l; i++) {
      subs.push(subLayer(book, `stage${j + 1}.${i}`, i === 0 ? stageIn(a, j) : st.c, st.c, mid, st.k, i === 0 ? st.s : 1, i === 0, j + 1))
    }
    layers.push(subs)
  })
  const c7 = a.stages[a.stages.length - 1].c
  const head = book.conv('head', 1, c7, a.head)
  const headBn = book.bn('head.bn', a.head)
  const fc = book.linear('classifier', a.head, opts.numClasses)
  const headBlock = a.stages.length + 1
  return {
    name: mbv2ToString(a),
    params: book.specs,
    numBlocks: headBlock + 1,
    inputShape: [opts.inputSize, opts.inputSize, 3],
    numClasses: opts.numClasses,
    bnEps: MBV2_BN_EPS,
    forward<T>(ops: Ops<T>, x: T): T {
      let h = ops.resizeBilinear(x, a.resolution)
      h = ops.relu(ops.batchNorm(ops.conv2d(h, stem.w, { stride: 2, pad: 1 }), stemBn.gamma, stemBn.beta), { block: 0, site: 'main' })
      h = ops.unitOutput(h, 0)
      layers.forEach((subs, j) => {
        for (const f of subs) h = f(ops, h)
        h = ops.unitOutput(h, j + 1)
      })
      h = ops.relu(ops.batchNorm(ops.conv2d(h, head.w, { stride: 1, pad: 0 }), headBn.gamma, headBn.beta), { block: headBlock, site: 'main' })
      h = ops.unitOutput(h, headBlock)
      return ops.linear(ops.globalAvgPool(h), fc.w, fc.b)
    },
  }
}
