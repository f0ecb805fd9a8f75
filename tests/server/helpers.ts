import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { createBackend, type Backend } from '../../src/backend/backend'
import { createEngineAdapter } from '../../src/backend/engine-adapter'
import { forkHost } from '../../src/backend/worker-host'
import { createClient, type Client } from '../../src/shared/client'
import type { EventName } from '../../src/shared/methods'
import { createPreloadTransport } from '../../src/shared/preload-transport'
import { buildBridge } from '../../src/preload/bridge'
import { forwardEvents, registerIpc } from '../../src/main/ipc'
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

const APP_URL = 'file:///app/out/renderer/index.html'
const clone = <T>(x: T): T => (x === undefined ? x : structuredClone(x))

/**
 * The Electron path without the Electron binary: the renderer's preload bridge
 * (buildBridge) → a stand-in for ipcRenderer/ipcMain that structured-clones
 * like Electron → the handlers registered by registerIpc (frame check +
 * dispatch), and events back through forwardEvents.
 */
export function electronPath(backend: Backend) {
  const handlers = new Map<string, (e: { senderFrame: { url: string } }, ...a: unknown[]) => Promise<unknown>>()
  registerIpc({ handle: (c, fn) => handlers.set(c, fn as never), removeHandler: (c) => handlers.delete(c) }, backend.handlers, (u) => u === APP_URL)
  const listeners = new Map<string, Set<(e: unknown, m: unknown) => void>>()
  forwardEvents(backend.bus, () => ({
    isDestroyed: () => false,
    send: (channel, msg) => listeners.get(channel)?.forEach((l) => l({}, clone(msg))),
  }))
  return buildBridge({
    invoke: async (channel, ...args) => clone(await handlers.get(channel)!({ senderFrame: { url: APP_URL } }, ...clone(args))),
    on: (c, l) => {
      if (!listeners.has(c)) listeners.set(c, new Set())
      listeners.get(c)!.add(l)
    },
    removeListener: (c, l) => listeners.get(c)?.delete(l),
  })
}

export interface Harness {
  backend: Backend
  server: RunningServer
  ipc: Client
  ws: Client
  close(): Promise<void>
}

/** One backend, reached through both transports: the Electron path (preload bridge → ipcMain handlers) and the WebSocket server. */
export async function harness(dataDir: string): Promise<Harness> {
  const backend = testBackend(dataDir)
  const server = await startServer({ handlers: backend.handlers, bus: backend.bus, staticDir: null })
  const wsTransport = createWsTransport(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { WebSocketImpl: WebSocket as never })
  await wsTransport.ready
  const ipc = createClient(createPreloadTransport(electronPath(backend) as never))
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
/**
 * Whether a process still runs. A zombie (exited, not yet reaped by its
 * parent's event loop — it can lag on a loaded machine) counts as gone: it
 * executes nothing and holds no memory.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // /proc/<pid>/stat: "pid (comm) STATE …"; comm may hold spaces and parentheses
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true // no procfs (not Linux): the signal probe is all there is
  }
}

/**
 * Starts `src/server/cli.ts` (as `npm run serve` runs it) in a child process and resolves with the URL it
 * prints (token included). Rejects when no URL appears within 60 s or the process exits first; `stderr()`
 * returns what the server wrote to stderr so far.
 */
export async function spawnServerCli(args: string[]): Promise<{ proc: ChildProcess; url: URL; stderr: () => string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  proc.stderr!.on('data', (d) => (err += d.toString()))
  const url = await new Promise<URL>((resolve, reject) => {
    let buf = ''
    const t = setTimeout(() => reject(new Error(`server did not print its URL: ${buf} ${err}`)), 60_000)
    proc.stdout!.on('data', (d) => {
      buf += d.toString()
      const m = buf.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/)
      if (m) {
        clearTimeout(t)
        resolve(new URL(m[0]))
      }
    })
    proc.on('exit', (code) => reject(new Error(`server exited early (${code}): ${buf} ${err}`)))
  })
  return { proc, url, stderr: () => err }
}
