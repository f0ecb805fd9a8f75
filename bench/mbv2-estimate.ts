/**
 * The engine's peak-bytes estimates (shape-only, nothing runs) for the Table 11
 * MobileNetV2 response pass (WRCor + JacCor: two backwards) per resolution and batch:
 *   npx tsx bench/mbv2-estimate.ts [--resolutions 192,224,256,288,320] [--batches 16,32,64]
 */
import { parseArgs } from 'node:util'
import { estimatePassBytes } from '../src/engine/nn/memory-estimate'
import { buildMbv2Network } from '../src/engine/spaces/mbv2/network'
import { mbv2FromString, TABLE11_ARCH } from '../src/engine/spaces/mbv2/arch'

const { values } = parseArgs({ options: { resolutions: { type: 'string', default: '192,224,256,288,320' }, batches: { type: 'string', default: '16,32,64' } } })
const GiB = (b: number): string => (b / 2 ** 30).toFixed(2)
for (const R of values.resolutions.split(',').map(Number)) {
  const def = buildMbv2Network({ ...mbv2FromString(TABLE11_ARCH), resolution: R }, { numClasses: 1000, inputSize: 224 })
  for (const batchSize of values.batches.split(',').map(Number)) {
    const o = { batchSize, backwards: 2, reluHooks: true, bn: 'train' as const }
    const joint = estimatePassBytes(def, o)
    const sep = estimatePassBytes(def, { ...o, separateSweeps: true })
    console.log(`R=${R} batch ${batchSize}: plain ${GiB(joint.plainBytes)} GiB; checkpointed ${GiB(joint.checkpointedBytes)} GiB joint (${joint.segments.length} segments), ${GiB(sep.checkpointedBytes)} GiB one sweep per backward (${sep.segments.length} segments)`)
  }
}
