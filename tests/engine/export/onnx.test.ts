/**
 * ONNX export checked numerically: for 3 NB201, 3 NB101 and 3 MobileNetV2
 * architectures (the paper's Table 11 one among them) the exported model,
 * run by onnxruntime-node, gives the engine's forward logits on the same input
 * and the same weights within 1e-4 relative. BN is in inference mode on both
 * sides (engine `bn: 'eval'` = a fresh layer's running statistics; ONNX
 * BatchNormalization with mean 0 / var 1). The engine side materialises its
 * parameters exactly as `scoreArchitecture` does for the seed (tfjs), the
 * ONNX side carries what the exporter drew, so the test also shows that the
 * exported weights are the scored ones. The parameter count read back from
 * the file's initializers equals the engine's counter.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as ort from 'onnxruntime-node'
import onnxProto from 'onnx-proto'
import type { onnx as OnnxNs } from 'onnx-proto'
import { initBackend } from '../../../src/engine/backend/select'
import { getSpace } from '../../../src/engine/spaces/registry'
import { countNetwork } from '../../../src/engine/nn/count'
import { disposeParams } from '../../../src/engine/nn/params'
import { exportArchitecture } from '../../../src/engine/export/registry'
import { traceNetwork } from '../../../src/engine/export/graph'
import { ZsnasError } from '../../../src/engine/core/errors'
import { EXPORT_TEST_ARCHS, TABLE11_AT } from './archs'
import { maxRelDiff, randomInput, scoringStore, storeEvalLogits, toNchw } from './engine-logits'

const onnx = (onnxProto as unknown as { onnx: typeof OnnxNs }).onnx
const SEED = 11

function decode(bytes: Uint8Array): OnnxNs.ModelProto {
  return onnx.ModelProto.decode(bytes)
}

/** Σ elements of the float initializers that are parameters (not BN running statistics, not constants). */
function initializerParams(m: OnnxNs.ModelProto): number {
  let n = 0
  for (const t of m.graph?.initializer ?? []) {
    const name = t.name ?? ''
    if (/\.(running_mean|running_var)$/.test(name) || name.startsWith('const_')) continue
    n += (t.dims ?? []).reduce((a: number, d) => a * Number(d), 1)
  }
  return n
}

beforeAll(async () => {
  await initBackend()
})

describe('ONNX export = engine forward (onnxruntime-node)', () => {
  for (const t of EXPORT_TEST_ARCHS) {
    it(`${t.space} ${t.arch.slice(0, 60)}…`, async () => {
      const space = getSpace(t.space)
      const def = space.buildNetwork(space.fromString(t.arch), { numClasses: t.numClasses, inputSize: t.inputSize })
      const files = exportArchitecture({ space: t.space, arch: t.arch, format: 'onnx', numClasses: t.numClasses, inputSize: t.inputSize, seed: SEED })
      expect(files.map((f) => f.name)).toEqual(['model.onnx'])
      const bytes = files[0].data as Uint8Array
      const model = decode(bytes)
      expect(Number(model.opsetImport[0].version)).toBeGreaterThanOrEqual(13)
      expect(initializerParams(model)).toBe(countNetwork(def).params)
      // NB201/NB101 cost() is the exact count; MobileNetV2's is the reference's quirky "model size" (see below)
      if (t.space !== 'mbv2') expect(initializerParams(model)).toBe(space.cost(space.fromString(t.arch), { numClasses: t.numClasses, inputSize: t.inputSize }).params)

      const n = 2
      const s = t.inputSize
      const x = randomInput(n, s, s, 3, 5)
      const store = scoringStore(def, 'pytorch', SEED)
      let ref: Float32Array
      try {
        ref = await storeEvalLogits(def, store, x, n)
      } finally {
        disposeParams(store)
      }
      const session = await ort.InferenceSession.create(bytes)
      const out = await session.run({ input: new ort.Tensor('float32', toNchw(x, n, s, s, 3), [n, 3, s, s]) })
      expect(out.logits.dims).toEqual([n, t.numClasses])
      const got = out.logits.data as Float32Array
      expect(maxRelDiff(got, ref)).toBeLessThan(1e-4)
      // logits are not degenerate (the comparison means something)
      expect(Math.max(...Array.from(ref).map(Math.abs))).toBeGreaterThan(1e-6)
    })
  }

  it('the test architectures exercise every op the exporters translate', () => {
    const ops = new Set<string>()
    for (const t of EXPORT_TEST_ARCHS) {
      const space = getSpace(t.space)
      for (const nd of traceNetwork(space.buildNetwork(space.fromString(t.arch), { numClasses: t.numClasses, inputSize: t.inputSize })).nodes) ops.add(nd.op)
    }
    expect([...ops].sort()).toEqual(['add', 'avgpool', 'bn', 'concat', 'conv', 'gap', 'input', 'linear', 'maxpool', 'mul', 'relu', 'resize', 'sigmoid', 'slice', 'zero'])
  })

  it('Table 11 architecture (ImageNet, 1000 classes, R=224): the file holds every tensor = the reference size 10,775,601 (10.78 M) + what its counter skips', () => {
    const arch = TABLE11_AT(224)
    const [f] = exportArchitecture({ space: 'mbv2', arch, format: 'onnx' })
    const model = decode(f.data as Uint8Array)
    const space = getSpace('mbv2')
    const reference = space.cost(space.fromString(arch), { numClasses: 1000, inputSize: 224 }).params
    expect(reference).toBe(10_775_601) // the paper's 10.8 M (docs/search.md)
    // The reference's get_model_size counts BN as C (not 2C) except in SE, skips the shortcut BNs and
    // counts the classifier bias as 1. By hand for Table 11 (mid = smartRound(B·E, 8)):
    //   stem BN 48 + Σ sub-layers (2·mid + C) 28,096 + shortcut BNs 2·Σ C 1,424 + head BN 1,264 + bias 999 = 31,831
    expect(initializerParams(model)).toBe(reference + 31_831)
    expect((model.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)))).toEqual(['N', 3, 224, 224])
    const meta = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value]))
    expect(meta.arch).toBe(arch)
  })

  it('refuses bad requests with typed errors naming the field', () => {
    const bad = (r: Parameters<typeof exportArchitecture>[0], code: string, msg: RegExp): void => {
      let err: unknown
      try {
        exportArchitecture(r)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ZsnasError)
      expect((err as ZsnasError).code).toBe(code)
      expect((err as ZsnasError).message).toMatch(msg)
    }
    bad({ space: 'nb201', arch: '|nor_conv_3x3~0|', format: 'onnx' }, 'INVALID_ARCH', /./)
    bad({ space: 'nb201', arch: EXPORT_TEST_ARCHS[0].arch, format: 'tflite' }, 'NOT_FOUND', /unknown export format 'tflite'.*pytorch, onnx/)
    bad({ space: 'nb201', arch: EXPORT_TEST_ARCHS[0].arch, format: 'plainnet' }, 'INVALID_OPTION', /'plainnet' is for the mbv2 space/)
    bad({ space: 'nb201', arch: EXPORT_TEST_ARCHS[0].arch, format: 'onnx', numClasses: 0 }, 'INVALID_OPTION', /numClasses/)
    bad({ space: 'nb201', arch: EXPORT_TEST_ARCHS[0].arch, format: 'onnx', seed: -1 }, 'INVALID_OPTION', /seed/)
  })
})
