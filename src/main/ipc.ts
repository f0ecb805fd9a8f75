/**
 * Electron IPC for the contract: one `ipcMain.handle` per contract method
 * (channel names from src/shared/methods.ts), each call validated by
 * `dispatch` and accepted only from our own frame; events are forwarded to
 * the window on the single event channel.
 */
import type { ServiceHandlers } from '../shared/contract'
import { dispatch } from '../shared/dispatch'
import type { EventBus } from '../shared/local-transport'
import { IPC_EVENT_CHANNEL, METHOD_NAMES, ipcChannel } from '../shared/methods'

interface IpcMainLike {
  handle(channel: string, fn: (event: { senderFrame?: { url: string } | null }, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}

export function registerIpc(ipcMain: IpcMainLike, handlers: ServiceHandlers, isTrusted: (frameUrl: string | undefined) => boolean): () => void {
  for (const m of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(m), async (event, ...args) => {
      if (!isTrusted(event.senderFrame?.url)) {
        return { ok: false, error: { code: 'UNAUTHORIZED', message: `IPC from an untrusted frame refused (${event.senderFrame?.url ?? 'no frame'})` } }
      }
      return dispatch(handlers, m, args, { transport: 'ipc' })
    })
  }
  return () => {
    for (const m of METHOD_NAMES) ipcMain.removeHandler(ipcChannel(m))
  }
}

interface SenderLike {
  isDestroyed(): boolean
  send(channel: string, msg: unknown): void
}

/** Forwards every backend event to the window (`{ event, payload }` on the event channel). */
export function forwardEvents(bus: EventBus, target: () => SenderLike | null): () => void {
  return bus.subscribe((event, payload) => {
    const t = target()
    if (t && !t.isDestroyed()) t.send(IPC_EVENT_CHANNEL, { event, payload })
  })
}
