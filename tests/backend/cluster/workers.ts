/**
 * Test helpers: `zsnas worker` processes (the real CLI, spawned), waiting for
 * them in the live worker list, and reading a run's rows.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { listWorkers } from '../../../src/backend/cluster/workers'

export interface SpawnedWorker {
  name: string
  proc: ChildProcess
  log: () => string
}

/**
 * Short lock and stalled interval, so a killed worker's job is retried within ~7 s — but not so short that a
 * worker starved of CPU on a loaded CI machine misses its lock renewal (1.5 s did, twice in a row, at load 25).
 */
export function spawnWorker(url: string, name: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): SpawnedWorker {
  const proc = spawn(process.execPath, ['bin/zsnas.mjs', 'worker', '--redis', url, '--name', name, '--lock-ms', '6000', '--stalled-ms', '1000', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  })
  let text = ''
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()))
  return { name, proc, log: () => text }
}

export async function killWorker(w: SpawnedWorker, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return
  await new Promise<void>((resolve) => {
    w.proc.once('exit', () => resolve())
    w.proc.kill(signal)
  })
}

/** Waits until the live list holds exactly the given worker names. */
export async function waitForWorkers(url: string, names: string[], timeoutMs = 90_000): Promise<void> {
  const redis = new Redis(url)
  redis.on('error', () => {}) // reconnects by itself (the Redis restart test)
  try {
    const t0 = Date.now()
    for (;;) {
      const hosts = (await listWorkers(redis)).map((w) => w.host).sort()
      if (JSON.stringify(hosts) === JSON.stringify([...names].sort())) return
      if (Date.now() - t0 > timeoutMs) throw new Error(`workers ${names.join(',')} not all connected after ${timeoutMs} ms (have ${hosts.join(',')})`)
      await new Promise((r) => setTimeout(r, 200))
    }
  } finally {
    redis.disconnect()
  }
}

export const readRows = (dir: string): Array<Record<string, unknown>> =>
  readFileSync(join(dir, 'evaluated.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))

/** A row without what legitimately differs between machines and runs: wall time and the scoring host. */
export const comparable = (r: Record<string, unknown>): Record<string, unknown> => {
  const { seconds: _s, host: _h, ...rest } = r
  return rest
}

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now()
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
