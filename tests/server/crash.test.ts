/**
 * Crash safety: kill -9 a worker mid-run, then kill -9 the server process
 * itself; restart on the same data folder; the run reopens as 'interrupted',
 * resumes, and ends with exactly the evaluations of an uninterrupted run with
 * the same seed — nothing lost, nothing duplicated.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { createClient, type Client } from '../../src/shared/client'
import type { EvaluationRow, RunConfigInput } from '../../src/shared/schemas'
import { createWsTransport } from '../../src/shared/ws-transport'
import { record, tmpDir } from './helpers'

const CONFIG: RunConfigInput = {
  space: 'nb201',
  strategy: 're',
  strategyOptions: { populationSize: 4, tournamentSize: 2 },
  proxy: { mode: 'single', id: 'acor' },
  n: 10,
  seed: 99,
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 },
  batchSize: 8,
  workers: 1,
}

const procs: ChildProcess[] = []
afterEach(() => {
  for (const p of procs.splice(0)) {
    for (const c of childrenOf(p.pid!)) safeKill(c)
    safeKill(p.pid!)
  }
})

function safeKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

function isWorker(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('score-worker')
  } catch {
    return false
  }
}

/** direct children of a pid, from /proc */
function childrenOf(pid: number): number[] {
  const out: number[] = []
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) out.push(Number(d))
    } catch {
      // raced with an exiting process
    }
  }
  return out
}

async function startServerProcess(dataDir: string): Promise<{ proc: ChildProcess; client: Client }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--data-dir', dataDir, '--static', path.join(dataDir, 'no-ui')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  procs.push(proc)
  const url = await new Promise<string>((resolve, reject) => {
    let buf = ''
    const t = setTimeout(() => reject(new Error(`server did not print its URL: ${buf}`)), 60_000)
    proc.stdout!.on('data', (d) => {
      buf += d.toString()
      const m = buf.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/)
      if (m) {
        clearTimeout(t)
        resolve(m[0])
      }
    })
    proc.stderr!.on('data', () => {})
    proc.on('exit', (code) => reject(new Error(`server exited early (${code}): ${buf}`)))
  })
  const u = new URL(url)
  const transport = createWsTransport(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`, { WebSocketImpl: WebSocket as never })
  await transport.ready
  return { proc, client: createClient(transport) }
}

const strip = (r: EvaluationRow) => ({ index: r.index, arch: r.arch, hash: r.hash, status: r.status, scores: r.scores, params: r.params, flops: r.flops })

describe('crash safety (server run as a child process, real workers)', () => {
  it('survives kill -9 of a worker and of the server; resume reproduces the uninterrupted run exactly', async () => {
    const dataDir = tmpDir('crash')
    let { proc, client } = await startServerProcess(dataDir)
    let ev = record(client)
    const run = await client.runs.start(CONFIG)

    // 1. kill -9 the worker while it scores (after the first result it is busy with the next architecture)
    await ev.waitFor((r) => r.event === 'run.evaluated' && r.payload.runId === run.id)
    const workers = childrenOf(proc.pid!).filter(isWorker)
    expect(workers.length).toBe(1)
    process.kill(workers[0], 'SIGKILL')
    const retried = await ev.waitFor((r) => r.event === 'run.log' && /died .*retrying once/.test(r.payload.entry.message))
    expect(retried.payload.entry.level).toBe('warn')

    // 2. after a couple more results, kill -9 the server itself
    await ev.waitFor((r) => r.event === 'run.progress' && r.payload.runId === run.id && r.payload.done >= 4)
    const before = (await client.runs.evaluations(run.id, { limit: 1000 })).rows
    const workersSeen = new Set(childrenOf(proc.pid!).filter(isWorker))
    expect(workersSeen.size).toBe(1)
    process.kill(proc.pid!, 'SIGKILL')
    await new Promise((r) => proc.once('exit', r))
    client.close()
    ev.stop()
    // the orphaned worker exits on its own (IPC channel closed)
    await new Promise((r) => setTimeout(r, 1500))
    const orphans = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter(isWorker).filter((p) => workersSeen.has(p))
    expect(orphans).toEqual([])

    // the store on disk: every evaluation seen before the kill is there, none twice
    const db = new Database(path.join(dataDir, 'runs.sqlite'), { readonly: true })
    const onDisk = db.prepare('SELECT idx, COUNT(*) AS c FROM evaluations WHERE run_id = ? GROUP BY idx').all(run.id) as { idx: number; c: number }[]
    db.close()
    expect(onDisk.every((r) => r.c === 1)).toBe(true)
    expect(onDisk.length).toBeGreaterThanOrEqual(before.length)

    // 3. restart on the same data folder: the run is 'interrupted'; resume it
    ;({ proc, client } = await startServerProcess(dataDir))
    ev = record(client)
    const reopened = await client.runs.get(run.id)
    expect(reopened.status).toBe('interrupted')
    for (const r of before) expect(strip((await client.runs.evaluations(run.id, { limit: 1000 })).rows[r.index])).toEqual(strip(r))
    await client.runs.resume(run.id)
    const fin = await ev.waitFor((r) => r.event === 'run.finished' && r.payload.runId === run.id)
    expect(fin.payload.summary.status).toBe('finished')
    const resumed = (await client.runs.evaluations(run.id, { limit: 1000 })).rows
    expect(resumed.map((r) => r.index)).toEqual(Array.from({ length: fin.payload.summary.total }, (_, i) => i))
    expect(resumed.every((r) => r.status === 'ok')).toBe(true)

    // 4. the same config and seed, uninterrupted
    const ref = await client.runs.start(CONFIG)
    const refFin = await ev.waitFor((r) => r.event === 'run.finished' && r.payload.runId === ref.id)
    const reference = (await client.runs.evaluations(ref.id, { limit: 1000 })).rows
    expect(resumed.map(strip)).toEqual(reference.map(strip))
    expect(fin.payload.summary.best.index).toBe(refFin.payload.summary.best.index)
    ev.stop()
    client.close()
  }, 180_000)
})
