import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '../../../src/engine/nn/stock-gradients'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Central differences (step h) of a scalar function of several float arrays. */
function numericGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, values: number[][], shapes: number[][], h = 1e-2): number[][] {
  const at = (vals: number[][]): number => tf.tidy(() => f(...vals.map((v, i) => tf.tensor(v, shapes[i]))).dataSync()[0])
  return values.map((v, i) =>
    v.map((_, j) => {
      const p = values.map((a) => a.slice())
      const m = values.map((a) => a.slice())
      p[i][j] += h
      m[i][j] -= h
      return (at(p) - at(m)) / (2 * h)
    }),
  )
}

function check(f: (...xs: tf.Tensor[]) => tf.Tensor, values: number[][], shapes: number[][]): void {
  const analytic = tf.tidy(() => tf.grads((...xs: tf.Tensor[]) => f(...xs) as tf.Scalar)(values.map((v, i) => tf.tensor(v, shapes[i]))).map((g) => Array.from(g.dataSync())))
  const numeric = numericGrads(f, values, shapes)
  analytic.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(numeric[i][j], 3)))
}

describe('stock-op gradients registered for Node (finite differences, cpu backend)', () => {
  const a = [0.3, -1.2, 0.8, 2.0, -0.5, 1.1]
  const b = [0.7, -0.4, 1.5]
  const w = tf.tensor([0.2, -0.7, 1.3, 0.5, -1.1, 0.9]) // fixed weights make every output position matter

  it('Add, Sub, Multiply, RealDiv with broadcasting', () => {
    const f = (x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(tf.div(tf.mul(tf.add(x, y), tf.sub(x, y)), tf.add(y, tf.scalar(3))), tf.reshape(w, [2, 3])))
    check(f, [a, b], [[2, 3], [3]])
  })

  it('Neg, Sum/Mean over axes (keepDims), Reshape, Concat, Slice', () => {
    const f = (x: tf.Tensor, y: tf.Tensor) => {
      const c = tf.concat([x, tf.reshape(y, [1, 3])], 0) // [3,3]
      const s = tf.slice(c, [1, 0], [2, 2])
      return tf.neg(tf.add(tf.sum(tf.mul(tf.mean(tf.square(c), 0, true), tf.tensor([1, 2, 3]))), tf.sum(tf.mul(s, s))))
    }
    check(f, [a, b], [[2, 3], [3]])
  })

  it('Sigmoid, Relu, Exp, Log', () => {
    const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.sigmoid(x), tf.add(tf.relu(x), tf.log(tf.add(tf.exp(x), tf.scalar(1))))), w))
    check(f, [a], [[6]])
  })

  for (const [label, half, align, size] of [
    ['up, half-pixel centres (PyTorch align_corners=False)', true, false, [5, 7]],
    ['down, half-pixel centres', true, false, [2, 2]],
    ['up, align corners', false, true, [5, 4]],
  ] as const) {
    it(`ResizeBilinear ${label}`, () => {
      const img = Array.from({ length: 2 * 3 * 4 * 2 }, (_, i) => Math.sin(i))
      const r = tf.tensor(Array.from({ length: 2 * size[0] * size[1] * 2 }, (_, i) => Math.cos(i)), [2, size[0], size[1], 2])
      const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeBilinear(x as tf.Tensor4D, [size[0], size[1]], align, half), r))
      check(f, [img], [[2, 3, 4, 2]])
    })
  }
})
