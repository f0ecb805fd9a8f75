/**
 * The standard MobileNetV2 (torchvision layout, width 1.0, 1000 classes) as a
 * `NetworkDef`, used to check the counting machinery against published anchors
 * (300,774,272 MACs and 3,504,872 params incl. BN γ/β at 224 px). Layout:
 * stem conv3×3/2 (3→32) → 17 inverted residuals (t,c,n,s) = (1,16,1,1),
 * (6,24,2,2), (6,32,3,2), (6,64,4,2), (6,96,3,1), (6,160,3,2), (6,320,1,1)
 * (1×1 expand unless t = 1 → depthwise 3×3 → 1×1 project → BN, identity
 * residual when stride 1 and in = out) → conv1×1 (320→1280) → GAP → linear.
 * Deviation: ReLU6 is expressed as ReLU (the `Ops` algebra has no ReLU6);
 * counts are unaffected. Not part of the search space.
 */
import type { NetworkDef, Ops } from '../../core/network'
import { ParamBook } from '../param-book'

type Fwd = <T>(ops: Ops<T>, x: T) => T

const SETTINGS: [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
]

export function buildTorchvisionMobileNetV2(inputSize = 224, numClasses = 1000): NetworkDef {
  const book = new ParamBook()
  const cbr = (name: string, k: number, inC: number, outC: number, stride: number, dw: boolean, relu: boolean, block: number): Fwd => {
    const w = dw ? book.depthwise(name, k, inC) : book.conv(name, k, inC, outC).w
    const bn = book.bn(`${name}.bn`, outC)
    return (ops, x) => {
      const y = ops.batchNorm(ops.conv2d(x, w, { stride, pad: (k - 1) / 2, depthwise: dw }), bn.gamma, bn.beta)
      return relu ? ops.relu(y, { block, site: 'main' }) : y
    }
  }
  const layers: Fwd[] = [cbr('stem', 3, 3, 32, 2, false, true, 0)]
  let inC = 32
  let idx = 0
  for (const [t, c, n, s] of SETTINGS) {
    for (let i = 0; i < n; i++) {
      idx++
      const stride = i === 0 ? s : 1
      const hid = inC * t
      const parts: Fwd[] = []
      if (t !== 1) parts.push(cbr(`ir${idx}.expand`, 1, inC, hid, 1, false, true, idx))
      parts.push(cbr(`ir${idx}.dw`, 3, hid, hid, stride, true, true, idx))
      parts.push(cbr(`ir${idx}.project`, 1, hid, c, 1, false, false, idx))
      const residual = stride === 1 && inC === c
      layers.push(<T>(ops: Ops<T>, x: T): T => {
        let h = x
        for (const p of parts) h = p(ops, h)
        return residual ? ops.add(h, x) : h
      })
      inC = c
    }
  }
  layers.push(cbr('head', 1, inC, 1280, 1, false, true, idx + 1))
  const fc = book.linear('classifier', 1280, numClasses)
  return {
    name: 'mobilenet_v2_1.0',
    params: book.specs,
    numBlocks: idx + 2,
    inputShape: [inputSize, inputSize, 3],
    numClasses,
    bnEps: 1e-5,
    forward<T>(ops: Ops<T>, x: T): T {
      let h = x
      for (const f of layers) h = f(ops, h)
      return ops.linear(ops.globalAvgPool(h), fc.w, fc.b)
    },
  }
}
