/**
 * End-to-end harness: spawns the real `npm run serve` (build + browser-mode
 * server) on a temporary data folder, reads the tokenised URL it prints, and
 * drives Debian's headless Chromium through playwright-core. Everything it
 * starts is killed by process group in `stop()` (also on failure).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { SHARED_DATA } from '../helpers/shared-data'
import { chromium, type Browser, type Page } from 'playwright-core'

export const ROOT = resolve(import.meta.dirname, '../..')
export const SHOTS = join(ROOT, 'test-output', 'screenshots')

export interface Served {
  url: string
  dataDir: string
  output: () => string
  stop(): Promise<void>
}

export interface ServeOptions {
  /** reuse this data folder (a restart); default a fresh temp folder */
  dataDir?: string
  /** default 0 (a free port) */
  port?: number
  /** more server arguments, e.g. ['--token', T] */
  extraArgs?: string[]
  /** stop() keeps the data folder (for a restart on the same folder) */
  keepData?: boolean
  /** serve this already built renderer (a restart: skips the build) */
  staticDir?: string
}

/** Starts `npm run serve` with its data in a fresh temp folder (or `opts.dataDir`); resolves when it prints the URL. */
export async function startServe(timeoutMs = 240_000, opts: ServeOptions = {}): Promise<Served> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'zsnas-e2e-'))
  let out = ''
  // ZSNAS_E2E_STATIC=<built renderer dir> skips the build step (local iteration only)
  const pre = opts.staticDir ?? process.env.ZSNAS_E2E_STATIC
  const [cmd, args] = pre
    ? ['npx', ['tsx', 'src/server/cli.ts', '--static', pre]]
    : ['npm', ['run', 'serve', '--']]
  const child: ChildProcess = spawn(cmd, [...args, '--port', String(opts.port ?? 0), '--data-dir', dataDir, '--workers', '1', ...allowFlags(), ...(opts.extraArgs ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ZSNAS_DATA_DIR: dataDir, BROWSER: 'none', FORCE_COLOR: '0' },
    detached: true, // own process group, so stop() ends npm, tsx, the server and its workers together
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let exited = false
  child.on('exit', () => (exited = true))
  const stop = async () => {
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {
        /* already gone */
      }
      const t0 = Date.now()
      while (!exited && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 100))
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          /* gone */
        }
      }
    }
    if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true })
  }
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`npm run serve printed no URL within ${timeoutMs} ms:\n${out.slice(-3000)}`)), timeoutMs)
    const onData = (b: Buffer) => {
      out += b.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*token=[0-9a-zA-Z]+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        res(m[1])
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      rej(new Error(`npm run serve exited with ${code} before printing a URL:\n${out.slice(-3000)}`))
    })
  }).catch(async (e) => {
    await stop()
    throw e
  })
  return { url, dataDir, output: () => out, stop }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

export async function newPage(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
  const page = await ctx.newPage()
  page.on('pageerror', (e) => pageErrors.push(String(e)))
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`${m.text()} @ ${m.location().url}`)
  })
  return page
}

/** Uncaught page errors and console errors seen by any page (tests assert none). */
export const pageErrors: string[] = []

export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage })
}

/** Fails when the page is wider than the 1280 px window (a layout break). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

/** Minimal RFC 4180 parser for the exported CSV. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let f = ''
  let q = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        f += '"'
        i++
      } else if (c === '"') q = false
      else f += c
    } else if (c === '"') q = true
    else if (c === ',') {
      row.push(f)
      f = ''
    } else if (c === '\n') {
      row.push(f)
      rows.push(row)
      row = []
      f = ''
    } else if (c !== '\r') f += c
  }
  if (f || row.length) {
    row.push(f)
    rows.push(row)
  }
  return rows
}

/** the server reads only --allow folders (src/backend/path-policy.ts): the tests type shared-data and tmp paths */
function allowFlags(): string[] {
  return ['--allow', tmpdir(), ...(existsSync(SHARED_DATA) ? ['--allow', SHARED_DATA] : [])]
}
