/**
 * GPU-window workers in REAL headless Chromium (Debian's /usr/bin/chromium via playwright-core), the engine of
 * Electron's windows: each pool worker is a page running the real worker loop over the real bridge channel
 * (fixtures/gpu-window-page.ts), scoring on Chromium's built-in WebGPU through tfjs' webgpu backend.
 * Found here: headless Chromium gives a WebGPU adapter (google / swiftshader, a software one) with only
 * `--enable-unsafe-webgpu`, also with `--disable-gpu`, on a secure context (http://127.0.0.1); about:blank has
 * no navigator.gpu. Checked: the adapter; results through WorkerPool equal the hand-computed conv sums; a
 * window closed mid-job is replaced and the job retried (CDP Page.crash did not end the test's page in time here).
 */
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WorkerPool } from '../../src/backend/pool'
import { gpuWindowHost, type GpuWindowLike } from '../../src/backend/gpu-window-host'
import { GPU_WINDOW_FROM_WORKER, GPU_WINDOW_TO_WORKER } from '../../src/backend/gpu-window-channel'
import type { ScoreJob } from '../../src/worker/protocol'

const require = createRequire(import.meta.url)
let browser: Browser
let server: Server
let base = ''

beforeAll(async () => {
  const esbuild = require('esbuild') as typeof import('esbuild')
  const built = await esbuild.build({
    entryPoints: [join(__dirname, 'fixtures/gpu-window-page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'error',
  })
  const js = built.outputFiles[0].contents
  server = createServer((req, res) => {
    if (req.url?.startsWith('/page.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' })
      res.end(js)
    } else {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>zsnas gpu window</title><script type="module" src="/page.js"></script>')
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const a = server.address()
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-webgpu', '--disable-background-networking'],
  })
})

afterAll(async () => {
  await browser?.close()
  server?.close()
})

/** A GpuWindowLike over a new page of the shared browser (the page is made in the background; the host queues). */
function pageWindow(query: string, pages: Page[]): GpuWindowLike {
  const msgCbs: Array<(m: unknown) => void> = []
  const goneCbs: Array<(r: string) => void> = []
  let page: Page | undefined
  let gone = false
  const fireGone = (r: string) => {
    if (gone) return
    gone = true
    for (const cb of goneCbs) cb(r)
  }
  void (async () => {
    const p = await browser.newPage()
    page = p
    pages.push(p)
    p.on('crash', () => fireGone('renderer crashed'))
    p.on('close', () => fireGone('window closed'))
    await p.exposeBinding('zsnasIpcSend', (_src, ch: string, m: unknown) => {
      if (ch === GPU_WINDOW_FROM_WORKER) for (const cb of msgCbs) cb(m)
    })
    await p.goto(`${base}/?${query}`)
  })().catch((e: Error) => fireGone(`page failed: ${e.message}`))
  return {
    pid: undefined,
    send: (m) => void page?.evaluate(([ch, msg]) => (globalThis as any).zsnasIpcDeliver(ch, msg), [GPU_WINDOW_TO_WORKER, m] as const).catch(() => {}),
    onMessage: (cb) => void msgCbs.push(cb),
    onGone: (cb) => void goneCbs.push(cb),
    destroy: () => void page?.close().catch(() => {}),
  }
}

const job = (arch: string, batchSize: number): ScoreJob => ({
  space: 'nb201',
  arch,
  proxies: ['convSum'],
  dataset: { kind: 'noise', imageSize: 8, numClasses: 10 },
  batchSize,
  seed: 0,
  init: 'pytorch',
})

describe('GPU-window workers in headless Chromium (WebGPU)', () => {
  it('headless Chromium exposes a WebGPU adapter on a secure context (software: SwiftShader)', async () => {
    const p = await browser.newPage()
    await p.goto(`${base}/?probe`)
    const info = await p.evaluate(async () => {
      const a = await (navigator as any).gpu?.requestAdapter()
      return a ? { vendor: a.info?.vendor as string, architecture: a.info?.architecture as string } : null
    })
    await p.close()
    expect(info).toEqual({ vendor: 'google', architecture: 'swiftshader' })
  })

  it('jobs through WorkerPool score on webgpu with the hand-computed results', async () => {
    const pages: Page[] = []
    const pool = new WorkerPool(gpuWindowHost(() => pageWindow('n=0', pages), { readyTimeoutMs: 90_000 }), 2)
    const rs = await Promise.all([2, 3, 5].map((b) => pool.score(job(`b${b}`, b))))
    expect(rs.map((r) => (r.ok ? [r.outcome.backend, r.outcome.scores.convSum] : r.error))).toEqual([
      ['webgpu', 5808 * 2],
      ['webgpu', 5808 * 3],
      ['webgpu', 5808 * 5],
    ])
    expect(pages).toHaveLength(2)
    pool.close()
  })

  it('a window that goes away mid-job is replaced and the job retried on a fresh one', async () => {
    const pages: Page[] = []
    let n = 0
    const exits: Array<string | null> = []
    const pool = new WorkerPool(gpuWindowHost(() => pageWindow(n++ === 0 ? 'slow=1' : 'slow=0', pages), { readyTimeoutMs: 90_000 }), 1, {
      onWorkerExit: (_p, _c, s) => exits.push(s),
    })
    const pending = pool.score(job('slow', 4))
    const until = Date.now() + 60_000
    while (pages.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
    await new Promise((r) => setTimeout(r, 3000)) // the job is in the (slow) first page by now
    await pages[0].close() // the window goes away mid-job (Electron: 'closed' / 'render-process-gone')
    const r = await pending
    expect(r).toMatchObject({ ok: true, attempts: 2, outcome: { backend: 'webgpu', scores: { convSum: 5808 * 4 } } })
    expect(exits[0]).toBe('window closed')
    pool.close()
  })
})
