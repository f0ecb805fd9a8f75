/**
 * forwardBackward: loss values equal float64 hand computations from the
 * returned logits; ∂L/∂input and ∂L/∂θ equal finite differences; parameters
 * the loss does not reach get zero gradients; wrt 'input' computes no weight
 * gradients; every tensor is released (numTensors) and repeated runs do not
 * grow memory; cpu and wasm agree; bad input raises ZsnasErrors.
 * Stock tfjs gradients are NOT loaded here (production path).
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/engine/core/rng'
import { ZsnasError } from '../../../src/engine/core/errors'
import type { Batch } from '../../../src/engine/core/data'
import { disposeParams, materializeParams, type ParamStore } from '../../../src/engine/nn/params'
import { forwardBackward, type RunOptions } from '../../../src/engine/nn/run'
import { tinyNet } from './tiny-net'
import { BACKENDS, onBackend, randnValues, relErr } from './helpers'

const B = 4
function batch(): Batch {
  return { x: randnValues(B * 5 * 5 * 3, 80), shape: [B, 5, 5, 3], labels: new Int32Array([3, 0, 2, 1]), numClasses: 4 }
}

/** The loss recomputed in float64 from the float32 logits (finite differences need the extra precision). */
async function lossWith(def: ReturnType<typeof tinyNet>, params: ParamStore, b: Batch, loss: RunOptions['loss']): Promise<number> {
  const z = (await forwardBackward(def, params, b, { bn: 'train', loss, wrt: 'none' })).logits
  if (loss === 'sumLogits') return z.reduce((a, v) => a + v, 0)
  let s = 0
  for (let i = 0; i < B; i++) {
    const row = Array.from(z.slice(i * 4, i * 4 + 4))
    const m = Math.max(...row)
    s += (m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) - row[b.labels[i]]) / B
  }
  return s
}

describe.each(BACKENDS)('forwardBackward on %s', (backend) => {
  it('loss: mean CE with the true labels and Σlogits equal hand computations from the logits', async () => {
    await onBackend(backend, async () => {
      const def = tinyNet()
      const params = materializeParams(def, 'pytorch', new Rng(5))
      const b = batch()
      const ce = await forwardBackward(def, params, b, { bn: 'train', loss: 'ce', wrt: 'none' })
      let want = 0
      for (let i = 0; i < B; i++) {
        const row = Array.from(ce.logits.slice(i * 4, i * 4 + 4))
        const m = Math.max(...row)
        want += (m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) - row[b.labels[i]]) / B
      }
      expect(ce.logits.length).toBe(B * 4)
      expect(ce.loss).toBeCloseTo(want, 5)
      const s = await forwardBackward(def, params, b, { bn: 'train', loss: 'sumLogits', wrt: 'none' })
      expect(Array.from(s.logits)).toEqual(Array.from(ce.logits))
      expect(s.loss).toBeCloseTo(Array.from(s.logits).reduce((a, v) => a + v, 0), 4)
      disposeParams(params)
    })
  })

  it('∂L/∂input equals finite differences', async () => {
    await onBackend(backend, async () => {
      const def = tinyNet()
      const params = materializeParams(def, 'pytorch', new Rng(6))
      const b = batch()
      const res = await forwardBackward(def, params, b, { bn: 'train', loss: 'sumLogits', wrt: 'input' })
      const g = res.inputGrad!.dataSync().slice()
      expect(res.inputGrad!.shape).toEqual(b.shape)
      res.inputGrad!.dispose()
      const idx = Array.from(g.keys()).sort((p, q) => Math.abs(g[q]) - Math.abs(g[p])).slice(0, 5)
      // small step: larger ones cross ReLU / max-pool kinks (checked: FD converges to autodiff as h -> 1e-3)
      const h = 1e-3
      const fd: number[] = []
      for (const i of idx) {
        const p = { ...b, x: b.x.slice() }
        const m = { ...b, x: b.x.slice() }
        p.x[i] += h
        m.x[i] -= h
        fd.push(((await lossWith(def, params, p, 'sumLogits')) - (await lossWith(def, params, m, 'sumLogits'))) / (2 * h))
      }
      expect(relErr(idx.map((i) => g[i]), fd)).toBeLessThan(5e-3)
      disposeParams(params)
    })
  })

  it('∂L/∂θ equals finite differences; an unused parameter gets a zero gradient', async () => {
    await onBackend(backend, async () => {
      const def = tinyNet(true)
      const params = materializeParams(def, 'pytorch', new Rng(7))
      const b = batch()
      const names = ['c2.w', 'stem.g', 'dw.w', 'dw.b', 'fc.b', 'unused.w']
      const res = await forwardBackward(def, params, b, { bn: 'train', loss: 'ce', wrt: 'params', paramNames: names })
      expect([...res.paramGrads!.keys()]).toEqual(names)
      const unused = res.paramGrads!.get('unused.w')!
      expect(unused.shape).toEqual([1, 1, 6, 6])
      expect(Array.from(unused.dataSync()).every((v) => v === 0)).toBe(true)
      for (const name of names.slice(0, 5)) {
        const gt = res.paramGrads!.get(name)!
        expect(gt.shape).toEqual(params.get(name)!.shape)
        const g = gt.dataSync().slice()
        const idx = Array.from(g.keys()).sort((p, q) => Math.abs(g[q]) - Math.abs(g[p])).slice(0, 3)
        const base = params.get(name)!
        const vals = base.dataSync().slice()
        const h = 1e-3
        const fd: number[] = []
        for (const i of idx) {
          const at = async (d: number) => {
            const v = vals.slice()
            v[i] += d
            const t = tf.tensor(v, base.shape)
            const p2 = new Map(params)
            p2.set(name, t)
            const l = await lossWith(def, p2, b, 'ce')
            t.dispose()
            return l
          }
          fd.push(((await at(h)) - (await at(-h))) / (2 * h))
        }
        expect(relErr(idx.map((i) => g[i]), fd), name).toBeLessThan(5e-3)
      }
      for (const t of res.paramGrads!.values()) t.dispose()
      disposeParams(params)
    })
  })

  it("wrt 'input' computes no weight gradients (kernel counts of the whole pass)", async () => {
    await onBackend(backend, async () => {
      const def = tinyNet()
      const params = materializeParams(def, 'pytorch', new Rng(8))
      const b = batch()
      const count = async (wrt: 'input' | 'params') => {
        const info = await tf.profile(async () => {
          const r = await forwardBackward(def, params, b, { bn: 'train', loss: 'ce', wrt })
          r.inputGrad?.dispose()
          for (const t of r.paramGrads?.values() ?? []) t.dispose()
        })
        const n = (k: string) => info.kernels.filter((e) => e.name === k).length
        return { conv: n('Conv2D'), dw: n('DepthwiseConv2dNative'), mm: n('BatchMatMul') }
      }
      // 4 regular convs (stem, c1, c2, se): forward + dx each; depthwise: forward + dx;
      // matMuls: fc forward + fc dx + the two resize-backward contractions
      expect(await count('input')).toEqual({ conv: 8, dw: 2, mm: 4 })
      // + one dilated convolution per conv for dW, + fc dW; the image (resize) is not differentiated
      expect(await count('params')).toEqual({ conv: 12, dw: 3, mm: 3 })
      disposeParams(params)
    })
  })

  it('releases every tensor: numTensors returns to the baseline after disposeParams, repeated runs do not grow', async () => {
    await onBackend(backend, async () => {
      const start = tf.memory().numTensors
      const def = tinyNet()
      const params = materializeParams(def, 'pytorch', new Rng(9))
      const afterParams = tf.memory().numTensors
      expect(afterParams - start).toBe(def.params.length)
      const b = batch()
      const once = async () => {
        const r1 = await forwardBackward(def, params, b, { bn: 'train', loss: 'ce', wrt: 'input', hooks: { onReluBackward: () => undefined } })
        r1.inputGrad!.dispose()
        const r2 = await forwardBackward(def, params, b, { bn: 'train', loss: 'ce', wrt: 'params' })
        for (const t of r2.paramGrads!.values()) t.dispose()
        await forwardBackward(def, params, b, { bn: 'off', loss: 'sumLogits', wrt: 'none' })
      }
      await once()
      const afterFirst = tf.memory().numTensors
      // only cached derived kernels (flipped/transposed weights) may remain, at most one per weight and kind
      expect(afterFirst - afterParams).toBeLessThanOrEqual(2 * def.params.length)
      await once()
      await once()
      expect(tf.memory().numTensors).toBe(afterFirst)
      disposeParams(params)
      expect(tf.memory().numTensors).toBe(start)
      expect(params.size).toBe(0)
    })
  })

  it('bad input: shape, labels, unknown parameter names and options are ZsnasErrors', async () => {
    await onBackend(backend, async () => {
      const def = tinyNet()
      const params = materializeParams(def, 'pytorch', new Rng(10))
      const b = batch()
      const o: RunOptions = { bn: 'train', loss: 'ce', wrt: 'none' }
      const code = async (f: () => unknown) => {
        try {
          await f()
        } catch (e) {
          return e instanceof ZsnasError ? e.code : 'not a ZsnasError'
        }
        return 'no error'
      }
      expect(await code(() => forwardBackward(def, params, { ...b, shape: [4, 6, 5, 3] }, o))).toBe('BAD_SHAPE')
      expect(await code(() => forwardBackward(def, params, { ...b, x: b.x.subarray(1) }, o))).toBe('BAD_SHAPE')
      expect(await code(() => forwardBackward(def, params, { ...b, labels: new Int32Array([0, 1, 2, 4]) }, o))).toBe('BAD_LABEL')
      expect(await code(() => forwardBackward(def, params, { ...b, labels: new Int32Array([0, 1]) }, o))).toBe('BAD_LABEL')
      expect(await code(() => forwardBackward(def, params, b, { ...o, wrt: 'params', paramNames: ['nope'] }))).toBe('NOT_FOUND')
      expect(await code(() => forwardBackward(def, params, b, { ...o, wrt: 'params', paramNames: [] }))).toBe('INVALID_OPTION')
      expect(await code(() => forwardBackward(def, params, b, { ...o, loss: 'mse' as 'ce' }))).toBe('INVALID_OPTION')
      const x = tf.ones([2, 5, 5, 3]) as tf.Tensor4D
      expect(await code(() => forwardBackward(def, params, { x }, o))).toBe('INVALID_OPTION')
      expect((await forwardBackward(def, params, { x }, { ...o, loss: 'sumLogits' })).logits.length).toBe(8)
      x.dispose()
      disposeParams(params)
    })
  })
})

describe('forwardBackward across backends', () => {
  it('cpu and wasm agree (same seed ⇒ same weights ⇒ same loss, logits and input gradient)', async () => {
    const run = (backend: 'cpu' | 'wasm') =>
      onBackend(backend, async () => {
        const def = tinyNet()
        const params = materializeParams(def, 'pytorch', new Rng(11))
        const r = await forwardBackward(def, params, batch(), { bn: 'train', loss: 'ce', wrt: 'input' })
        const g = r.inputGrad!.dataSync().slice()
        r.inputGrad!.dispose()
        disposeParams(params)
        return { loss: r.loss, logits: r.logits, g }
      })
    const a = await run('cpu')
    const b = await run('wasm')
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5)
    expect(relErr(b.logits, a.logits)).toBeLessThan(1e-4)
    expect(relErr(b.g, a.g)).toBeLessThan(1e-4)
  })
})
