/**
 * A throw-away `redis-server` for the cluster tests: loopback only, a free
 * port, no persistence (`--save '' --appendonly no`), so a restart loses
 * every job — the worst case the cluster must survive. `kill()` is SIGKILL;
 * `restart()` starts a fresh, empty server on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, connect } from 'node:net'

export const REDIS_SERVER = process.env.ZSNAS_REDIS_SERVER ?? '/usr/bin/redis-server'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now()
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1')
      c.once('connect', () => {
        c.end()
        resolve(true)
      })
      c.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() - t0 > timeoutMs) throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface TestRedis {
  port: number
  url: string
  kill(): Promise<void>
  restart(): Promise<void>
  stop(): Promise<void>
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort()
  let proc: ChildProcess | null = null
  const launch = async (): Promise<void> => {
    proc = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' })
    await waitForPort(port)
  }
  const kill = async (): Promise<void> => {
    const p = proc
    proc = null
    if (!p || p.exitCode !== null) return
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve())
      p.kill('SIGKILL')
    })
  }
  await launch()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: async () => {
      await kill()
      await launch()
    },
    stop: kill,
  }
}
