/**
 * The window side of a GPU-window worker (gpu-window-host.ts): the worker loop's `ParentChannel` over a
 * renderer IPC object shaped like Electron's `ipcRenderer` (injected, so this file imports nothing
 * runtime-specific). Messages to the worker arrive on GPU_WINDOW_TO_WORKER; the worker's messages leave on
 * GPU_WINDOW_FROM_WORKER, where the main side (src/main/gpu-window.ts) routes them by sender to its window.
 */
import type { ParentChannel } from '../worker/channel'

export const GPU_WINDOW_TO_WORKER = 'zsnas:gpu-window:to-worker'
export const GPU_WINDOW_FROM_WORKER = 'zsnas:gpu-window:from-worker'

/** The subset of Electron's `ipcRenderer` the channel uses. */
export interface IpcRendererLike {
  send(channel: string, msg: unknown): void
  on(channel: string, cb: (event: unknown, msg: unknown) => void): unknown
}

export function ipcRendererChannel(ipc: IpcRendererLike): ParentChannel {
  return {
    post: (m) => ipc.send(GPU_WINDOW_FROM_WORKER, m),
    onMessage: (cb) => void ipc.on(GPU_WINDOW_TO_WORKER, (_e, m) => cb(m)),
  }
}
