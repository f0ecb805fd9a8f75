/**
 * GPU-window workers (src/backend/gpu-window-host.ts + gpu-window-channel.ts) behind the unchanged WorkerPool,
 * in Node: each fake "window" loads its page after a delay (IPC sent before that is lost, as in Electron), then
 * runs the REAL worker loop (src/worker/worker-loop.ts) over the preload's REAL bridge on an ipcRenderer stand-in. Checked: results
 * come back in order through the pool; jobs posted before `ready` are queued, not lost; a renderer crash mid-job
 * is retried once on a fresh window; a window that never gets ready is destroyed after the timeout and its job
 * ends WORKER_CRASHED after two windows; close() destroys busy windows and cancels.
 */
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { WorkerPool } from '../../src/backend/pool'
import { gpuWindowHost, type GpuWindowLike } from '../../src/backend/gpu-window-host'
import { GPU_WINDOW_FROM_WORKER, GPU_WINDOW_TO_WORKER, bridgeChannel } from '../../src/backend/gpu-window-channel'
import { buildGpuWorkerBridge } from '../../src/preload/gpu-worker-bridge'
import { runWorker, type JobScorer } from '../../src/worker/worker-loop'
import { job } from './fixtures/score-job'


interface FakeOpts {
  loadMs?: number
  /** never load the page (no worker loop, no ready) */
  neverLoads?: boolean
}

/** A hidden window: main↔renderer IPC as two emitters; the page (the real worker loop) starts after loadMs. */
class FakeWindow implements GpuWindowLike {
  static next = 5000
  readonly pid = FakeWindow.next++
  destroyed = false
  sentBeforeLoad = 0
  private loaded = false
  private readonly toRenderer = new EventEmitter()
  private readonly toMain = new EventEmitter()
  private readonly gone: Array<(r: string) => void> = []
  constructor(scorer: (win: FakeWindow) => JobScorer, opts: FakeOpts) {
    if (opts.neverLoads) return
    setTimeout(() => {
      if (this.destroyed) return
      this.loaded = true
      const ipcRenderer = {
        send: (ch: string, m: unknown) => queueMicrotask(() => !this.destroyed && this.toMain.emit(ch, m)),
        on: (ch: string, cb: (e: unknown, m: unknown) => void) => this.toRenderer.on(ch, (m) => cb({}, structuredClone(m))),
        removeListener: () => undefined,
      }
      // the page's loop over the sandboxed preload's real bridge (validated both ways)
      runWorker(bridgeChannel(buildGpuWorkerBridge(ipcRenderer)), scorer(this), { pid: this.pid, exit: () => this.destroy() })
    }, opts.loadMs ?? 20)
  }
  send(msg: unknown) {
    if (this.destroyed) return
    if (!this.loaded) {
      this.sentBeforeLoad++ // Electron drops it: nobody listens yet
      return
    }
    queueMicrotask(() => this.toRenderer.emit(GPU_WINDOW_TO_WORKER, msg))
  }
  onMessage(cb: (m: unknown) => void) {
    this.toMain.on(GPU_WINDOW_FROM_WORKER, cb)
  }
  onGone(cb: (r: string) => void) {
    this.gone.push(cb)
  }
  crash(reason: string) {
    this.destroyed = true
    for (const cb of this.gone) cb(reason)
  }
  destroy() {
    if (this.destroyed) return
    this.destroyed = true
    for (const cb of this.gone) cb('window closed')
  }
}

const echoScorer: JobScorer = async (j) => ({
  arch: j.arch,
  hash: j.arch,
  scores: { p: j.seed * 10 + j.batchSize },
  params: 1,
  flops: null,
  seconds: 0.01,
  backend: 'webgpu',
})

function factory(make: (n: number) => { scorer: (w: FakeWindow) => JobScorer; opts?: FakeOpts }) {
  const windows: FakeWindow[] = []
  return {
    windows,
    create: () => {
      const m = make(windows.length)
      const w = new FakeWindow(m.scorer, m.opts ?? {})
      windows.push(w)
      return w
    },
  }
}

describe('gpuWindowHost behind WorkerPool', () => {
  it('scores jobs through the real worker loop; jobs posted before the page loaded are queued, not lost', async () => {
    const f = factory(() => ({ scorer: () => echoScorer, opts: { loadMs: 50 } }))
    const pool = new WorkerPool(gpuWindowHost(f.create), 2)
    const rs = await Promise.all([1, 2, 3, 4, 5].map((s) => pool.score(job(`a${s}`, s))))
    expect(rs.map((r) => (r.ok ? r.outcome.scores.p : r.error.code))).toEqual([18, 28, 38, 48, 58])
    expect(rs.every((r) => r.ok && r.attempts === 1 && r.outcome.backend === 'webgpu')).toBe(true)
    expect(f.windows).toHaveLength(2)
    expect(f.windows.every((w) => w.sentBeforeLoad === 0)).toBe(true) // the host held them until `ready`
    expect(pool.pids()).toEqual(f.windows.map((w) => w.pid))
    pool.close()
    expect(f.windows.every((w) => w.destroyed)).toBe(true)
  })

  it('a renderer that crashes mid-job: the job is retried once on a fresh window', async () => {
    const f = factory((n) => ({
      scorer: (win) => async (j) => {
        if (n === 0) {
          win.crash('renderer crashed (exit 139)')
          return new Promise(() => {}) // the crashed renderer never answers
        }
        return echoScorer(j)
      },
    }))
    const exits: Array<string | null> = []
    const pool = new WorkerPool(gpuWindowHost(f.create), 1, { onWorkerExit: (_p, _c, s) => exits.push(s) })
    const r = await pool.score(job('x', 3))
    expect(r).toMatchObject({ ok: true, attempts: 2, outcome: { scores: { p: 38 } } })
    expect(exits).toEqual(['renderer crashed (exit 139)'])
    pool.close()
  })

  it('a window that never reports ready is destroyed after the timeout; two of them → WORKER_CRASHED', async () => {
    const f = factory(() => ({ scorer: () => echoScorer, opts: { neverLoads: true } }))
    const pool = new WorkerPool(gpuWindowHost(f.create, { readyTimeoutMs: 100 }), 1)
    const r = await pool.score(job('y'))
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('WORKER_CRASHED')
      expect(r.error.message).toContain('GPU_WINDOW_NOT_READY')
    }
    expect(f.windows).toHaveLength(2)
    expect(f.windows.every((w) => w.destroyed)).toBe(true)
    pool.close()
  })

  it('close() while scoring destroys the busy window and cancels the job; the kill is reported once', async () => {
    const f = factory(() => ({ scorer: () => () => new Promise(() => {}) }))
    const host = gpuWindowHost(f.create)
    const pool = new WorkerPool(host, 1)
    const pending = pool.score(job('z'))
    await new Promise((r) => setTimeout(r, 100))
    pool.close()
    expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(f.windows[0].destroyed).toBe(true)
    // a handle on its own: kill → one exit with SIGKILL, posts after it are dropped
    const h = host.spawn()
    const exits: Array<string | null> = []
    h.onExit((_c, s) => exits.push(s))
    h.kill()
    h.kill()
    h.post({ type: 'score', jobId: 1, job: job('late') })
    await new Promise((r) => setTimeout(r, 10))
    expect(exits).toEqual(['SIGKILL'])
  })
})
