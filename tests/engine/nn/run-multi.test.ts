/**
 * forwardMultiBackward (one forward, several backward passes from a
 * recorded tape) against the independent path: `forwardBackward`, which
 * differentiates through tfjs' own tape (`engine.gradients`). Per backward,
 * the input gradient and every ReLU / layer backward-hook tensor must be
 * bit-identical; forward hooks fire once; tensors are all released; a plain
 * tf op on the gradient path is refused.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/engine/core/rng'
import { ZsnasError } from '../../../src/engine/core/errors'
import type { Batch } from '../../../src/engine/core/data'
import { disposeParams, materializeParams } from '../../../src/engine/nn/params'
import { forwardBackward, type RunOptions } from '../../../src/engine/nn/run'
import { forwardMultiBackward } from '../../../src/engine/nn/run-multi'
import { backpropagate, recordTape } from '../../../src/engine/nn/tape'
import { reluOp } from '../../../src/engine/nn/ops/relu'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import type { NetworkDef } from '../../../src/engine/core/network'
import { tinyNet } from './tiny-net'
import { BACKENDS, onBackend, randnValues } from './helpers'

type Log = { relu: [number, number[]][]; layer: [string, number[]][] }
const newLog = (): Log => ({ relu: [], layer: [] })
const hooksInto = (log: Log) => ({
  onReluBackward: (c: { index: number }, g: tf.Tensor) => void log.relu.push([c.index, Array.from(g.dataSync())]),
  onLayerBackward: (i: { name: string }, g: tf.Tensor) => void log.layer.push([i.name, Array.from(g.dataSync())]),
})

async function compare(def: NetworkDef, b: Batch, seed: number): Promise<void> {
  const params = materializeParams(def, 'pytorch', new Rng(seed))
  const losses: RunOptions['loss'][] = ['ce', 'sumLogits']
  const want: { loss: number; logits: number[]; g: number[]; log: Log }[] = []
  for (const loss of losses) {
    const log = newLog()
    const r = await forwardBackward(def, params, b, { bn: 'train', loss, wrt: 'input', hooks: hooksInto(log) })
    const g = Array.from(r.inputGrad!.dataSync())
    r.inputGrad!.dispose()
    want.push({ loss: r.loss, logits: Array.from(r.logits), g, log })
  }
  const before = tf.memory().numTensors
  const logs = losses.map(newLog)
  let forwardCalls = 0
  const got = await forwardMultiBackward(def, params, b, {
    bn: 'train',
    forwardHooks: { onReluForward: () => void forwardCalls++ },
    backwards: losses.map((loss, k) => ({ loss, inputGrad: true, hooks: hooksInto(logs[k]) })),
  })
  expect(forwardCalls).toBe(want[0].log.relu.length)
  expect(Array.from(got.logits)).toEqual(want[0].logits)
  losses.forEach((_, k) => {
    expect(got.losses[k]).toBe(want[k].loss)
    expect(Array.from(got.inputGrads[k]!.dataSync())).toEqual(want[k].g)
    expect(logs[k].relu.map((e) => e[0])).toEqual(want[k].log.relu.map((e) => e[0]))
    expect(logs[k].relu).toEqual(want[k].log.relu)
    expect(logs[k].layer).toEqual(want[k].log.layer)
    got.inputGrads[k]!.dispose()
  })
  // CE and Σlogits give different gradients: the two backwards did not mix
  expect(want[0].g).not.toEqual(want[1].g)
  expect(tf.memory().numTensors).toBe(before)
  disposeParams(params)
}

describe.each(BACKENDS)('forwardMultiBackward on %s', (backend) => {
  it('tiny net (every op kind): each backward equals forwardBackward bit for bit', async () => {
    await onBackend(backend, async () => {
      const b: Batch = { x: randnValues(4 * 5 * 5 * 3, 81), shape: [4, 5, 5, 3], labels: new Int32Array([3, 0, 2, 1]), numClasses: 4 }
      await compare(tinyNet(), b, 5)
    })
  })

  it('NB201 cell with every op (conv, pool, skip, none): equal bit for bit', async () => {
    await onBackend(backend, async () => {
      const cell = nb201FromString('|nor_conv_3x3~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|')
      const def = buildNb201Network(cell, { numClasses: 10, inputSize: 8 })
      const n = 6
      const b: Batch = { x: randnValues(n * 8 * 8 * 3, 82), shape: [n, 8, 8, 3], labels: new Int32Array([0, 1, 2, 3, 4, 5]), numClasses: 10 }
      await compare(def, b, 6)
    })
  })
})

describe('tape', () => {
  it('refuses a plain tf op on the gradient path and releases what it recorded', () => {
    const x = tf.tensor2d([[1, -2], [3, 4]])
    const before = tf.memory().numTensors
    expect(() =>
      recordTape([x], () => tf.tidy(() => reluOp(tf.mul(reluOp(x), 2)))),
    ).toThrow(ZsnasError)
    expect(tf.memory().numTensors).toBe(before)
    x.dispose()
  })

  it('a source the seed does not depend on gets zeros; repeated backwards give the same gradient', () => {
    const x = tf.tensor2d([[1, -2], [3, 4]])
    const y = tf.tensor1d([5, 6])
    const { result, tape } = recordTape([x, y], () => tf.tidy(() => reluOp(x)))
    const [gx1, gy] = backpropagate(tape, { tensor: result }, [x, y])
    const [gx2] = backpropagate(tape, { tensor: result, dy: tf.tensor2d([[2, 2], [2, 2]]) }, [x])
    expect(Array.from(gx1.dataSync())).toEqual([1, 0, 1, 1])
    expect(Array.from(gx2.dataSync())).toEqual([2, 0, 2, 2])
    expect(Array.from(gy.dataSync())).toEqual([0, 0])
    tape.dispose()
    tf.dispose([x, y, gx1, gx2, gy, result])
  })
})
