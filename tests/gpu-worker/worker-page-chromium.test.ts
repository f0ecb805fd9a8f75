/**
 * The GPU worker window's PAGE (src/gpu-worker/, the entry Electron's sandboxed worker windows load) in REAL
 * headless Chromium (Debian's /usr/bin/chromium via playwright-core): built by Vite from
 * src/renderer/gpu-worker.html exactly as the electron-vite renderer build does, served through the app
 * protocol's own handler (createAppProtocolHandler: the app's CSP header, nosniff), with a FAKE bridge injected
 * in place of the sandboxed preload's (the real bridge is tests/preload/gpu-worker-bridge.test.ts).
 * Main's side is the real one: `datasetBytesSender` reads the job's dataset files (the shared CIFAR-10 file)
 * and sends their bytes with the first job; the page decodes them with the engine's bytes entry.
 *
 * Backend: Chromium runs with --disable-gpu (+ --enable-unsafe-webgpu, as Electron's switches), so WebGPU
 * offers only SwiftShader, a software adapter that the automatic order refuses: the page scores on **wasm**
 * (asserted, with the page's own "tfjs backend" line naming why webgpu was not used).
 * Checked: the same NB201 cells, proxies (WRCor, JacCor), seed and batch (4) give the SAME scores (bit for bit) in
 * the page (bytes path) as the Node worker's scorer on wasm (path loader, same file); a second job of the same dataset gets no bytes and
 * reuses the page's opened source; a malformed dataset answer is the typed error.
 */
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WorkerPool } from '../../src/backend/pool'
import { gpuWindowHost, type GpuWindowLike } from '../../src/backend/gpu-window-host'
import { datasetBytesSender } from '../../src/backend/gpu-window-data'
import { GPU_WORKER_BRIDGE_KEY } from '../../src/backend/gpu-window-channel'
import { createAppProtocolHandler } from '../../src/main/app-protocol'
import { cspMetaPlugin } from '../../src/server/renderer-build'
import { engineScorer } from '../../src/worker/engine-scorer'
import type { ScoreJob } from '../../src/worker/protocol'
import { sharedPath } from '../helpers/shared-data'

const ROOT = resolve(__dirname, '../..')
let outDir = ''
let browser: Browser
let server: Server
let base = ''

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'zsnas-gpu-page-'))
  // the electron-vite renderer build's settings for this input (root src/renderer, relative base, CSP meta tag)
  await build({
    configFile: false,
    root: join(ROOT, 'src/renderer'),
    base: './',
    logLevel: 'error',
    plugins: [cspMetaPlugin()],
    build: { outDir, emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 8192, rollupOptions: { input: { 'gpu-worker': join(ROOT, 'src/renderer/gpu-worker.html') } } },
  })
  CIFAR = join(outDir, 'data_batch_1_first256.bin')
  writeFileSync(CIFAR, readFileSync(sharedPath('cifar10', 'data_batch_1_first4000_exact.bin')).subarray(0, 3073 * 256))
  const handler = createAppProtocolHandler(outDir)
  server = createServer((req, res) => {
    void handler({ url: `app://zsnas${new URL(req.url ?? '/', 'http://x').pathname}` }).then(async (r) => {
      res.writeHead(r.status, Object.fromEntries(r.headers))
      res.end(Buffer.from(await r.arrayBuffer()))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const a = server.address()
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-webgpu', '--disable-background-networking'],
  })
}, 240_000)

afterAll(async () => {
  await browser?.close()
  server?.close()
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

/**
 * The injected bridge stand-in (runs before the page's scripts). A string, not a function: the test runner's
 * transform may add helpers (`__name`) to a function's source that the page does not have.
 */
const FAKE_BRIDGE = `(() => {
  const cbs = []
  window[${JSON.stringify(GPU_WORKER_BRIDGE_KEY)}] = {
    send: (m) => window.zsnasToMain(m),
    onMessage: (cb) => (cbs.push(cb), () => undefined),
  }
  window.zsnasDeliver = (m) => {
    const files = m.datasetFiles && m.datasetFiles.map((f) => ({ name: f.name, bytes: Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0)) }))
    const msg = files ? { ...m, datasetFiles: files } : m
    for (const cb of cbs) cb(msg)
  }
})()`

interface PageRecord {
  page?: Page
  console: string[]
  /** messages main sent, with the number of dataset files each carried */
  sent: Array<{ type: string; files: number }>
}

/** A GpuWindowLike over a real page of the built GPU worker entry; main's real datasetBytesSender in front. */
function pageWindow(rec: PageRecord): GpuWindowLike {
  const msgCbs: Array<(m: unknown) => void> = []
  const goneCbs: Array<(r: string) => void> = []
  let gone = false
  const fireGone = (r: string) => {
    if (gone) return
    gone = true
    for (const cb of goneCbs) cb(r)
  }
  const ready = (async () => {
    const p = await browser.newPage()
    rec.page = p
    p.on('console', (m) => rec.console.push(m.text()))
    p.on('pageerror', (e) => rec.console.push(`pageerror: ${e.message}`))
    p.on('close', () => fireGone('window closed'))
    await p.exposeBinding('zsnasToMain', (_src, m: unknown) => {
      for (const cb of msgCbs) cb(m)
    })
    await p.addInitScript(FAKE_BRIDGE)
    await p.goto(`${base}/gpu-worker.html`)
    return p
  })()
  ready.catch((e: Error) => fireGone(`page failed: ${e.message}`))
  const send = datasetBytesSender({
    send: (m) => {
      const msg = m as { type: string; datasetFiles?: Array<{ name: string; bytes: Uint8Array }> }
      rec.sent.push({ type: msg.type, files: msg.datasetFiles?.length ?? 0 })
      const wire = msg.datasetFiles ? { ...msg, datasetFiles: msg.datasetFiles.map((f) => ({ name: f.name, b64: Buffer.from(f.bytes).toString('base64') })) } : msg
      void ready.then((p) => p.evaluate((x) => (window as unknown as { zsnasDeliver(m: unknown): void }).zsnasDeliver(x), wire as never)).catch(() => {})
    },
    fail: (m) => {
      for (const cb of msgCbs) cb(m)
    },
  })
  return {
    pid: undefined,
    send,
    onMessage: (cb) => void msgCbs.push(cb),
    onGone: (cb) => void goneCbs.push(cb),
    destroy: () => void ready.then((p) => p.close()).catch(() => {}),
  }
}

/** The first 256 records of the shared CIFAR-10 file (written in beforeAll: the bytes cross CDP as base64, kept small). */
let CIFAR = ''
const job = (arch: string, seed: number, proxies = ['wrcor', 'jaccor']): ScoreJob => ({
  space: 'nb201',
  arch,
  proxies,
  dataset: { kind: 'cifar10', path: CIFAR },
  batchSize: 4,
  seed,
  init: 'pytorch',
})
const CELL_A = '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|'
const CELL_B = '|nor_conv_1x1~0|+|skip_connect~0|nor_conv_3x3~1|+|nor_conv_3x3~0|avg_pool_3x3~1|skip_connect~2|'

describe('GPU worker page (sandboxed-window entry) in headless Chromium', () => {
  it('scores on wasm (named) with the Node worker’s exact scores, datasets from bytes sent once', async () => {
    const rec: PageRecord = { console: [], sent: [] }
    const pool = new WorkerPool(gpuWindowHost(() => pageWindow(rec), { readyTimeoutMs: 120_000 }), 1)
    const jobs = [job(CELL_A, 3), job(CELL_B, 7, ['wrcor'])]
    const inPage = []
    for (const j of jobs) inPage.push(await pool.score(j))
    pool.close()
    // the Node worker's scorer on wasm, reading the dataset by path
    process.env.ZSNAS_BACKEND = 'wasm'
    const inNode = []
    for (const j of jobs) inNode.push(await engineScorer(j))
    for (let i = 0; i < jobs.length; i++) {
      const r = inPage[i]
      if (!r.ok) throw new Error(`page job ${i} failed: ${JSON.stringify(r.error)}; console: ${rec.console.join(' | ')}`)
      expect(r.outcome.backend).toBe('wasm')
      expect(inNode[i].backend).toBe('wasm')
      expect(Object.keys(r.outcome.scores).sort()).toEqual([...jobs[i].proxies].sort())
      for (const v of Object.values(r.outcome.scores)) expect(Number.isFinite(v)).toBe(true)
      expect(r.outcome.scores).toEqual(inNode[i].scores)
      expect([r.outcome.arch, r.outcome.params, r.outcome.flops]).toEqual([inNode[i].arch, inNode[i].params, inNode[i].flops])
    }
    // the page said which backend it took and why not webgpu (SwiftShader is software)
    expect(rec.console.find((l) => l.startsWith('[zsnas] tfjs backend:'))).toMatch(/^\[zsnas\] tfjs backend: wasm; not usable: .*webgpu \(only a software GPU adapter/)
    // the dataset's one file went with the first job only
    expect(rec.sent).toEqual([{ type: 'score', files: 1 }, { type: 'score', files: 0 }])
  }, 300_000)

  it('a dataset main cannot read is the loader’s typed error; a kind without a bytes decoder is the page’s', async () => {
    const rec: PageRecord = { console: [], sent: [] }
    const pool = new WorkerPool(gpuWindowHost(() => pageWindow(rec), { readyTimeoutMs: 120_000 }), 1)
    const missing = await pool.score({ ...job(CELL_A, 1), dataset: { kind: 'cifar10', path: join(outDir, 'no-such.bin') } })
    const u8 = await pool.score({ ...job(CELL_A, 1), dataset: { kind: 'u8', path: sharedPath('imagenet_sample', 'imagenet1k_sample_1000x16x16x3.u8'), imageSize: 16 } })
    pool.close()
    expect(missing).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } })
    expect(u8).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } })
    expect(u8.ok ? '' : u8.error.message).toMatch(/dataset kind "u8" cannot be opened from bytes/)
    // only the u8 job reached the page (the unreadable one was answered by main)
    expect(rec.sent).toEqual([{ type: 'score', files: 0 }])
  }, 300_000)
})
