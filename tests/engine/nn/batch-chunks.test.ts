/**
 * Backwards split over the batch (ops/batch-chunks.ts): with the threshold
 * forced below every map, training-mode BN's backward and a stride-2 conv's
 * input gradient run per chunk of samples; its dx/dγ/dβ, and a whole network's checkpointed multi-backward
 * (losses, input gradients, every ReLU hook's gradient), must be
 * bit-identical to the unsplit computation, on cpu and wasm, without leaks.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { batchNormTrainOp } from '../../../src/engine/nn/ops/batch-norm'
import { conv2dOp, dilatedBytes, inputGradChunks } from '../../../src/engine/nn/ops/conv'
import { batchChunks, chunkRanges, opChunkBytes, withOpChunkBytes, withOpChunkBytesAsync, DEFAULT_OP_CHUNK_BYTES } from '../../../src/engine/nn/ops/batch-chunks'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'
import { forwardMultiBackwardCheckpointed } from '../../../src/engine/nn/run-checkpointed'
import { forwardMultiBackward, type BackwardSpec } from '../../../src/engine/nn/run-multi'
import { Rng } from '../../../src/engine/core/rng'
import type { NetworkDef } from '../../../src/engine/core/network'
import { BACKENDS, onBackend, randn } from './helpers'
import { inPlaceStats } from '../../../src/engine/backend/wasm-inplace'
import { TEST_NETS, batchFor } from './checkpoint-nets'

describe('batch chunk planning', () => {
  it('splits only above the threshold, into at most n nearly equal chunks covering the batch', () => {
    expect(opChunkBytes()).toBe(DEFAULT_OP_CHUNK_BYTES)
    expect(batchChunks(DEFAULT_OP_CHUNK_BYTES, 64)).toBe(1)
    expect(batchChunks(DEFAULT_OP_CHUNK_BYTES + 1, 64)).toBe(2)
    // MobileNetV2 stage 1 expansion map at 224 px, batch 64: 112·112·80·64·4 B = 245 MiB → 4 chunks of 16 samples
    expect(batchChunks(112 * 112 * 80 * 64 * 4, 64)).toBe(4)
    expect(batchChunks(1e12, 5)).toBe(5)
    expect(chunkRanges(10, 3)).toEqual([[0, 4], [4, 4], [8, 2]])
    expect(chunkRanges(6, 6)).toEqual([[0, 1], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1]])
    expect(withOpChunkBytes(100, () => batchChunks(250, 8))).toBe(3)
    expect(opChunkBytes()).toBe(DEFAULT_OP_CHUNK_BYTES)
    expect(() => withOpChunkBytes(0, () => 1)).toThrow(/op chunk bytes/)
  })
})

describe.each(BACKENDS)('split backwards on %s', (backend) => {
  it('training-mode BN: dx, dγ, dβ bit-identical split (2, 3, 5 chunks) and unsplit; no leaks', async () => {
    await onBackend(backend, () => {
      const x = tf.add(randn([5, 6, 7, 4], 21, 2), 0.3) as tf.Tensor4D
      const g = tf.add(randn([4], 22, 0.5), 1) as tf.Tensor1D
      const b = randn([4], 23) as tf.Tensor1D
      const dy = randn([5, 6, 7, 4], 24)
      const grads = (): Float32Array[] =>
        tf.tidy(() => {
          const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => batchNormTrainOp(xx as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5, true)
          // dy is the output gradient (the op library registers no stock gradients)
          return tf.grads(f)([x, g, b], dy).map((t) => t.dataSync().slice() as Float32Array)
        })
      const mapBytes = 5 * 6 * 7 * 4 * 4
      const whole = grads()
      const before = tf.memory().numTensors
      for (const k of [2, 3, 5]) {
        const split = withOpChunkBytes(Math.ceil(mapBytes / k), () => {
          expect(batchChunks(mapBytes, 5)).toBe(k)
          return grads()
        })
        split.forEach((v, i) => expect(v).toEqual(whole[i]))
      }
      expect(tf.memory().numTensors).toBe(before)
      tf.dispose([x, g, b, dy])
    })
  })
})

describe.each(BACKENDS)('split conv input gradient on %s', (backend) => {
  it('stride-2 conv whose dilated gradient dwarfs dx: dx bit-identical split and unsplit, also depthwise', async () => {
    await onBackend(backend, () => {
      // x [5,8,8,2], w [3,3,2,6], stride 2 pad 1: dilated 5·8·8·6·4 = 7680 B, dx 2560 B
      const x = randn([5, 8, 8, 2], 31) as tf.Tensor4D
      const w = randn([3, 3, 2, 6], 32, 0.3) as tf.Tensor4D
      const dy = randn([5, 4, 4, 6], 33)
      expect(dilatedBytes([5, 8, 8, 2], 6)).toEqual({ dilated: 7680, dx: 2560 })
      const dx = (): Float32Array =>
        tf.tidy(() => tf.grad((xx: tf.Tensor) => conv2dOp(xx as tf.Tensor4D, w, { stride: 2, pad: 1 }))(x, dy).dataSync().slice() as Float32Array)
      const whole = dx()
      expect(inputGradChunks([5, 8, 8, 2], 6, 2)).toBe(1)
      const before = tf.memory().numTensors
      const assembled = inPlaceStats.assembled
      // 2000 B → 4 chunks: 7680/4 + 2·2560 < 7680 + 2560
      const split = withOpChunkBytes(2000, () => {
        expect(inputGradChunks([5, 8, 8, 2], 6, 2)).toBe(4)
        // same size dilated map and dx (depthwise): the dilation's 1.5 maps make splitting lower the peak too
        // (1.5·7680/4 + 2·7680 < 1.5·7680 + 7680)
        expect(inputGradChunks([5, 8, 8, 6], 6, 2)).toBe(4)
        expect(inputGradChunks([5, 8, 8, 2], 6, 1)).toBe(1)
        return dx()
      })
      expect(split).toEqual(whole)
      expect(tf.memory().numTensors).toBe(before)
      // on wasm the chunks (5 samples in 4 → 3 chunks of ≤ 2) were copied into one allocation; elsewhere concatenated
      expect(inPlaceStats.assembled - assembled).toBe(backend === 'wasm' ? chunkRanges(5, 4).length : 0)
      // a stride-2 depthwise conv (MobileNetV2's): split dx bit-identical to the unsplit one
      const xd = randn([5, 8, 8, 6], 34) as tf.Tensor4D
      const wd = randn([7, 7, 6, 1], 35, 0.3) as tf.Tensor4D
      const dyd = randn([5, 4, 4, 6], 36)
      const dxd = (): Float32Array =>
        tf.tidy(() => tf.grad((xx: tf.Tensor) => conv2dOp(xx as tf.Tensor4D, wd, { stride: 2, pad: 3, depthwise: true }))(xd, dyd).dataSync().slice() as Float32Array)
      const wholeD = dxd()
      const splitD = withOpChunkBytes(2000, () => dxd())
      expect(splitD).toEqual(wholeD)
      expect(Array.from(splitD).some((v) => v !== 0)).toBe(true)
      tf.dispose([x, w, dy, xd, wd, dyd])
    })
  })
})

describe('checkpointed multi-backward with every BN backward split per sample (wasm)', () => {
  for (const [name, build] of TEST_NETS) {
    it(`${name}: losses, input gradient and every ReLU hook gradient bit-identical to the unsplit plain pass`, async () => {
      await onBackend('wasm', async () => {
        const def: NetworkDef = build()
        const batch = batchFor(def, 6, 5)
        // awaited: the passes may be asynchronous (host reads)
        const run = async (checkpointed: boolean) => {
          const params = materializeParams(def, 'pytorch', new Rng(7))
          const hooks: Float32Array[] = []
          const backwards: BackwardSpec[] = [
            { loss: 'ce', hooks: { onReluBackward: (_c, gr) => hooks.push(gr.dataSync().slice() as Float32Array) } },
            { loss: 'sumLogits', inputGrad: true },
          ]
          try {
            const o = { bn: 'train' as const, backwards }
            const r = await (checkpointed ? forwardMultiBackwardCheckpointed(def, params, batch, o) : forwardMultiBackward(def, params, batch, o))
            const gIn = r.inputGrads[1]!.dataSync().slice()
            r.inputGrads.forEach((t) => t?.dispose())
            return { losses: r.losses, gIn, hooks }
          } finally {
            disposeParams(params)
          }
        }
        const plain = await run(false)
        const before = tf.memory().numTensors
        const written = { ...inPlaceStats }
        // 1 byte: every map is above the threshold → one chunk per sample everywhere
        const split = await withOpChunkBytesAsync(1, () => run(true))
        expect(tf.memory().numTensors).toBe(before)
        // the ReLU/BN gradients' chunks were written over their dy (backend/wasm-inplace.ts)
        expect(inPlaceStats.overwritten - written.overwritten).toBeGreaterThan(def.numBlocks)
        expect(split.losses).toEqual(plain.losses)
        expect(split.gIn).toEqual(plain.gIn)
        expect(split.hooks.length).toBe(plain.hooks.length)
        expect(split.hooks.length).toBeGreaterThan(def.numBlocks)
        split.hooks.forEach((h, i) => expect(h).toEqual(plain.hooks[i]))
      })
    })
  }
})
