/**
 * Adapter from a worker job (= the engine's `ScoreRequest`) to
 * `scoreArchitecture` (src/engine/score/score.ts). Scores stay numbers (the
 * worker loop encodes them for the wire); non-finite params/FLOPs become null.
 */
import { finiteOrNull, type JobScorer } from './worker-loop'
import { envVar } from '../engine/core/env'

export const engineScorer: JobScorer = async (job) => {
  const { scoreArchitecture } = await import('../engine/score/score')
  if (envVar('ZSNAS_WASM_RESERVE_MB')) {
    // before the first job only: grow and touch the wasm heap once (engine/backend/wasm-heap.ts), outside the scoring's time
    const [{ initBackend }, { reserveWasmHeapFromEnv }] = await Promise.all([import('../engine/backend/select'), import('../engine/backend/wasm-heap')])
    await initBackend()
    reserveWasmHeapFromEnv()
  }
  const r = await scoreArchitecture(job)
  // the WebGPU adapter as one line (the cluster reports it with each result)
  const adapter = r.adapter ? (await import('../engine/backend/webgpu')).adapterLabel(r.adapter) : undefined
  return {
    arch: r.arch,
    hash: r.hash,
    scores: r.scores,
    params: finiteOrNull(r.params),
    flops: finiteOrNull(r.flops),
    seconds: r.seconds,
    backend: String(r.backend),
    timings: r.timings,
    ...(adapter ? { adapter } : {}),
  }
}
