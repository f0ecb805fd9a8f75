/**
 * The wire between main and a sandboxed GPU worker window (gpu-window-host.ts), runtime-neutral (zod only):
 *  - main → window on GPU_WINDOW_TO_WORKER: the worker protocol's messages (src/worker/protocol.ts), a `score`
 *    message possibly carrying `datasetFiles` — the bytes of the files its dataset names (main reads them,
 *    gpu-window-data.ts; the page has no file system), attached to the first job of each dataset per window;
 *  - window → main on GPU_WINDOW_FROM_WORKER: the worker protocol's `ready` / `result` / `error`.
 * The window's preload (src/preload/gpu-worker.ts, sandboxed) exposes ONE bridge on
 * `window[GPU_WORKER_BRIDGE_KEY]` (`GpuWorkerBridge`) that validates both directions with these schemas; the
 * page (src/gpu-worker/) turns the bridge into the worker loop's `ParentChannel` with `bridgeChannel`.
 */
import { z } from 'zod'
import type { ParentChannel } from '../worker/channel'
import { FromWorkerSchema, ScoreJobSchema, type FromWorker } from '../worker/protocol'

export const GPU_WINDOW_TO_WORKER = 'zsnas:gpu-window:to-worker'
export const GPU_WINDOW_FROM_WORKER = 'zsnas:gpu-window:from-worker'

/** The page global the sandboxed preload's bridge is exposed on. */
export const GPU_WORKER_BRIDGE_KEY = 'zsnasGpuWorker'

/** Most files one dataset may send (a CIFAR folder has 5, the python version 5; ImageNet16 10). */
export const MAX_DATASET_FILES = 64

/** One file of the job's dataset: its base name (messages, the source's label) and its bytes. */
export const DatasetFileBytesSchema = z.object({
  name: z.string().min(1).max(1024),
  bytes: z.instanceof(Uint8Array),
})

/** main → window (the worker protocol's `ToWorker`, the score message with the dataset's bytes when first used). */
export const GpuToWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('score'),
    jobId: z.number().int(),
    job: ScoreJobSchema,
    datasetFiles: z.array(DatasetFileBytesSchema).max(MAX_DATASET_FILES).optional(),
  }),
  z.object({ type: z.literal('shutdown') }),
])
export type GpuToWorker = z.infer<typeof GpuToWorkerSchema>

/** window → main: exactly the worker protocol's messages. */
export const GpuFromWorkerSchema = FromWorkerSchema

/** What the sandboxed preload exposes to the page (and all it exposes). */
export interface GpuWorkerBridge {
  /** posts one worker message to main; throws a TypeError (nothing sent) when it is not a valid `FromWorker` */
  send(msg: FromWorker): void
  /** main's messages, validated (invalid ones are dropped); returns the unsubscribe function */
  onMessage(cb: (msg: GpuToWorker) => void): () => void
}

/** The worker loop's `ParentChannel` over the bridge (page side); `tap` sees each message first (with its `datasetFiles`). */
export function bridgeChannel(bridge: GpuWorkerBridge, tap?: (msg: GpuToWorker) => void): ParentChannel {
  return {
    post: (m) => bridge.send(m as FromWorker),
    onMessage: (cb) =>
      void bridge.onMessage((m) => {
        tap?.(m)
        cb(m)
      }),
  }
}

/** Short text of a zod failure for messages: "path: problem; …" (at most 3 issues). */
export function zodProblems(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ')
}
