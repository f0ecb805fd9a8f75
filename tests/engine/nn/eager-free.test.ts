/**
 * Eager frees (issue #18), on cpu and wasm:
 * - a tape's `last` backward (nn/tape.ts) frees every node's saved tensors as
 *   it passes them, gives the same gradient as an earlier backward, and a
 *   further backward over the tape is refused;
 * - `runSegment` with `free` (nn/segments.ts) leaves only the segment's
 *   output alive (every value read inside the segment is freed after its
 *   last reader), with the same output values;
 * - the checkpointed pass with eager frees (default) and with boundary values
 *   and carried gradients kept on the host (nn/host-store.ts) is bit-identical
 *   to the one without either, and its peak tensor bytes (tfjs' own count)
 *   are lower with each;
 * - the host store gives back the exact bits it took.
 */
import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { recordTape, backpropagate } from '../../../src/engine/nn/tape'
import { reluOp } from '../../../src/engine/nn/ops/relu'
import { batchNormTrainOp } from '../../../src/engine/nn/ops/batch-norm'
import { runSegment, traceCuts } from '../../../src/engine/nn/segments'
import { createTfOps } from '../../../src/engine/nn/tf-ops'
import { materializeParams, disposeParams } from '../../../src/engine/nn/params'
import { forwardMultiBackwardCheckpointed } from '../../../src/engine/nn/run-checkpointed'
import type { BackwardSpec } from '../../../src/engine/nn/run-multi'
import { Rng } from '../../../src/engine/core/rng'
import { HostStore } from '../../../src/engine/nn/host-store'
import { ZsnasError } from '../../../src/engine/core/errors'
import { BACKENDS, onBackend, randn } from './helpers'
import { MEMORY_NETS, TEST_NETS, batchFor } from './checkpoint-nets'

describe.each(BACKENDS)('eager frees on %s', (backend) => {
  it('a last backward frees the saved tensors as it goes, with the same gradient; a later backward is refused', async () => {
    await onBackend(backend, () => {
      const x = randn([4, 3, 3, 2], 3)
      const gamma = tf.tensor1d([1.5, 0.5])
      const beta = tf.tensor1d([0.1, -0.2])
      const start = tf.memory().numTensors
      const { result, tape } = recordTape([x], () => tf.tidy(() => reluOp(batchNormTrainOp(reluOp(x) as tf.Tensor4D, gamma, beta, 1e-3))))
      const saved = tape.nodes.reduce((a, n) => a + n.saved.length, 0)
      // relu: its mask; BN: its input, μ, 1/σ, γ; relu: its mask
      expect(saved).toBe(6)
      const [g1] = backpropagate(tape, { tensor: result }, [x])
      const mid = tf.memory().numTensors
      const [g2] = backpropagate(tape, { tensor: result }, [x], { last: true })
      // g2 is new; the 6 saved tensors are gone
      expect(tf.memory().numTensors).toBe(mid + 1 - saved)
      expect(tape.nodes.every((n) => n.saved.length === 0)).toBe(true)
      expect(g2.dataSync()).toEqual(g1.dataSync())
      expect(() => backpropagate(tape, { tensor: result }, [x])).toThrow(ZsnasError)
      tape.dispose()
      tf.dispose([g1, g2, result])
      expect(tf.memory().numTensors).toBe(start)
      tf.dispose([x, gamma, beta])
    })
  })

  it("a ReLU's backward hook runs after the tape freed dy and (last backward) the saved mask: same values, fewer bytes", async () => {
    await onBackend(backend, () => {
      const x = randn([4, 5], 9)
      const seen: { bytes: number; tensors: number; g: Float32Array }[][] = [[], []]
      let pass = 0
      const hook = (g: tf.Tensor) => void seen[pass].push({ bytes: tf.memory().numBytes, tensors: tf.memory().numTensors, g: g.dataSync().slice() as Float32Array })
      const { result, tape } = recordTape([x], () => tf.tidy(() => reluOp(reluOp(x, { onBackward: hook }), { onBackward: hook })))
      const [g0t] = backpropagate(tape, { tensor: result }, [x])
      const g0 = g0t.dataSync().slice()
      g0t.dispose()
      pass = 1
      const [g1] = backpropagate(tape, { tensor: result }, [x], { last: true })
      expect(seen[0].length).toBe(2)
      expect(seen[1].length).toBe(2)
      // same gradients to the hooks; on the last backward each hook runs with its node's saved mask (one [4,5] bool map) already freed
      seen[1].forEach((h, i) => {
        expect(h.g).toEqual(seen[0][i].g)
        // hook i (outer ReLU first) runs with i + 1 saved masks freed
        expect(h.tensors).toBe(seen[0][i].tensors - (i + 1))
      })
      // both ReLUs' masks (bool: one byte per element on cpu and wasm) are gone
      expect(seen[1][1].bytes).toBeLessThanOrEqual(seen[0][1].bytes - 2 * 4 * 5)
      expect(g1.dataSync()).toEqual(g0)
      tape.dispose()
      tf.dispose([x, g1, result])
    })
  })

  it('runSegment with free: only the output stays alive, same values', async () => {
    await onBackend(backend, () => {
      const def = TEST_NETS[2][1]() // mbv2: residual blocks, SE gates, a shortcut conv
      const params = materializeParams(def, 'pytorch', new Rng(4))
      const batch = batchFor(def, 3, 2)
      const x = tf.tensor4d(batch.x, batch.shape as [number, number, number, number])
      try {
        const graph = traceCuts(def)
        const seg = { from: -1, to: graph.inputs.length - 1 }
        const ops = () => createTfOps({ params, bnEps: def.bnEps, bn: 'train', weightGrads: false })
        const c0 = tf.memory().numTensors
        const [plain] = tf.tidy(() => runSegment(def, ops(), seg, x, new Map()))
        expect(tf.memory().numTensors).toBe(c0 + 1)
        // without tidy: what the segment leaves alive is exactly what it did not free
        const c1 = tf.memory().numTensors
        const [withoutFree] = runSegment(def, ops(), seg, x, new Map())
        const leftWithout = tf.memory().numTensors - c1
        let freed = 0
        const c2 = tf.memory().numTensors
        const [out] = runSegment(def, ops(), seg, x, new Map(), undefined, undefined, { graph, dispose: (t) => (freed++, t.dispose()) })
        const leftWith = tf.memory().numTensors - c2
        // every op's output but the last one is read by a later op inside the segment, so all of them are freed
        expect(freed).toBe(graph.inputs.length - 1)
        expect(leftWith).toBe(leftWithout - freed)
        console.log(`${backend}: ${graph.inputs.length} ops; tensors left by the segment: ${leftWithout} without free, ${leftWith} with`)
        expect(out.dataSync()).toEqual(plain.dataSync())
        tf.dispose([plain, withoutFree, out])
      } finally {
        x.dispose()
        disposeParams(params)
      }
    })
  })

  it('checkpointed pass: bit-identical with and without eager frees, lower peak bytes with them', async () => {
    await onBackend(backend, async () => {
      const [, build, n] = MEMORY_NETS[2] // mbv2
      const def = build()
      const batch = batchFor(def, n, 5)
      const params = materializeParams(def, 'pytorch', new Rng(2))
      // two large segments: the recorded forward of each holds many maps (what eager frees act on)
      const { cuts, inputs } = traceCuts(def)
      const mid = cuts[Math.floor(cuts.length / 2)]
      const plan = [{ from: -1, to: mid }, { from: mid, to: inputs.length - 1 }]
      try {
        const run = async (eagerFree: boolean, offload: boolean) => {
          const grads: Float32Array[] = []
          const backwards: BackwardSpec[] = [
            { loss: 'ce', hooks: { onReluBackward: (_c, g) => void grads.push(g.dataSync().slice() as Float32Array) } },
            { loss: 'sumLogits', inputGrad: true },
          ]
          const start = tf.memory().numBytes
          let res: Awaited<ReturnType<typeof forwardMultiBackwardCheckpointed>> | undefined
          const prof = await tf.profile(async () => {
            res = await forwardMultiBackwardCheckpointed(def, params, batch, { bn: 'train', backwards, eagerFree, offload, separateSweeps: true, plan })
          })
          const g = res!.inputGrads[1]!.dataSync().slice()
          res!.inputGrads.forEach((t) => t?.dispose())
          return { losses: res!.losses, logits: res!.logits, g, grads, peak: prof.peakBytes - start }
        }
        const off = await run(false, false)
        // (the backward's derived kernels stay cached with the parameters: count from here)
        const before = tf.memory().numTensors
        const on = await run(true, true)
        const onDevice = await run(true, false)
        expect(onDevice.g).toEqual(off.g)
        onDevice.grads.forEach((d, i) => expect(d).toEqual(off.grads[i]))
        expect(tf.memory().numTensors).toBe(before)
        expect(on.losses).toEqual(off.losses)
        expect(on.logits).toEqual(off.logits)
        expect(on.g).toEqual(off.g)
        expect(on.grads.length).toBe(off.grads.length)
        on.grads.forEach((d, i) => expect(d).toEqual(off.grads[i]))
        const mb = (b: number): string => (b / 2 ** 20).toFixed(1)
        console.log(`${backend}: checkpointed peak tensor bytes ${mb(off.peak)} MB plain, ${mb(onDevice.peak)} MB with eager frees, ${mb(on.peak)} MB with eager frees + host offload`)
        expect(onDevice.peak).toBeLessThan(0.9 * off.peak)
        expect(on.peak).toBeLessThan(onDevice.peak)
      } finally {
        disposeParams(params)
      }
    })
  })

  it('host store: exact bits back (−0, NaN, ±Inf, subnormals), ownership, bytes; the device mode keeps tensors', async () => {
    await onBackend(backend, () => {
      const vals = new Float32Array([0, -0, NaN, Infinity, -Infinity, 1e-45, -3.4e38, 1 / 3])
      for (const offload of [true, false]) {
        const st = new HostStore(offload)
        const before = tf.memory().numTensors
        st.put(7, tf.tensor2d(vals, [2, 4]))
        expect(tf.memory().numTensors).toBe(before + (offload ? 0 : 1))
        expect(st.bytes).toBe(offload ? 32 : 0)
        const a = st.get(7)
        const b = st.take(7)
        expect(st.has(7)).toBe(false)
        expect(st.bytes).toBe(0)
        for (const t of [a, b]) {
          expect(t.shape).toEqual([2, 4])
          expect(new Uint32Array((t.dataSync() as Float32Array).slice().buffer)).toEqual(new Uint32Array(vals.buffer))
        }
        tf.dispose([a, b])
        expect(tf.memory().numTensors).toBe(before)
        expect(() => st.get(7)).toThrow(ZsnasError)
      }
    })
  })
})
