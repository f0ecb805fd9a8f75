import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { createBackend, type Backend } from '../../src/main/backend/backend'
import { createEngineAdapter } from '../../src/main/backend/engine-adapter'
import { forkHost } from '../../src/main/backend/worker-host'
import { createClient, type Client } from '../../src/shared/client'
import type { EventName } from '../../src/shared/methods'
import { createLocalTransport } from '../../src/shared/local-transport'
import { createWsTransport } from '../../src/shared/ws-transport'
import { startServer, type RunningServer } from '../../src/server/server'

export const WORKER_ENTRY = path.resolve('src/worker/score-worker.ts')

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `zsnas-${tag}-`))
}

export function testBackend(dataDir: string): Backend {
  return createBackend({
    dataDir,
    host: forkHost({ entry: WORKER_ENTRY, execArgv: ['--import', 'tsx'] }),
    engine: createEngineAdapter(),
    mode: 'browser',
    defaultWorkers: 1,
  })
}

export interface Harness {
  backend: Backend
  server: RunningServer
  ipc: Client
  ws: Client
  close(): Promise<void>
}

/** One backend, reached through both transports: in-process dispatch (as ipcMain calls it) and the WebSocket server. */
export async function harness(dataDir: string): Promise<Harness> {
  const backend = testBackend(dataDir)
  const server = await startServer({ handlers: backend.handlers, bus: backend.bus, staticDir: null })
  const wsTransport = createWsTransport(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { WebSocketImpl: WebSocket as never })
  await wsTransport.ready
  const ipc = createClient(createLocalTransport(backend.handlers, backend.bus))
  const ws = createClient(wsTransport)
  return {
    backend,
    server,
    ipc,
    ws,
    async close() {
      ws.close()
      ipc.close()
      await server.close()
      await backend.close()
    },
  }
}

export type Recorded = { event: EventName; payload: any }

/** Records every event of one run id that reaches `client`. */
export function record(client: Client, events: EventName[] = ['run.progress', 'run.evaluated', 'run.best', 'run.log', 'run.finished', 'run.failed']) {
  const log: Recorded[] = []
  const waiters: Array<{ pred: (r: Recorded) => boolean; resolve: (r: Recorded) => void }> = []
  const offs = events.map((e) =>
    client.on(e, (payload: any) => {
      const r = { event: e, payload }
      log.push(r)
      for (const w of [...waiters]) {
        if (w.pred(r)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(r)
        }
      }
    }),
  )
  return {
    log,
    of: (runId: string, event?: EventName) => log.filter((r) => r.payload.runId === runId && (!event || r.event === event)),
    waitFor(pred: (r: Recorded) => boolean, timeoutMs = 90_000): Promise<Recorded> {
      const hit = log.find(pred)
      if (hit) return Promise.resolve(hit)
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('timed out waiting for an event')), timeoutMs)
        waiters.push({ pred, resolve: (r) => (clearTimeout(t), resolve(r)) })
      })
    },
    stop: () => offs.forEach((o) => o()),
  }
}

/** true while a process with this pid exists */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
