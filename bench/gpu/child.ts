/**
 * The child side of bench/backends.ts: runs one space's workload sets on the backend ZSNAS_BACKEND forces and
 * streams one BENCH line per event (start, warm-up, each architecture, error, done) on stdout, so a parent
 * that kills it at its time cap keeps everything finished so far.
 */
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../src/engine/backend/select'
import { scoreArchitecture } from '../../src/engine/score/score'
import type { DatasetSpec } from '../../src/engine/core/data'
import { Rng } from '../../src/engine/core/rng'
import { nb201Space } from '../../src/engine/spaces/nb201'
import { mbv2FromString, mbv2ToString, TABLE11_ARCH } from '../../src/engine/spaces/mbv2/arch'
import { BENCH_MARKER, MBV2_SETS, NB201_SETS, type BenchLine } from './table'

export interface ChildConfig {
  cells: number
  nb201Batch: number
  mbv2Batch: number
  resolution: number
  mbv2Reps: number
  epadsBatch: number
  nb201Data: DatasetSpec
}

/** The bench's NB201 cells: the first `n` samples of Rng(2025) (the same on every backend and machine). */
export function benchCells(n: number): string[] {
  const rng = new Rng(2025)
  return Array.from({ length: n }, () => nb201Space.toString(nb201Space.sample(rng)))
}

/** The Table 11 architecture at resolution R. */
export function table11At(resolution: number): string {
  return mbv2ToString({ ...mbv2FromString(TABLE11_ARCH), resolution })
}

function emit(l: BenchLine): void {
  process.stdout.write(`${BENCH_MARKER}${JSON.stringify(l)}\n`)
}

const rssMB = (): number => process.resourceUsage().maxRSS / 1024

/** Bytes the webgpu buffer manager holds on the GPU (undefined on other backends). */
function gpuMB(): number | undefined {
  const m = tf.memory() as unknown as { numBytesAllocatedInGPU?: number; numBytesInGPUAllocated?: number }
  const b = m.numBytesAllocatedInGPU ?? m.numBytesInGPUAllocated
  return typeof b === 'number' ? b / 2 ** 20 : undefined
}

/** Runs the space's workload sets (only the one labelled `onlySet` when given) and streams BENCH lines. */
export async function runChildWorkload(space: 'nb201' | 'mbv2', c: ChildConfig, onlySet?: string): Promise<void> {
  const info = await initBackend({ log: () => {} })
  const a = info.adapter
  emit({ type: 'start', backend: info.name, ...(a ? { adapter: `${a.vendor} ${a.architecture}${a.device ? ` ${a.device}` : ''}${a.isSoftware ? ' (software)' : ''}`.trim() } : {}) })
  const sets = (space === 'nb201' ? NB201_SETS : MBV2_SETS).filter((s) => onlySet === undefined || s.label === onlySet)
  if (sets.length === 0) throw new Error(`--only-set: '${onlySet}' is not a ${space} workload set`)
  const archs = space === 'nb201' ? benchCells(c.cells) : Array.from({ length: c.mbv2Reps }, () => table11At(c.resolution))
  const dataset: DatasetSpec = space === 'nb201' ? c.nb201Data : { kind: 'noise', imageSize: c.resolution, numClasses: 1000 }
  const batchSize = space === 'nb201' ? c.nb201Batch : c.mbv2Batch
  let lost: string | undefined
  for (const set of sets) {
    if (lost !== undefined) {
      emit({ type: 'error', set: set.label, code: 'SKIPPED', message: lost })
      continue
    }
    const score = (arch: string, seed: number) =>
      scoreArchitecture({
        space,
        arch,
        proxies: set.proxies,
        dataset,
        batchSize,
        seed,
        init: 'pytorch',
        ...(set.proxies.includes('epads') ? { proxyOptions: { epads: { batchSize: c.epadsBatch } } } : {}),
      })
    try {
      const w = await score(archs[0], 999)
      emit({ type: 'warmup', set: set.label, seconds: w.seconds })
      for (let i = 0; i < archs.length; i++) {
        const r = await score(archs[i], i)
        const g = gpuMB()
        emit({ type: 'arch', set: set.label, i, seconds: r.seconds, rssMB: rssMB(), ...(g !== undefined ? { gpuMB: g } : {}) })
      }
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'INTERNAL'
      emit({ type: 'error', set: set.label, code, message: (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200) })
      // a wasm abort kills the instance: the later sets cannot run in this process
      if (code === 'OUT_OF_MEMORY' && info.name === 'wasm') lost = `not run: the wasm instance died of the out-of-memory error in ${set.label}`
    }
  }
  emit({ type: 'done' })
}
