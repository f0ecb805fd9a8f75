/**
 * Hand-built tiny networks with weights written in the tests, so proxy values
 * can be computed by hand (or in plain float64 JS) independently of tfjs.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import type { NetworkDef, Ops, ParamSpec } from '../../../src/engine/core/network'
import type { ParamStore } from '../../../src/engine/nn/params'
import type { Batch } from '../../../src/engine/core/data'

/** Activates a tfjs backend (wasm by default: what production uses), failing loudly on fallback. */
export async function backend(name: 'wasm' | 'cpu' = 'wasm'): Promise<void> {
  const ok = await tf.setBackend(name)
  if (!ok || tf.getBackend() !== name) throw new Error(`backend ${name} unavailable`)
}

/** Row-major matrix [rows][cols]. */
export type Mat = number[][]

export interface MlpWeights {
  /** W1 [in][hidden] */
  w1: Mat
  b1?: number[]
  /** W2 [hidden][out] */
  w2: Mat
  b2?: number[]
}

/**
 * x [N,1,1,in] → linear(W1, b1) → ReLU (block 0) → linear(W2, b2) → logits.
 * Returns the definition and a parameter store holding exactly the given values.
 */
export function mlp(wts: MlpWeights): { def: NetworkDef; params: ParamStore } {
  const inF = wts.w1.length
  const hid = wts.w1[0].length
  const out = wts.w2[0].length
  const specs: ParamSpec[] = [{ name: 'fc1', kind: 'linear', shape: [inF, hid], fanIn: inF, fanOut: hid }]
  if (wts.b1) specs.push({ name: 'fc1.b', kind: 'bias', shape: [hid], fanIn: inF, fanOut: hid })
  specs.push({ name: 'fc2', kind: 'linear', shape: [hid, out], fanIn: hid, fanOut: out })
  if (wts.b2) specs.push({ name: 'fc2.b', kind: 'bias', shape: [out], fanIn: hid, fanOut: out })
  const def: NetworkDef = {
    name: 'mlp',
    params: specs,
    numBlocks: 2,
    inputShape: [1, 1, inF],
    numClasses: out,
    bnEps: 1e-5,
    forward<T>(ops: import('../../../src/engine/core/network').Ops<T>, x: T): T {
      const h = ops.relu(ops.linear(x, 'fc1', wts.b1 ? 'fc1.b' : undefined), { block: 0, site: 'main' })
      return ops.linear(h, 'fc2', wts.b2 ? 'fc2.b' : undefined)
    },
  }
  const params: ParamStore = new Map()
  params.set('fc1', tf.tensor2d(wts.w1))
  if (wts.b1) params.set('fc1.b', tf.tensor1d(wts.b1))
  params.set('fc2', tf.tensor2d(wts.w2))
  if (wts.b2) params.set('fc2.b', tf.tensor1d(wts.b2))
  return { def, params }
}

/**
 * A deep residual chain of width w: h = ReLU(W_0 x), then h ← h + ReLU(W_l h)
 * for 1 ≤ l < depth, then a linear classifier. Weights given as [depth+1]
 * matrices (last = classifier).
 */
export function residualChain(ws: Mat[]): { def: NetworkDef; params: ParamStore } {
  const width = ws[0].length
  const depth = ws.length - 1
  const specs: ParamSpec[] = ws.map((m, l) => ({
    name: `fc${l}`,
    kind: 'linear' as const,
    shape: [m.length, m[0].length],
    fanIn: m.length,
    fanOut: m[0].length,
  }))
  const def: NetworkDef = {
    name: `chain${depth}`,
    params: specs,
    numBlocks: depth,
    inputShape: [1, 1, width],
    numClasses: ws[depth][0].length,
    bnEps: 1e-5,
    forward<T>(ops: import('../../../src/engine/core/network').Ops<T>, x: T): T {
      let h = ops.relu(ops.linear(x, 'fc0'), { block: 0, site: 'main' })
      for (let l = 1; l < depth; l++) h = ops.add(h, ops.relu(ops.linear(h, `fc${l}`), { block: l, site: 'main' }))
      return ops.linear(h, `fc${depth}`)
    },
  }
  const params: ParamStore = new Map(ws.map((m, l) => [`fc${l}`, tf.tensor2d(m)]))
  return { def, params }
}

/** A batch [N,1,1,d] from rows of numbers. */
export function vecBatch(rows: number[][], labels: number[], numClasses: number): Batch {
  const d = rows[0].length
  return {
    x: Float32Array.from(rows.flat()),
    shape: [rows.length, 1, 1, d],
    labels: Int32Array.from(labels),
    numClasses,
  }
}

export function disposeStore(p: ParamStore): void {
  for (const t of p.values()) t.dispose()
}

/**
 * x [N,1,1,I] → 1×1 conv W1 (no bias) → BN (train, biased variance, γ=1, β=0)
 * → ReLU → global pool (identity on 1×1) → linear W2 + b2 (default 0). Pre-GAP features = the ReLU output.
 */
export function bnNet(w1: Mat, w2: Mat, b2: number[] = w2[0].map(() => 0)): { def: NetworkDef; params: ParamStore } {
  const I = w1.length
  const H = w1[0].length
  const O = w2[0].length
  const specs: ParamSpec[] = [
    { name: 'conv', kind: 'conv', shape: [1, 1, I, H], fanIn: I, fanOut: H },
    { name: 'bn.g', kind: 'bnGamma', shape: [H], fanIn: H, fanOut: H },
    { name: 'bn.b', kind: 'bnBeta', shape: [H], fanIn: H, fanOut: H },
    { name: 'fc', kind: 'linear', shape: [H, O], fanIn: H, fanOut: O },
    { name: 'fc.b', kind: 'bias', shape: [O], fanIn: H, fanOut: O },
  ]
  const def: NetworkDef = {
    name: 'bnnet',
    params: specs,
    numBlocks: 1,
    inputShape: [1, 1, I],
    numClasses: O,
    bnEps: 1e-5,
    forward<T>(ops: Ops<T>, x: T): T {
      const h = ops.relu(ops.batchNorm(ops.conv2d(x, 'conv', { stride: 1, pad: 0 }), 'bn.g', 'bn.b'), { block: 0, site: 'main' })
      return ops.linear(ops.globalAvgPool(h), 'fc', 'fc.b')
    },
  }
  const params: ParamStore = new Map()
  params.set('conv', tf.tensor4d(w1.flat(), [1, 1, I, H]))
  params.set('bn.g', tf.ones([H]))
  params.set('bn.b', tf.zeros([H]))
  params.set('fc', tf.tensor2d(w2))
  params.set('fc.b', tf.tensor1d(b2))
  return { def, params }
}
