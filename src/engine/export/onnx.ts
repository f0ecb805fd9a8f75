/**
 * ONNX generator: an `ExportGraph` + weights → a serialised `ModelProto`
 * (opset 13, IR version 7), encoded with the official `onnx.proto` schema as
 * compiled by the `onnx-proto` package (protobufjs) — no hand-written wire
 * format.
 *
 * Guarantees:
 * - Input `input` float32 [N, C, H, W] (NCHW; N symbolic), output `logits`
 *   float32 [N, numClasses]. Every weight is an initializer named by its
 *   PyTorch `state_dict` key (`layers.ts`), so the ONNX file and `model.py`
 *   agree name for name; the initializers' element count minus the BN
 *   running statistics equals the engine's parameter count.
 * - Node for node the traced graph: Conv (explicit symmetric pads, group for
 *   depthwise), BatchNormalization (inference: mean 0, var 1 of a fresh layer,
 *   = the engine's `bn: 'eval'`), Relu, Add, Mul (x·0 for 'none', SE gates),
 *   Sigmoid, GlobalAveragePool, AveragePool (count_include_pad=0), MaxPool,
 *   Concat, Slice, Resize (linear, half_pixel = PyTorch align_corners=False;
 *   output size [N, C, R, R] built from the runtime shape so N stays free),
 *   Flatten + Gemm (transB=1) for the classifier.
 */
import onnxProto from 'onnx-proto'
import type { onnx as OnnxNs } from 'onnx-proto'
import { ZsnasError } from '../core/errors'
import type { ExportGraph, GraphNode } from './graph'
import { nodeModule, stateTensors } from './layers'
import { torchStateValues } from './state-dict'
import type { WeightMap } from './weights'

/** the package is CommonJS with a runtime-built namespace: take `onnx` off its default export */
const onnx: typeof OnnxNs = (onnxProto as unknown as { onnx: typeof OnnxNs }).onnx

export const ONNX_OPSET = 13
const IR_VERSION = 7
const FLOAT = onnx.TensorProto.DataType.FLOAT
const INT64 = onnx.TensorProto.DataType.INT64

export interface OnnxInfo {
  arch: string
  spaceId: string
  hash: string
  producerVersion?: string
}

type Attr = OnnxNs.IAttributeProto

const ints = (name: string, v: number[]): Attr => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v })
const int = (name: string, v: number): Attr => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: v })
const float = (name: string, v: number): Attr => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v })
const str = (name: string, v: string): Attr => ({ name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(v) })

function floatTensor(name: string, dims: number[], v: Float32Array): OnnxNs.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)) }
}

function int64Tensor(name: string, v: number[]): OnnxNs.ITensorProto {
  const a = BigInt64Array.from(v.map((x) => BigInt(x)))
  return { name, dims: [v.length], dataType: INT64, rawData: new Uint8Array(a.buffer) }
}

function valueInfo(name: string, dims: (number | string)[]): OnnxNs.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  }
}

/** The ONNX model bytes of `g` with `weights` (engine layout; see the module comment). */
export function onnxModel(g: ExportGraph, weights: WeightMap, info: OnnxInfo): Uint8Array {
  const values = torchStateValues(g, weights)
  const initializer: OnnxNs.ITensorProto[] = []
  for (const t of stateTensors(g)) {
    if (t.dtype !== 'float32') continue // num_batches_tracked is training bookkeeping only
    initializer.push(floatTensor(t.key, t.shape, values.get(t.key) as Float32Array))
  }
  const nodes: OnnxNs.INodeProto[] = []
  const consts = new Set<string>()
  const constInt = (name: string, v: number[]): string => {
    if (!consts.has(name)) {
      initializer.push(int64Tensor(name, v))
      consts.add(name)
    }
    return name
  }
  const constZero = (): string => {
    if (!consts.has('const_zero')) {
      initializer.push(floatTensor('const_zero', [], new Float32Array([0])))
      consts.add('const_zero')
    }
    return 'const_zero'
  }
  const vname = (id: number): string => (id === 0 ? 'input' : id === g.output ? 'logits' : `h${id}`)
  const add = (opType: string, inputs: string[], output: string, attribute: Attr[] = [], name = output): void => {
    nodes.push({ opType, input: inputs, output: [output], attribute, name })
  }
  for (const n of g.nodes) emit(n)

  function emit(n: GraphNode): void {
    const out = vname(n.id)
    const ins = n.inputs.map(vname)
    switch (n.op) {
      case 'input':
        return
      case 'conv': {
        const m = nodeModule(n)
        const w = [ins[0], `${m}.weight`, ...(n.bias !== undefined ? [`${m}.bias`] : [])]
        add('Conv', w, out, [ints('kernel_shape', [n.k, n.k]), ints('strides', [n.stride, n.stride]), ints('pads', [n.pad, n.pad, n.pad, n.pad]), int('group', n.groups)])
        return
      }
      case 'bn': {
        const m = nodeModule(n)
        add('BatchNormalization', [ins[0], `${m}.weight`, `${m}.bias`, `${m}.running_mean`, `${m}.running_var`], out, [float('epsilon', n.eps)])
        return
      }
      case 'linear': {
        const m = nodeModule(n)
        add('Flatten', [ins[0]], `${out}_flat`, [int('axis', 1)])
        add('Gemm', [`${out}_flat`, `${m}.weight`, ...(n.bias !== undefined ? [`${m}.bias`] : [])], out, [int('transB', 1)])
        return
      }
      case 'relu':
        return add('Relu', ins, out)
      case 'add':
        return add('Add', ins, out)
      case 'zero':
        return add('Mul', [ins[0], constZero()], out)
      case 'sigmoid':
        return add('Sigmoid', ins, out)
      case 'mul':
        return add('Mul', ins, out)
      case 'gap':
        return add('GlobalAveragePool', ins, out)
      case 'concat':
        return add('Concat', ins, out, [int('axis', 1)])
      case 'slice':
        return add('Slice', [ins[0], constInt('const_0', [0]), constInt(`const_${n.channels}`, [n.channels]), constInt('const_1', [1])], out)
      case 'avgpool':
      case 'maxpool': {
        const attrs = [ints('kernel_shape', [n.k, n.k]), ints('strides', [n.stride, n.stride]), ints('pads', [n.pad, n.pad, n.pad, n.pad])]
        if (n.op === 'avgpool') attrs.push(int('count_include_pad', 0))
        return add(n.op === 'avgpool' ? 'AveragePool' : 'MaxPool', ins, out, attrs)
      }
      case 'resize': {
        add('Shape', [ins[0]], `${out}_shape`)
        add('Slice', [`${out}_shape`, constInt('const_0', [0]), constInt('const_2', [2]), constInt('const_0', [0])], `${out}_nc`)
        add('Concat', [`${out}_nc`, constInt(`const_${n.size}_${n.size}`, [n.size, n.size])], `${out}_size`, [int('axis', 0)])
        add('Resize', [ins[0], '', '', `${out}_size`], out, [str('mode', 'linear'), str('coordinate_transformation_mode', 'half_pixel')])
        return
      }
      default:
        throw new ZsnasError('INTERNAL', `ONNX exporter: no rule for op ${(n as GraphNode).op}`)
    }
  }

  const { c, h, w } = g.input
  const model: OnnxNs.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'ZSNAS Studio',
    producerVersion: info.producerVersion ?? '0.1.0',
    docString: `${info.spaceId} architecture ${info.arch}`,
    metadataProps: [
      { key: 'space', value: info.spaceId },
      { key: 'arch', value: info.arch },
      { key: 'arch_hash', value: info.hash },
      { key: 'params', value: String(g.paramCount) },
      { key: 'batchnorm', value: 'inference mode, running mean 0 / variance 1 (a fresh layer)' },
    ],
    graph: {
      name: 'zsnas_export',
      node: nodes,
      initializer,
      input: [valueInfo('input', ['N', c, h, w])],
      output: [valueInfo('logits', ['N', g.numClasses])],
    },
  }
  const err = onnx.ModelProto.verify(model)
  if (err !== null) throw new ZsnasError('INTERNAL', `ONNX exporter: invalid ModelProto: ${err}`)
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish()
}
