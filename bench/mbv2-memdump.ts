/**
 * The live tensor buffers at the moment tfjs' byte count peaks during one MobileNetV2 scoring (not part of CI):
 *   npx tsx bench/mbv2-memdump.ts [R=224] [batch=8] [proxies=wrcor,jaccor]     (checkpoint=on; ZSNAS_OP_CHUNK_MB to mimic a larger batch's splits)
 * Prints the kernel at the peak, every live buffer above 2 MB (deduplicated by data id: tfjs counts views twice),
 * the call stack there, and the wasm heap size afterwards (its high-water mark).
 */
import * as tf from '@tensorflow/tfjs-core'
import { resolve } from 'node:path'
import { scoreArchitecture } from '../src/engine/score/score'
import { mbv2FromString, mbv2ToString, TABLE11_ARCH } from '../src/engine/spaces/mbv2/arch'
import { initBackend } from '../src/engine/backend/select'
await initBackend()
const IMAGES = resolve('/work/shared/data/imagenet_sample/imagenet1k_sample_100x224x224x3.u8')
const eng = tf.engine() as any
const live = new Set<tf.Tensor>()
const origTrack = eng.trackTensor.bind(eng)
eng.trackTensor = (a: tf.Tensor, b: any) => { live.add(a); return origTrack(a, b) }
let max = 0; let snap: string[] = []
const origRun = eng.runKernel.bind(eng)
eng.runKernel = (...args: any[]) => {
  const r = origRun(...args)
  const nb = eng.state.numBytes
  if (nb > max) {
    max = nb
    const seen = new Set(); const rows: string[] = []
    for (const t of live) { if (t.isDisposed) { live.delete(t); continue } ; if (seen.has(t.dataId)) continue; seen.add(t.dataId); const b = t.size*4; if (b > 2e6) rows.push(`${(b/2**20).toFixed(1)} [${t.shape}]`) }
    snap = [`kernel ${args[0]} total ${(nb/2**20).toFixed(0)} MB`, ...rows]
    snap.push(new Error().stack!.split('\n').slice(2, 14).join('\n'))
  }
  return r
}
const R = Number(process.argv[2] ?? 224), B = Number(process.argv[3] ?? 8)
const arch = mbv2ToString({ ...mbv2FromString(TABLE11_ARCH), resolution: R })
await scoreArchitecture({ space: 'mbv2', arch, proxies: (process.argv[4] ?? 'wrcor,jaccor').split(','), batchSize: B, seed: 0, init: 'pytorch', dataset: { kind: 'u8', path: IMAGES, imageSize: 224, normalization: 'imagenet' }, checkpoint: 'on' })
console.log(snap.join("\n")); console.log("heap MB", ((tf.backend() as any).wasm.HEAPU8.length/2**20).toFixed(0), "max live MB", (max/2**20).toFixed(0))
