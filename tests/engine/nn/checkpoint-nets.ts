/** Small NB201, NB101 and MobileNetV2 networks (every op kind the spaces use) and seeded batches for the checkpointing tests. */
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { buildMbv2Network } from '../../../src/engine/spaces/mbv2'
import { nb101Space } from '../../../src/engine/spaces/nb101'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import type { NetworkDef } from '../../../src/engine/core/network'

const st = (c: number, b: number, stride: number) => ({ e: 2, k: 3, s: stride, l: 2, c, b })
export const TEST_NETS: [string, () => NetworkDef][] = [
  ['nb201', () => buildNb201Network(nb201FromString('|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|nor_conv_1x1~1|nor_conv_3x3~2|'), { numClasses: 10, inputSize: 16 })],
  ['nb101', () => nb101Space.buildNetwork(nb101Space.fromString('matrix=0110/0001/0001/0000;ops=input,conv3x3-bn-relu,maxpool3x3,output'), { numClasses: 10, inputSize: 8 })],
  ['mbv2', () => buildMbv2Network({ stem: 8, stages: [st(8, 8, 2), st(8, 8, 1), st(16, 8, 2), st(16, 8, 1), st(16, 8, 2), st(16, 8, 1), st(16, 8, 1)], head: 16, resolution: 32 }, { numClasses: 10, inputSize: 16 })],
]

export function batchFor(def: NetworkDef, n: number, seed: number): Batch {
  const r = new Rng(seed)
  const [h, w, c] = def.inputShape
  return {
    x: Float32Array.from({ length: n * h * w * c }, () => r.normal()),
    shape: [n, h, w, c],
    labels: Int32Array.from({ length: n }, (_, i) => (i * 7) % 10),
    numClasses: 10,
  }
}


/** Larger networks (and their batch) for memory measurements: activations dominate the parameters. */
export const MEMORY_NETS: [string, () => NetworkDef, number][] = [
  ['nb201', () => buildNb201Network(nb201FromString('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|'), { numClasses: 10, inputSize: 32 }), 8],
  ['nb101', () => nb101Space.buildNetwork(nb101Space.fromString('matrix=0110/0001/0001/0000;ops=input,conv3x3-bn-relu,maxpool3x3,output'), { numClasses: 10, inputSize: 32 }), 8],
  ['mbv2', () => buildMbv2Network({ stem: 16, stages: [st(16, 8, 2), st(24, 8, 2), st(32, 8, 2), st(48, 8, 1), st(64, 8, 2), st(64, 8, 1), st(96, 8, 1)], head: 128, resolution: 96 }, { numClasses: 10, inputSize: 64 }), 8],
]
