/**
 * Architectures the export tests run: 3 per space, chosen so that together
 * they use every op an exporter translates (NB201: none / skip / avg-pool /
 * 1×1 / 3×3 edges; NB101: input→output projection, channel truncation
 * (slice), concatenation, 3×3 max-pool; MobileNetV2: the paper's Table 11
 * architecture, resize up and down, SE, strided projection shortcuts).
 * MobileNetV2 logits are checked at small R (the structure is the same at any
 * R; only the resize target changes).
 */
import { TABLE11_ARCH } from '../../../src/engine/spaces/mbv2/arch'

export interface TestArch {
  space: string
  arch: string
  inputSize: number
  numClasses: number
}

export const TABLE11_AT = (r: number): string => TABLE11_ARCH.replace(/@\d+$/, `@${r}`)

export const EXPORT_TEST_ARCHS: readonly TestArch[] = [
  { space: 'nb201', arch: '|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|nor_conv_1x1~1|avg_pool_3x3~2|', inputSize: 16, numClasses: 10 },
  { space: 'nb201', arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|', inputSize: 16, numClasses: 100 },
  { space: 'nb201', arch: '|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|', inputSize: 12, numClasses: 10 },
  {
    space: 'nb101',
    arch: 'matrix=0110010/0001000/0000010/0000001/0000001/0000001/0000000;ops=input,conv3x3-bn-relu,maxpool3x3,conv1x1-bn-relu,conv3x3-bn-relu,maxpool3x3,output',
    inputSize: 16,
    numClasses: 10,
  },
  { space: 'nb101', arch: 'matrix=01001/00100/00011/00001/00000;ops=input,conv3x3-bn-relu,conv1x1-bn-relu,maxpool3x3,output', inputSize: 16, numClasses: 10 },
  { space: 'nb101', arch: 'matrix=01110/00011/00001/00001/00000;ops=input,conv1x1-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,output', inputSize: 12, numClasses: 10 },
  { space: 'mbv2', arch: TABLE11_AT(64), inputSize: 32, numClasses: 10 },
  {
    space: 'mbv2',
    arch: 'SuperConvK3BNRELU(3,16,2,1)SuperResIDWE1K3(16,24,2,16,1)SuperResIDWE4K5(24,32,2,24,2)SuperResIDWE2K3(32,40,1,32,2)SuperResIDWE6K7(40,48,2,48,2)SuperResIDWE1K5(48,64,1,64,2)SuperResIDWE2K3(64,80,2,80,2)SuperResIDWE4K3(80,96,1,80,1)SuperConvK1BNRELU(96,128,1,1)@40',
    inputSize: 48,
    numClasses: 10,
  },
  {
    space: 'mbv2',
    arch: 'SuperConvK3BNRELU(3,24,2,1)SuperResIDWE6K7(24,16,1,16,2)SuperResIDWE1K7(16,24,2,24,3)SuperResIDWE2K5(24,32,2,16,2)SuperResIDWE4K3(32,56,2,40,3)SuperResIDWE6K3(56,80,1,56,2)SuperResIDWE1K7(80,96,2,88,2)SuperResIDWE2K5(96,128,1,96,2)SuperConvK1BNRELU(128,256,1,1)@32',
    inputSize: 32,
    numClasses: 7,
  },
]
