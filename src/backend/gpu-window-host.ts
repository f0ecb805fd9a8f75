/**
 * Scoring workers in hidden browser windows — Electron's built-in WebGPU (the `webgpu` npm package does not
 * work inside Electron: dawn-gpu/node-webgpu#5) — behind the same `WorkerHost` interface as the utility-process
 * and fork workers, so `WorkerPool` (retry once on a crash, cancel by kill, one job per worker) is unchanged.
 *
 * The window itself is injected as a `GpuWindowLike` (src/main/gpu-window.ts makes one from an Electron
 * BrowserWindow; tests make them from in-process fakes and from real headless-Chromium pages), so this file
 * imports nothing runtime-specific. Inside the window the ordinary worker loop runs (src/worker/worker-loop.ts)
 * over the channel of gpu-window-channel.ts; the messages are the worker protocol's (src/worker/protocol.ts).
 *
 * Guarantees (what a window adds over a process):
 *  - messages posted before the window's worker said `ready` are queued and delivered in order once it has
 *    (a window's IPC drops messages sent before its page has loaded);
 *  - a window that does not say `ready` within `readyTimeoutMs` is destroyed and reported as exited
 *    (signal 'GPU_WINDOW_NOT_READY'), so the pool retries its job on a fresh window;
 *  - a window that closes, fails to load or whose renderer process dies is reported through `onExit` exactly
 *    once (code null, signal = the reason), like a killed process;
 *  - `kill()` destroys the window and reports the exit (signal 'SIGKILL') once; later posts are dropped.
 */
import type { WorkerHandle, WorkerHost } from './worker-host'

/** What the host needs of one hidden window. */
export interface GpuWindowLike {
  /** the renderer's OS process id, when known */
  readonly pid: number | undefined
  /** delivers one message to the window's worker loop */
  send(msg: unknown): void
  /** messages the window's worker loop posts */
  onMessage(cb: (msg: unknown) => void): void
  /** the window is gone (closed, failed to load, renderer crashed or killed); `reason` says which */
  onGone(cb: (reason: string) => void): void
  /** closes the window now (its renderer is killed); safe to call more than once */
  destroy(): void
}

export type GpuWindowFactory = () => GpuWindowLike

export interface GpuWindowHostOptions {
  /** how long a new window may take to load and report `ready` (default 60 s: WebGPU start-up included) */
  readyTimeoutMs?: number
}

function isReady(msg: unknown): boolean {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'ready'
}

/** A `WorkerHost` whose workers are hidden GPU windows made by `factory`. */
export function gpuWindowHost(factory: GpuWindowFactory, opts: GpuWindowHostOptions = {}): WorkerHost {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000
  return {
    spawn(): WorkerHandle {
      const win = factory()
      let ready = false
      let gone = false
      let killed = false
      const queue: unknown[] = []
      const messageCbs: Array<(msg: unknown) => void> = []
      const exitCbs: Array<(code: number | null, signal: string | null) => void> = []
      const exit = (reason: string) => {
        if (gone) return
        gone = true
        clearTimeout(timer)
        queue.length = 0
        for (const cb of exitCbs) cb(null, reason)
      }
      const timer = setTimeout(() => {
        if (ready || gone) return
        exit('GPU_WINDOW_NOT_READY') // first: the 'closed' that destroy() causes is then ignored
        win.destroy()
      }, readyTimeoutMs)
      win.onMessage((msg) => {
        if (gone || killed) return
        if (!ready && isReady(msg)) {
          ready = true
          clearTimeout(timer)
          for (const m of queue.splice(0)) win.send(m)
        }
        for (const cb of messageCbs) cb(msg)
      })
      win.onGone((reason) => {
        if (!killed) exit(reason)
      })
      return {
        get pid() {
          return win.pid
        },
        post(msg) {
          if (gone || killed) return
          if (ready) win.send(msg)
          else queue.push(msg)
        },
        onMessage(cb) {
          messageCbs.push(cb)
        },
        onExit(cb) {
          exitCbs.push(cb)
        },
        kill() {
          if (gone || killed) return
          killed = true
          win.destroy()
          // like a killed process: the exit is reported after the call returns
          queueMicrotask(() => exit('SIGKILL'))
        },
      }
    },
  }
}
