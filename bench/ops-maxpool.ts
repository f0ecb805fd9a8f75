/**
 * Max-pool backward on wasm: our forward-kernel gradient vs the
 * MaxPoolWithArgmax + ScatterNd route. Prints the max difference per backend
 * (on cpu both agree; on wasm tfjs 4.22's MaxPoolWithArgmax disagrees — it
 * picks the LAST maximum on ties and differs on random inputs too — so it
 * cannot be used) and the wasm times of both routes.
 *   npx tsx bench/ops-maxpool.ts
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-cpu'
import { maxPoolOp } from '../src/engine/nn/ops/pool'

function argmaxGrad(x: tf.Tensor4D, dy: tf.Tensor, k: number, s: number, pad: 'same' | 'valid'): tf.Tensor {
  const { indexes } = tf.maxPoolWithArgmax(x, k, s, pad, true)
  const m = indexes.size
  return tf.reshape(tf.scatterND(tf.reshape(indexes, [m, 1]), tf.reshape(dy, [m]), [x.size]), x.shape)
}

async function main() {
  for (const b of ['cpu', 'wasm']) {
    await tf.setBackend(b)
    for (const [shape, k, s, pad] of [
      [[2, 5, 5, 3], 3, 1, 'same'],
      [[2, 6, 6, 3], 2, 2, 'valid'],
      [[1, 2, 2, 1], 2, 2, 'valid'],
      [[1, 2, 2, 1], 3, 1, 'same'],
    ] as [[number, number, number, number], number, number, 'same' | 'valid'][]) {
      const tie = shape[1] === 2
      const x = tie ? tf.ones(shape) as tf.Tensor4D : tf.randomNormal(shape) as tf.Tensor4D
      const y = tf.maxPool(x, k, s, pad)
      const dy = tie ? tf.ones(y.shape) : tf.randomNormal(y.shape)
      const ours = tf.grad((xx: tf.Tensor) => maxPoolOp(xx as tf.Tensor4D, k, s, pad))(x, dy).dataSync()
      const am = argmaxGrad(x, dy, k, s, pad).dataSync()
      let d = 0
      for (let i = 0; i < ours.length; i++) d = Math.max(d, Math.abs(ours[i] - am[i]))
      console.log(b, JSON.stringify(shape), k, s, pad, 'maxdiff', d, tie ? `ours ${Array.from(ours)} argmax ${Array.from(am)}` : '')
    }
    for (const shape of [[64, 32, 32, 16], [16, 32, 32, 128]] as [number, number, number, number][]) {
      const x = tf.randomNormal(shape) as tf.Tensor4D
      const dy = tf.randomNormal(shape)
      if (b === 'cpu') continue
      for (const [name, f] of [['ours', () => tf.grad((xx: tf.Tensor) => maxPoolOp(xx as tf.Tensor4D, 3, 1, 'same'))(x, dy)], ['argmax', () => argmaxGrad(x, dy, 3, 1, 'same')]] as const) {
        tf.tidy(() => void f())
        const t0 = performance.now()
        tf.tidy(() => void f().dataSync())
        console.log(b, JSON.stringify(shape), name, (performance.now() - t0).toFixed(1), 'ms')
      }
    }
  }
}
void main()
