/**
 * Parameter materialisation: each init scheme's empirical mean / variance /
 * limits match its formula (reference notes §5.1/§5.2, Table 6); the same seed
 * gives bit-identical values on cpu and wasm; disposal releases tensors and
 * cached derived kernels; clone/abs; bad specs are ZsnasErrors.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import type { InitScheme, NetworkDef, ParamSpec } from '../../../src/engine/core/network'
import { Rng } from '../../../src/engine/core/rng'
import { ZsnasError } from '../../../src/engine/core/errors'
import { absParams, cloneParams, disposeParams, materializeParams } from '../../../src/engine/nn/params'
import { conv2dOp } from '../../../src/engine/nn/ops/conv'
import { derivedCount } from '../../../src/engine/nn/ops/kernel-cache'
import { onBackend } from './helpers'

const SPECS: ParamSpec[] = [
  { name: 'conv', kind: 'conv', shape: [3, 3, 64, 64], fanIn: 576, fanOut: 576 },
  { name: 'conv1', kind: 'conv', shape: [1, 1, 128, 256], fanIn: 128, fanOut: 256 },
  { name: 'dw', kind: 'depthwise', shape: [5, 5, 512, 1], fanIn: 25, fanOut: 25 },
  { name: 'fc', kind: 'linear', shape: [256, 100], fanIn: 256, fanOut: 100 },
  { name: 'fc.b', kind: 'bias', shape: [20000], fanIn: 256, fanOut: 100 },
  { name: 'bn.g', kind: 'bnGamma', shape: [64], fanIn: 64, fanOut: 64 },
  { name: 'bn.b', kind: 'bnBeta', shape: [64], fanIn: 64, fanOut: 64 },
]
const def = (specs = SPECS): NetworkDef => ({
  name: 'specs',
  params: specs,
  numBlocks: 1,
  inputShape: [1, 1, 1],
  numClasses: 1,
  bnEps: 1e-5,
  forward: (_o, x) => x,
})

function stats(v: Float32Array) {
  let s = 0
  let min = Infinity
  let max = -Infinity
  for (const x of v) {
    s += x
    min = Math.min(min, x)
    max = Math.max(max, x)
  }
  const mean = s / v.length
  let q = 0
  for (const x of v) q += (x - mean) ** 2
  return { mean, variance: q / v.length, min, max, n: v.length }
}

type Expect = { kind: 'uniform'; limit: number } | { kind: 'normal'; std: number } | { kind: 'const'; value: number }
const u = (fanIn: number): Expect => ({ kind: 'uniform', limit: 1 / Math.sqrt(fanIn) })
const nrm = (std: number): Expect => ({ kind: 'normal', std })
const TABLE: Record<InitScheme, Record<string, Expect>> = {
  pytorch: { conv: u(576), conv1: u(128), dw: u(25), fc: u(256), 'fc.b': u(256) },
  kaimingNormal: { conv: nrm(Math.sqrt(2 / 576)), conv1: nrm(Math.sqrt(2 / 128)), dw: nrm(Math.sqrt(2 / 25)), fc: nrm(Math.sqrt(2 / 256)), 'fc.b': u(256) },
  xavierNormal: { conv: nrm(Math.sqrt(2 / 1152)), conv1: nrm(Math.sqrt(2 / 384)), dw: nrm(Math.sqrt(2 / 50)), fc: nrm(Math.sqrt(2 / 356)), 'fc.b': u(256) },
  normal: { conv: nrm(1), conv1: nrm(1), dw: nrm(1), fc: nrm(1), 'fc.b': u(256) },
  // NB101: conv N(0, 2/(k²·C_out)) = fan-out; linear N(0, 0.01²); zero biases
  nb101: { conv: nrm(Math.sqrt(2 / 576)), conv1: nrm(Math.sqrt(2 / 256)), dw: nrm(Math.sqrt(2 / 25)), fc: nrm(0.01), 'fc.b': { kind: 'const', value: 0 } },
}

describe('materializeParams', () => {
  it.each(Object.keys(TABLE) as InitScheme[])('%s: empirical statistics match the scheme', async (scheme) => {
    await onBackend('wasm', () => {
      const p = materializeParams(def(), scheme, new Rng(100))
      for (const [name, e] of Object.entries(TABLE[scheme])) {
        const t = p.get(name)!
        expect(t.shape).toEqual(SPECS.find((s) => s.name === name)!.shape)
        const st = stats(t.dataSync() as Float32Array)
        const what = `${scheme} ${name}`
        if (e.kind === 'const') {
          expect(st.min, what).toBe(e.value)
          expect(st.max, what).toBe(e.value)
        } else if (e.kind === 'uniform') {
          // U(±a): all values inside, extremes close to ±a, variance a²/3
          expect(st.max, what).toBeLessThanOrEqual(Math.fround(e.limit))
          expect(st.min, what).toBeGreaterThanOrEqual(-Math.fround(e.limit))
          expect(st.max, what).toBeGreaterThan(0.99 * e.limit)
          expect(st.min, what).toBeLessThan(-0.99 * e.limit)
          expect(Math.abs(st.mean), what).toBeLessThan((4 * e.limit) / Math.sqrt(3 * st.n))
          expect(st.variance / (e.limit ** 2 / 3), what).toBeCloseTo(1, 1)
        } else {
          // N(0, σ²): mean within 4 standard errors, variance within ~5%
          expect(Math.abs(st.mean), what).toBeLessThan((4 * e.std) / Math.sqrt(st.n))
          expect(Math.abs(st.variance / e.std ** 2 - 1), what).toBeLessThan(0.06)
          expect(st.max, what).toBeGreaterThan(2.5 * e.std)
        }
      }
      expect(Array.from(p.get('bn.g')!.dataSync()).every((v) => v === 1)).toBe(true)
      expect(Array.from(p.get('bn.b')!.dataSync()).every((v) => v === 0)).toBe(true)
      disposeParams(p)
    })
  })

  it('same seed ⇒ bit-identical values on cpu and wasm; another seed differs', async () => {
    const read = (backend: 'cpu' | 'wasm', seed: number) =>
      onBackend(backend, () => {
        const p = materializeParams(def(), 'kaimingNormal', new Rng(seed))
        const out = [...p.entries()].map(([k, t]) => [k, Array.from(t.dataSync())] as const)
        disposeParams(p)
        return out
      })
    const a = await read('cpu', 7)
    const b = await read('wasm', 7)
    expect(b).toEqual(a)
    const c = await read('wasm', 8)
    expect(c[0][1]).not.toEqual(a[0][1])
  })

  it('disposeParams releases the tensors and their cached derived kernels; clone and abs are independent copies', async () => {
    await onBackend('wasm', () => {
      const start = tf.memory().numTensors
      const small: ParamSpec[] = [{ name: 'w', kind: 'conv', shape: [3, 3, 2, 2], fanIn: 18, fanOut: 18 }]
      const p = materializeParams(def(small), 'pytorch', new Rng(1))
      const w = p.get('w')! as tf.Tensor4D
      // a backward pass caches the flipped kernel of w
      tf.tidy(() => {
        const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D
        tf.grad((xx: tf.Tensor) => conv2dOp(xx as tf.Tensor4D, w, { stride: 1, pad: 'same' }))(x, tf.ones([1, 4, 4, 2]))
      })
      expect(derivedCount(w)).toBe(1)
      const c = cloneParams(p)
      const a = absParams(p)
      expect(Array.from(c.get('w')!.dataSync())).toEqual(Array.from(w.dataSync()))
      expect(Array.from(a.get('w')!.dataSync())).toEqual(Array.from(w.dataSync(), Math.abs))
      disposeParams(p)
      expect(w.isDisposed).toBe(true)
      expect(derivedCount(w)).toBe(0)
      expect(c.get('w')!.isDisposed).toBe(false)
      disposeParams(c)
      disposeParams(a)
      expect(tf.memory().numTensors).toBe(start)
    })
  })

  it('a temporary (non-parameter) weight is never cached, so differentiating through it leaks nothing', async () => {
    await onBackend('wasm', () => {
      const p = materializeParams(def([{ name: 'w', kind: 'conv', shape: [3, 3, 2, 2], fanIn: 18, fanOut: 18 }]), 'pytorch', new Rng(2))
      const start = tf.memory().numTensors
      const temps: tf.Tensor4D[] = []
      tf.tidy(() => {
        const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D
        for (const weightGrads of [false, true]) {
          tf.grad((xx: tf.Tensor) => {
            // created inside the differentiated function: disposed before the backward runs
            const temp = tf.abs(p.get('w')!) as tf.Tensor4D
            temps.push(temp)
            return conv2dOp(xx as tf.Tensor4D, temp, { stride: 2, pad: 1, weightGrads })
          })(x, tf.ones([1, 2, 2, 2]))
        }
      })
      for (const temp of temps) {
        expect(temp.isDisposed).toBe(true)
        expect(derivedCount(temp)).toBe(0)
      }
      expect(tf.memory().numTensors).toBe(start)
      disposeParams(p)
    })
  })

  it('bad specs and schemes are ZsnasErrors (and nothing leaks)', async () => {
    await onBackend('cpu', () => {
      const start = tf.memory().numTensors
      const ok: ParamSpec = { name: 'a', kind: 'conv', shape: [1, 1, 1, 1], fanIn: 1, fanOut: 1 }
      const code = (specs: ParamSpec[], scheme: InitScheme = 'pytorch') => {
        try {
          materializeParams(def(specs), scheme, new Rng(1))
        } catch (e) {
          return e instanceof ZsnasError ? e.code : String(e)
        }
        return 'no error'
      }
      expect(code([ok, { ...ok, name: 'b', shape: [1, 0] }])).toBe('BAD_SHAPE')
      expect(code([ok, { ...ok, name: 'b', fanIn: 0 }])).toBe('BAD_SHAPE')
      expect(code([ok, ok])).toBe('BAD_VALUE')
      expect(code([ok], 'he' as InitScheme)).toBe('INVALID_OPTION')
      expect(code([{ ...ok, kind: 'weird' as 'conv' }])).toBe('BAD_VALUE')
      expect(tf.memory().numTensors).toBe(start)
    })
  })
})
