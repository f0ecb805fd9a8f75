/**
 * Run-folder model files of the best architecture: built for the run's dataset
 * (class count, image size), every format that applies to the space, and an
 * exporter failure becomes export-error.txt instead of losing the run export.
 */
import { describe, expect, it } from 'vitest'
import onnxProto from 'onnx-proto'
import type { onnx as OnnxNs } from 'onnx-proto'
import { bestModelFiles, datasetShape } from '../../../src/engine/export/best-model'
import { exportArchitecture } from '../../../src/engine/export/registry'
import { TABLE11_AT } from './archs'

const onnx = (onnxProto as unknown as { onnx: typeof OnnxNs }).onnx
const NB201 = '|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|none~2|'

describe('bestModelFiles', () => {
  it('NB201 on CIFAR-100: model.py / train.py / ONNX for 100 classes at 32 px + the NB201 string', () => {
    const files = bestModelFiles('nb201', NB201, { kind: 'cifar100', path: '/x' })
    expect(files.map((f) => f.name).sort()).toEqual(['best_model/arch.nb201.txt', 'best_model/engine_weights.py', 'best_model/model.onnx', 'best_model/model.py', 'best_model/train.py'])
    const py = files.find((f) => f.name === 'best_model/model.py')!.data as string
    expect(py).toContain('Output: logits [N, num_classes] (exported with num_classes=100)')
    const m = onnx.ModelProto.decode(files.find((f) => f.name === 'best_model/model.onnx')!.data as Uint8Array)
    const dims = (vi: OnnxNs.IValueInfoProto | undefined): (string | number)[] =>
      (vi?.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)))
    expect(dims(m.graph?.input?.[0])).toEqual(['N', 3, 32, 32])
    expect(dims(m.graph?.output?.[0])).toEqual(['N', 100])
  })

  it('MobileNetV2 on a 16-px noise set: the model takes the loader size (resizes to R inside) and the PlainNet file is written', () => {
    const files = bestModelFiles('mbv2', TABLE11_AT(64), { kind: 'noise', imageSize: 16, numClasses: 5 })
    expect(files.map((f) => f.name)).toContain('best_model/arch.plainnet.txt')
    const py = files.find((f) => f.name === 'best_model/model.py')!.data as string
    expect(py).toContain('Input: float32 tensor [N, 3, 16, 16]')
    expect(py).toContain("F.interpolate(x, size=(64, 64), mode='bilinear', align_corners=False)")
  })

  it('with the evaluation seed and init, the files carry the weights it was scored with (ONNX = export with that seed)', () => {
    const files = bestModelFiles('nb201', NB201, { kind: 'noise', imageSize: 16, numClasses: 10 }, { seed: 77, init: 'kaimingNormal' })
    expect(files.map((f) => f.name)).toContain('best_model/weights.safetensors')
    const onnxOf = (seed: number) => exportArchitecture({ space: 'nb201', arch: NB201, format: 'onnx', numClasses: 10, inputSize: 16, seed, init: 'kaimingNormal' })[0].data as Uint8Array
    const got = files.find((f) => f.name === 'best_model/model.onnx')!.data as Uint8Array
    expect(Buffer.compare(Buffer.from(got), Buffer.from(onnxOf(77)))).toBe(0)
    expect(Buffer.compare(Buffer.from(got), Buffer.from(onnxOf(0)))).not.toBe(0)
  })

  it('an exporter failure is reported in export-error.txt, not thrown', () => {
    const files = bestModelFiles('nb201', '|bogus~0|', { kind: 'cifar10', path: '/x' })
    expect(files).toHaveLength(1)
    expect(files[0].name).toBe('best_model/export-error.txt')
    expect(files[0].data).toMatch(/^pytorch: .*bogus/)
  })

  it('datasetShape reads class count and size where the spec states them', () => {
    expect(datasetShape({ kind: 'imagenet16', path: '/x' })).toEqual({ numClasses: 120, inputSize: 16 })
    expect(datasetShape({ kind: 'folder', path: '/x', imageSize: 64 })).toEqual({ inputSize: 64 })
  })
})
