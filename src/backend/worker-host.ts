/**
 * How the supervisor spawns scoring processes. Two implementations behind one
 * small interface:
 *  - `forkHost` — Node `child_process.fork` (browser mode, CLI, tests);
 *  - `utilityProcessHost` — Electron `utilityProcess.fork`; the electron module
 *    is INJECTED, so this file never imports 'electron' and runs under plain Node.
 */
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface WorkerHandle {
  readonly pid: number | undefined
  post(msg: unknown): void
  onMessage(cb: (msg: unknown) => void): void
  /** called once, when the process is gone (code null when killed by a signal) */
  onExit(cb: (code: number | null, signal: string | null) => void): void
  /** hard kill (SIGKILL); safe to call more than once */
  kill(): void
}

export interface WorkerHost {
  spawn(): WorkerHandle
}

export interface ForkHostOptions {
  /** worker entry (a .ts file with execArgv ['--import','tsx'], or a built .js) */
  entry: string
  execArgv?: string[]
  env?: NodeJS.ProcessEnv
}

/**
 * The scoring-worker entry for the Node shells (browser-mode server, CLI):
 * src/worker/score-worker.ts through tsx in a source checkout, otherwise the
 * built `score-worker.js` next to the bundle that contains this module.
 */
/**
 * `execArgv` that loads tsx's ESM loader in a child from any working
 * directory: the loader is named by its absolute URL, resolved from this
 * module (a bare `--import tsx` is resolved against the child's cwd, so a
 * `zsnas worker` or search started outside the checkout had every child fail).
 */
export function tsxImportArgs(): string[] {
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
}

export function scoreWorkerEntry(): ForkHostOptions {
  const ts = fileURLToPath(new URL('../worker/score-worker.ts', import.meta.url))
  if (existsSync(ts)) return { entry: ts, execArgv: tsxImportArgs() }
  return { entry: fileURLToPath(new URL('./score-worker.js', import.meta.url)), execArgv: [] }
}

export function forkHost(opts: ForkHostOptions): WorkerHost {
  return {
    spawn() {
      const child = fork(opts.entry, [], {
        execArgv: opts.execArgv ?? [],
        env: opts.env ?? process.env,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'advanced',
      })
      let exited = false
      const exitCbs: Array<(code: number | null, signal: string | null) => void> = []
      child.on('exit', (code, signal) => {
        exited = true
        for (const cb of exitCbs) cb(code, signal)
      })
      child.on('error', () => {
        // spawn/IPC errors surface as 'exit' (or a never-ready worker); nothing else to do here
      })
      return {
        get pid() {
          return child.pid
        },
        post(msg) {
          if (!exited && child.connected) child.send(msg as object)
        },
        onMessage(cb) {
          child.on('message', cb)
        },
        onExit(cb) {
          exitCbs.push(cb)
        },
        kill() {
          if (!exited) child.kill('SIGKILL')
        },
      }
    },
  }
}

/** The subset of Electron's `utilityProcess` API we use. */
export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'inherit' | 'pipe' | 'ignore' }): {
    pid: number | undefined
    postMessage(msg: unknown): void
    on(event: 'message', cb: (msg: unknown) => void): unknown
    on(event: 'exit', cb: (code: number) => void): unknown
    kill(): boolean
  }
}

export function utilityProcessHost(utilityProcess: UtilityProcessModule, entry: string): WorkerHost {
  return {
    spawn() {
      const child = utilityProcess.fork(entry, [], { serviceName: 'ZSNAS scorer', stdio: 'inherit' })
      let exited = false
      const exitCbs: Array<(code: number | null, signal: string | null) => void> = []
      child.on('exit', (code: number) => {
        exited = true
        for (const cb of exitCbs) cb(code, null)
      })
      return {
        get pid() {
          return child.pid
        },
        post(msg) {
          if (!exited) child.postMessage(msg)
        },
        onMessage(cb) {
          child.on('message', cb)
        },
        onExit(cb) {
          exitCbs.push(cb)
        },
        kill() {
          if (!exited) child.kill()
        },
      }
    },
  }
}
