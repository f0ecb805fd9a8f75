/**
 * The ONE bridge the GPU worker window's sandboxed preload (gpu-worker.ts) exposes to its page: send a worker
 * message to main, subscribe to main's messages — both validated at this edge with the wire's zod schemas
 * (src/backend/gpu-window-channel.ts). There is no generic send(channel): the two channel names are fixed here.
 * Guarantees: a malformed message from the page is refused with a TypeError naming the problem and never
 * reaches main; a malformed message from main is dropped (with a console warning) and never reaches the page;
 * `onMessage` needs a function and returns its unsubscribe function.
 */
import {
  GPU_WINDOW_FROM_WORKER,
  GPU_WINDOW_TO_WORKER,
  GpuFromWorkerSchema,
  GpuToWorkerSchema,
  zodProblems,
  type GpuWorkerBridge,
} from '../backend/gpu-window-channel'

/** The subset of Electron's `ipcRenderer` the bridge uses. */
export interface GpuIpcRendererLike {
  send(channel: string, msg: unknown): void
  on(channel: string, listener: (e: unknown, msg: unknown) => void): unknown
  removeListener(channel: string, listener: (e: unknown, msg: unknown) => void): unknown
}

export function buildGpuWorkerBridge(ipc: GpuIpcRendererLike, warn: (m: string) => void = (m) => console.warn(m)): GpuWorkerBridge {
  return {
    send(msg) {
      const r = GpuFromWorkerSchema.safeParse(msg)
      if (!r.success) throw new TypeError(`GPU worker bridge: message to main refused (${zodProblems(r.error)}); expected a worker protocol message (ready, result or error)`)
      ipc.send(GPU_WINDOW_FROM_WORKER, r.data)
    },
    onMessage(cb) {
      if (typeof cb !== 'function') throw new TypeError('GPU worker bridge: onMessage needs a function')
      const listener = (_e: unknown, msg: unknown) => {
        const r = GpuToWorkerSchema.safeParse(msg)
        if (r.success) cb(r.data)
        else warn(`GPU worker bridge: message from main dropped (${zodProblems(r.error)})`)
      }
      ipc.on(GPU_WINDOW_TO_WORKER, listener)
      return () => void ipc.removeListener(GPU_WINDOW_TO_WORKER, listener)
    },
  }
}
