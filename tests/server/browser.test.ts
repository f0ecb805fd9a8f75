/**
 * `npm run serve` as a user runs it: the server CLI (child process) serving a
 * fresh renderer build, opened in headless Chromium. The page must load under
 * the CSP without errors and talk the contract over the WebSocket; without the
 * token the server refuses the page. Skipped when /usr/bin/chromium is absent.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { buildRenderer } from '../../src/server/renderer-build'
import { createClient } from '../../src/shared/client'
import { createWsTransport } from '../../src/shared/ws-transport'
import { tmpDir } from './helpers'

const CHROMIUM = '/usr/bin/chromium'
const has = fs.existsSync(CHROMIUM)

let server: ChildProcess | null = null
let browser: Browser | null = null
let url = ''

beforeAll(async () => {
  if (!has) return
  const dir = tmpDir('browser')
  const ui = path.join(dir, 'ui')
  await buildRenderer(ui)
  server = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--data-dir', path.join(dir, 'data'), '--static', ui], { stdio: ['ignore', 'pipe', 'pipe'] })
  url = await new Promise<string>((resolve, reject) => {
    let buf = ''
    const t = setTimeout(() => reject(new Error(`no URL printed: ${buf}`)), 60_000)
    server!.stdout!.on('data', (d) => {
      buf += d.toString()
      const m = buf.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/)
      if (m) {
        clearTimeout(t)
        resolve(m[0])
      }
    })
  })
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await new Promise((r) => server!.once('exit', r))
  }
})

describe.skipIf(!has)('browser mode in headless Chromium', () => {
  it('loads the UI with the token, speaks the contract over the WebSocket, refuses the page without the token', async () => {
    const page = await browser!.newPage()
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`)
    })
    const replies: any[] = []
    page.on('websocket', (ws) => ws.on('framereceived', (f) => replies.push(JSON.parse(String(f.payload)))))
    const res = await page.goto(url)
    expect(res!.status()).toBe(200)
    expect(res!.headers()['content-security-policy']).toContain("default-src 'none'")
    await page.getByText('New search').first().waitFor({ timeout: 30_000 })
    await expect.poll(() => replies.filter((r) => r.type === 'res' && r.result.ok).length, { timeout: 30_000 }).toBeGreaterThan(0)
    expect(replies.filter((r) => r.type === 'res' && !r.result.ok)).toEqual([])
    expect(problems).toEqual([])

    const anon = await browser!.newPage()
    const refused = await anon.goto(url.replace(/\?token=.*/, ''))
    expect(refused!.status()).toBe(403)
  })

  it('a new user starts a tiny search from the wizard and watches it finish (the UI and the server agree)', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } })
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    await page.goto(url)
    await page.getByText('New search').first().waitFor({ timeout: 30_000 })
    await page.getByLabel('Image size (pixels)').fill('16')
    const next = () => page.getByRole('button', { name: 'Next' }).click()
    await next()
    await next()
    await next()
    await page.getByLabel(/Budget N/).fill('3')
    await page.getByLabel(/Batch size/).fill('8')
    await next()
    await page.getByRole('button', { name: 'Start search' }).click()
    await page.getByText('finished', { exact: true }).first().waitFor({ timeout: 90_000 })
    expect(problems).toEqual([])

    // the server's view of the same run
    const u = new URL(url)
    const transport = createWsTransport(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`, { WebSocketImpl: WebSocket as never })
    const client = createClient(transport)
    const runs = await client.runs.list()
    const run = runs.find((r) => r.config.n === 3)!
    expect(run.status).toBe('finished')
    expect(run.config.dataset).toEqual({ kind: 'noise', imageSize: 16, numClasses: 10 })
    const rows = (await client.runs.evaluations(run.id)).rows
    expect(rows).toHaveLength(3)
    for (const r of rows) await page.getByText(r.arch, { exact: true }).first().waitFor({ timeout: 10_000 })
    client.close()
  })
})
