/**
 * The tfjs `Ops` interpreter on a tiny network using every op. This file does
 * NOT load tfjs's stock gradients: it checks that the production path
 * differentiates with tfjs-core alone. Asserts: ReLU forward hooks fire in
 * call order with the builder's tags and (pre, post = max(pre, 0)); backward
 * hooks fire exactly once per call with ∂L/∂pre equal to finite differences
 * and zero where pre ≤ 0; BN 'off' is the identity and 'train' normalises
 * with batch statistics; layer hooks see every conv/linear output and its gradient.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import type { Ops } from '../../../src/engine/core/network'
import { Rng } from '../../../src/engine/core/rng'
import { ZsnasError } from '../../../src/engine/core/errors'
import { createTfOps, type ReluCall } from '../../../src/engine/nn/tf-ops'
import { disposeParams, materializeParams } from '../../../src/engine/nn/params'
import { forwardBackward } from '../../../src/engine/nn/run'
import type { Batch } from '../../../src/engine/core/data'
import { TINY_LAYERS, TINY_RELU_TAGS, tinyNet } from './tiny-net'
import { BACKENDS, onBackend, randnValues, relErr } from './helpers'

function batch(n = 4): Batch {
  return { x: randnValues(n * 5 * 5 * 3, 70), shape: [n, 5, 5, 3], labels: new Int32Array([0, 1, 2, 3].slice(0, n)), numClasses: 4 }
}

describe.each(BACKENDS)('createTfOps on %s', (backend) => {
  it('ReLU hooks: forward in call order with tags and post = max(pre,0); backward once per call with the masked gradient', async () => {
    await onBackend(backend, async () => {
      const def = tinyNet()
      const params = materializeParams(def, 'pytorch', new Rng(1))
      const fwd: { call: ReluCall; pre: Float32Array; post: Float32Array }[] = []
      const bwd: { call: ReluCall; g: Float32Array; shape: number[] }[] = []
      const res = await forwardBackward(def, params, batch(), {
        bn: 'train',
        loss: 'ce',
        wrt: 'input',
        hooks: {
          onReluForward: (call, pre, post) => void fwd.push({ call, pre: pre.dataSync().slice() as Float32Array, post: post.dataSync().slice() as Float32Array }),
          onReluBackward: (call, g) => void bwd.push({ call, g: g.dataSync().slice() as Float32Array, shape: g.shape }),
        },
      })
      res.inputGrad?.dispose()
      expect(fwd.map((f) => f.call.index)).toEqual([0, 1, 2, 3])
      expect(fwd.map((f) => f.call.tag)).toEqual(TINY_RELU_TAGS)
      for (const f of fwd) expect(Array.from(f.post)).toEqual(Array.from(f.pre, (v) => Math.max(v, 0)))
      // backward: each call exactly once, in reverse order (the backward pass walks the tape backwards)
      expect(bwd.map((b) => b.call.index)).toEqual([3, 2, 1, 0])
      for (const b of bwd) {
        const f = fwd[b.call.index]
        expect(b.g.length).toBe(f.pre.length)
        for (let i = 0; i < f.pre.length; i++) if (f.pre[i] <= 0) expect(b.g[i] === 0).toBe(true)
        expect(b.g.some((v) => v !== 0)).toBe(true)
      }
      disposeParams(params)
    })
  })

  it('backward-hook gradients equal finite differences of Σlogits w.r.t. each ReLU input', async () => {
    await onBackend(backend, async () => {
      const def = tinyNet()
      const params = materializeParams(def, 'pytorch', new Rng(2))
      const b = batch()
      const grads = new Map<number, Float32Array>()
      const pres = new Map<number, Float32Array>()
      const shapes = new Map<number, number[]>()
      ;(await forwardBackward(def, params, b, {
        bn: 'train',
        loss: 'sumLogits',
        wrt: 'input',
        hooks: {
          onReluForward: (c, pre) => {
            pres.set(c.index, pre.dataSync().slice() as Float32Array)
            shapes.set(c.index, pre.shape)
          },
          onReluBackward: (c, g) => void grads.set(c.index, g.dataSync().slice() as Float32Array),
        },
      })).inputGrad?.dispose()
      // Σlogits with a perturbation δ added to the input of ReLU call `at`, summed in float64
      const sumLogits = (at: number, idx: number, delta: number): number =>
        tf.tidy(() => {
          const inner = createTfOps({ params, bnEps: def.bnEps, bn: 'train' })
          let i = 0
          const ops: Ops<tf.Tensor> = {
            ...inner,
            relu: (x, tag) => {
              if (i++ !== at) return inner.relu(x, tag)
              const d = new Float32Array(x.size)
              d[idx] = delta
              return inner.relu(tf.add(x, tf.tensor(d, x.shape)), tag)
            },
          }
          const y = Array.from(def.forward(ops, tf.tensor4d(b.x, b.shape)).dataSync())
          return y.reduce((s, v) => s + v, 0)
        }) as unknown as number
      for (const at of [0, 1, 2, 3]) {
        const pre = pres.get(at)!
        const g = grads.get(at)!
        // the 4 active entries with the largest |gradient|: smooth points away from the ReLU kink
        const idx = Array.from(pre.keys())
          .filter((i) => pre[i] > 0.05)
          .sort((p, q) => Math.abs(g[q]) - Math.abs(g[p]))
          .slice(0, 4)
        expect(idx.length).toBeGreaterThan(0)
        const h = 1e-3
        const fd = idx.map((i) => (sumLogits(at, i, h) - sumLogits(at, i, -h)) / (2 * h))
        expect(relErr(idx.map((i) => g[i]), fd), `relu #${at}`).toBeLessThan(5e-3)
      }
      expect(shapes.get(2)).toEqual([4, 1, 1, 6])
      disposeParams(params)
    })
  })

  it("BN 'off' is the identity; 'train' uses batch statistics (per-channel mean 0, biased variance 1)", async () => {
    await onBackend(backend, async () => {
      const def = tinyNet()
      const params = materializeParams(def, 'pytorch', new Rng(3))
      for (const mode of ['off', 'train'] as const) {
        let stem: Float32Array | undefined
        let pre0: Float32Array | undefined
        await forwardBackward(def, params, batch(), {
          bn: mode,
          loss: 'ce',
          wrt: 'none',
          hooks: {
            onLayerOutput: (info, out) => void (info.name === 'stem.w' && (stem = out.dataSync().slice() as Float32Array)),
            onReluForward: (c, pre) => void (c.index === 0 && (pre0 = pre.dataSync().slice() as Float32Array)),
          },
        })
        if (mode === 'off') expect(Array.from(pre0!)).toEqual(Array.from(stem!))
        else {
          for (let c = 0; c < 4; c++) {
            const v = Array.from(pre0!).filter((_, i) => i % 4 === c)
            const mean = v.reduce((a, x) => a + x, 0) / v.length
            const variance = v.reduce((a, x) => a + (x - mean) ** 2, 0) / v.length
            expect(Math.abs(mean)).toBeLessThan(1e-5)
            expect(variance).toBeGreaterThan(0.99)
            expect(variance).toBeLessThan(1 + 1e-4)
          }
        }
      }
      disposeParams(params)
    })
  })

  it('layer hooks: every conv/linear output in order, and ∂CE/∂logits = (softmax − onehot)/N', async () => {
    await onBackend(backend, async () => {
      const def = tinyNet()
      const params = materializeParams(def, 'pytorch', new Rng(4))
      const seen: string[] = []
      let gLogits: Float32Array | undefined
      const b = batch()
      const res = await forwardBackward(def, params, b, {
        bn: 'train',
        loss: 'ce',
        wrt: 'input',
        hooks: {
          onLayerOutput: (info, out) => {
            seen.push(info.name)
            expect(info.kind).toBe(info.name === 'fc.w' ? 'linear' : 'conv')
            expect(out.rank).toBe(info.kind === 'linear' ? 2 : 4)
          },
          onLayerBackward: (info, g) => void (info.name === 'fc.w' && (gLogits = g.dataSync().slice() as Float32Array)),
        },
      })
      res.inputGrad?.dispose()
      expect(seen).toEqual(TINY_LAYERS)
      const want: number[] = []
      for (let i = 0; i < 4; i++) {
        const row = Array.from(res.logits.slice(i * 4, i * 4 + 4))
        const m = Math.max(...row)
        const z = row.reduce((a, v) => a + Math.exp(v - m), 0)
        row.forEach((v, j) => want.push((Math.exp(v - m) / z - (j === b.labels[i] ? 1 : 0)) / 4))
      }
      expect(relErr(gLogits!, want)).toBeLessThan(1e-5)
      disposeParams(params)
    })
  })

  it('missing parameters and bad options are ZsnasErrors', async () => {
    await onBackend(backend, () => {
      const ops = createTfOps({ params: new Map(), bnEps: 1e-5, bn: 'train' })
      tf.tidy(() => {
        expect(() => ops.conv2d(tf.zeros([1, 2, 2, 1]), 'nope', { stride: 1, pad: 'same' })).toThrow(ZsnasError)
      })
      expect(() => createTfOps({ params: new Map(), bnEps: 1e-5, bn: 'inference' as 'train' })).toThrow(/bn must be/)
    })
  })
})
