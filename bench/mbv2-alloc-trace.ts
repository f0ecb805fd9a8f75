/**
 * Records the wasm backend's JS-side allocation trace during one Table 11
 * scoring (not part of CI): every `wasm._malloc(n)` / `_free(p)` the tfjs
 * wasm backend makes for tensors, in order, with the address the allocator
 * returned and the heap size after it. Written as JSON lines
 * `{"m":size,"p":addr,"h":heapBytes}` / `{"f":addr}` to --out, for
 * bench/mbv2-alloc-replay.ts (allocator policies replayed offline).
 *
 *   ZSNAS_CHECKPOINT=on npx tsx bench/mbv2-alloc-trace.ts --resolution 320 --batch 8 --out /tmp/c18/trace.jsonl
 *
 * A checkpointed pass runs in the big-tensor arena (backend/wasm-arena-hook.ts,
 * installed by the checkpoint policy over this wrapper): the trace then
 * records what reaches the original allocator (the region, small tensors,
 * fallbacks) and the arena's stats are printed; `ZSNAS_WASM_ARENA=off`
 * records the plain allocator.
 */
import { resolve, dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { writeFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs-core'
import { scoreArchitecture } from '../src/engine/score/score'
import { initBackend } from '../src/engine/backend/select'
import { mbv2FromString, mbv2ToString, TABLE11_ARCH } from '../src/engine/spaces/mbv2/arch'
import { lastWasmArena } from '../src/engine/backend/wasm-arena-hook'

const here = dirname(fileURLToPath(import.meta.url))
const SHARED = process.env.ZSNAS_SHARED_DATA ?? resolve(here, '../../shared/data')
const IMAGES = resolve(SHARED, 'imagenet_sample/imagenet1k_sample_100x224x224x3.u8')
const { values } = parseArgs({
  options: {
    resolution: { type: 'string', default: '320' },
    batch: { type: 'string', default: '8' },
    proxies: { type: 'string', default: 'synflow,jaccor,wrcor' },
    out: { type: 'string', default: '/tmp/alloc-trace.jsonl' },
  },
})
await initBackend()
if (tf.getBackend() !== 'wasm') throw new Error(`backend ${tf.getBackend()}, expected wasm`)
const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array; _malloc(n: number): number; _free(p: number): void } }).wasm
const lines: string[] = []
// Emscripten's first call replaces the module's lazy _malloc/_free stubs with the wasm exports: resolve them first
wasm._free(wasm._malloc(8))
const malloc0 = wasm._malloc.bind(wasm)
const free0 = wasm._free.bind(wasm)
wasm._malloc = (n: number): number => {
  const p = malloc0(n)
  lines.push(JSON.stringify({ m: n, p: p >>> 0, h: wasm.HEAPU8.length }))
  return p
}
wasm._free = (p: number): void => {
  free0(p)
  lines.push(JSON.stringify({ f: p >>> 0 }))
}
const arch = mbv2ToString({ ...mbv2FromString(TABLE11_ARCH), resolution: Number(values.resolution) })
const c0 = process.cpuUsage()
const r = await scoreArchitecture({
  space: 'mbv2', arch, proxies: values.proxies.split(','), batchSize: Number(values.batch), seed: 0, init: 'pytorch',
  dataset: { kind: 'u8', path: IMAGES, imageSize: 224, normalization: 'imagenet' },
})
const c1 = process.cpuUsage(c0)
wasm._malloc = malloc0
wasm._free = free0
writeFileSync(values.out, lines.join('\n') + '\n')
console.log(`${lines.length} events → ${values.out}; heap ${(wasm.HEAPU8.length / 2 ** 20).toFixed(0)} MB; ${((c1.user + c1.system) / 1e6).toFixed(1)} CPU-s; peak RSS ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GiB; scores ${JSON.stringify(r.scores)}; arena ${JSON.stringify(lastWasmArena()?.stats())}`)
