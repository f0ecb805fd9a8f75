/**
 * Issue #22, defects 5, 6 and the rest of 8 for `zsnas search`:
 *  - 5: one search per --out folder (a second one exits 2 naming the holder);
 *  - 6: with --workers a typed worker error exits 2 with one line, and a job
 *    whose worker dies twice is a failed row (the search goes on);
 *  - 8: validate first, create after (a bad dataset leaves no --out), and
 *    --resume of a search killed before its first checkpoint works.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'
import { searchMain } from '../../src/cli/search'
import type { WorkerHandle, WorkerHost } from '../../src/backend/worker-host'
import { ZsnasError } from '../../src/engine/core/errors'
import { capture } from '../helpers/cli-io'

const tmp = mkdtempSync(join(tmpdir(), 'zsnas-search-hard-'))
// 'params' needs no forward pass: fast and deterministic
const BASE = ['search', '--space', 'nb201', '--strategy', 'random', '--proxy', 'params', '--n', '5', '--seed', '3', '--batch', '4', '--dataset', 'noise:8:10']
const rows = (dir: string) => readFileSync(join(dir, 'evaluated.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
const strip = (r: Record<string, unknown>) => ({ ...r, seconds: undefined })

/** An in-memory worker process: answers each score job with `behaviour`. */
function fakeHost(behaviour: (job: { arch: string }, w: { reply: (m: unknown) => void; die: () => void }) => void): WorkerHost & { deaths: number } {
  const host = {
    deaths: 0,
    spawn(): WorkerHandle {
      const msg: Array<(m: unknown) => void> = []
      const exit: Array<(c: number | null, s: string | null) => void> = []
      let dead = false
      const w = {
        reply: (m: unknown) => msg.forEach((cb) => cb(m)),
        die: () => {
          if (dead) return
          dead = true
          host.deaths++
          exit.forEach((cb) => cb(null, 'SIGKILL'))
        },
      }
      return {
        pid: 1,
        post(m: any) {
          if (dead || m.type !== 'score') return
          queueMicrotask(() => behaviour({ ...m.job, jobId: m.jobId }, { ...w, reply: (r: any) => w.reply({ ...r, jobId: m.jobId }) }))
        },
        onMessage: (cb) => void msg.push(cb),
        onExit: (cb) => void exit.push(cb),
        kill: () => w.die(),
      }
    },
  }
  return host
}

describe('zsnas search --out lock (defect 5)', () => {
  it('a second search into the same --out while the first runs exits 2 with one line naming the holder; the first is untouched', { timeout: 120_000 }, async () => {
    const out = join(tmp, 'locked')
    const first = spawn(process.execPath, ['bin/zsnas.mjs', ...BASE.map((a) => (a === '5' ? '100000' : a)), '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] })
    first.stderr!.resume()
    try {
      const lock = join(out, 'search.lock')
      for (let t = 0; t < 600 && !(existsSync(lock) && readFileSync(lock, 'utf8').length > 0); t++) await new Promise((r) => setTimeout(r, 100))
      expect(readFileSync(lock, 'utf8').trim()).toBe(String(first.pid))
      const io = capture()
      expect(await main([...BASE, '--out', out], io)).toBe(2)
      expect(io.stderr.trim().split('\n')).toHaveLength(1)
      expect(io.stderr).toContain(`pid ${first.pid}`)
      expect(io.stderr).toContain(out)
      const io2 = capture()
      expect(await main([...BASE, '--out', out, '--resume'], io2)).toBe(2)
      expect(io2.stderr).toContain(`pid ${first.pid}`)
      expect(readFileSync(lock, 'utf8').trim()).toBe(String(first.pid)) // the holder keeps its lock
    } finally {
      first.kill('SIGKILL')
      await new Promise((r) => first.once('exit', r))
    }
    // a lock whose owner is dead is taken over: --resume continues
    const io3 = capture()
    expect(await main([...BASE, '--out', out, '--resume'], io3)).toBe(0)
    expect(existsSync(join(out, 'search.lock'))).toBe(false)
  })
})

describe('zsnas search --workers errors (defect 6)', () => {
  it('a typed worker error (UNSAFE_PICKLE) stops the search as that typed error; through main: exit 2, one line', async () => {
    const host = fakeHost((_j, w) => w.reply({ type: 'error', error: { code: 'UNSAFE_PICKLE', message: 'train_data_batch_1: GLOBAL os.system is not allowed' } }))
    const out = join(tmp, 'pickle')
    const err = await searchMain([...BASE.slice(1), '--workers', '2', '--out', out], capture(), undefined, { host }).catch((e) => e)
    expect(err).toBeInstanceOf(ZsnasError)
    expect((err as ZsnasError).code).toBe('UNSAFE_PICKLE')
    expect((err as ZsnasError).message).toContain('os.system')
    expect(existsSync(join(out, 'search.lock'))).toBe(false) // released
  })

  it('a real bad dataset with --workers 2: exit 2, one line naming the file, no stack, no --out created', { timeout: 60_000 }, async () => {
    const bad = join(tmp, 'trunc.bin')
    writeFileSync(bad, Buffer.alloc(3000, 7))
    const out = join(tmp, 'w-bad')
    const io = capture()
    expect(await main([...BASE.filter((a, i) => i < BASE.length - 2), '--dataset', `cifar10:${bad}`, '--workers', '2', '--out', out], io)).toBe(2)
    expect(io.stderr.trim().split('\n')).toHaveLength(1)
    expect(io.stderr).toMatch(/\[BAD_FORMAT\].*trunc\.bin/)
    expect(io.stderr).not.toMatch(/\n\s+at /)
    expect(existsSync(out)).toBe(false)
  })

  it('a job whose worker dies twice is a failed row (WORKER_CRASHED); the other rows are scored and the search finishes', async () => {
    let victim = ''
    let tries = 0
    const host = fakeHost((j, w) => {
      if (victim === '') victim = j.arch
      if (j.arch === victim) {
        tries++
        return w.die()
      }
      w.reply({ type: 'result', outcome: { arch: j.arch, hash: j.arch, scores: { params: 1.5 }, params: 1.5, flops: 2, seconds: 0.01, backend: 'fake' } })
    })
    const out = join(tmp, 'crash')
    const io = capture()
    expect(await searchMain([...BASE.slice(1), '--workers', '2', '--out', out], io, undefined, { host })).toBe(0)
    const r = rows(out)
    expect(r).toHaveLength(5)
    const failed = r.filter((x) => x.status === 'failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ arch: victim, status: 'failed', error: { code: 'WORKER_CRASHED' } })
    expect(tries).toBe(2) // retried once on a fresh worker, then recorded
    expect(r.filter((x) => x.status !== 'failed').every((x) => x.scores.params === 1.5)).toBe(true)
  })
})

describe('zsnas search: validate first, create after; --resume without a checkpoint (defect 8)', () => {
  for (const workers of ['1', '2']) {
    it(`a missing dataset (--workers ${workers}) exits 2 and creates neither --out nor evaluated.jsonl`, async () => {
      const out = join(tmp, `nodata-${workers}`)
      const io = capture()
      const argv = [...BASE.slice(0, -2), '--dataset', `cifar10:${join(tmp, 'missing.bin')}`, '--workers', workers, '--out', out]
      expect(await main(argv, io)).toBe(2)
      expect(io.stderr).toMatch(/\[FILE_NOT_FOUND\].*missing\.bin/)
      expect(existsSync(out)).toBe(false)
    })
  }

  it('--resume on a folder with rows but no checkpoint (killed in the first group) equals a fresh run', { timeout: 60_000 }, async () => {
    const fresh = join(tmp, 'fresh')
    expect(await main([...BASE, '--out', fresh], capture())).toBe(0)
    const killed = join(tmp, 'killed')
    mkdirSync(killed)
    writeFileSync(join(killed, 'evaluated.jsonl'), `${JSON.stringify(rows(fresh)[0])}\n{"i":1,"half`)
    const io = capture()
    expect(await main([...BASE, '--out', killed, '--resume'], io)).toBe(0)
    expect(io.stderr).toMatch(/no checkpoint.*dropping 2 unconfirmed row/)
    expect(rows(killed).map(strip)).toEqual(rows(fresh).map(strip))
    expect(readdirSync(killed).sort()).toEqual(['best.json', 'checkpoint.json', 'evaluated.jsonl'])
  })

  it('--resume on an empty or absent folder starts the search', { timeout: 60_000 }, async () => {
    const empty = join(tmp, 'empty')
    mkdirSync(empty)
    expect(await main([...BASE, '--out', empty, '--resume'], capture())).toBe(0)
    expect(rows(empty)).toHaveLength(5)
    const absent = join(tmp, 'absent')
    expect(await main([...BASE, '--out', absent, '--resume'], capture())).toBe(0)
    expect(rows(absent)).toHaveLength(5)
  })
})
