/**
 * The desktop app's WebGPU probe in REAL headless Chromium (Debian's /usr/bin/chromium, the engine of Electron's
 * windows): the GPU windows' page (GPU_WINDOW_PAGE_HTML, no script, `default-src 'none'`) loaded from a file:
 * URL as Electron's loadFile does, the probe source run in it as main's executeJavaScript does, and the choice
 * made from the real answer. Here the only adapter is SwiftShader (software): the app keeps utility processes
 * (wasm) and says why. Without `--enable-unsafe-webgpu` (Linux default) there is no adapter: wasm too.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { chooseScoringWorkers, pageProbeScript, type PageGpuProbe } from '../../src/backend/scoring-workers'
import { writeGpuWindowPage } from '../../src/main/gpu-window'
import type { WorkerHost } from '../../src/backend/worker-host'

const browsers: Browser[] = []
afterAll(async () => {
  for (const b of browsers) await b.close()
})
const page = pathToFileURL(writeGpuWindowPage(mkdtempSync(join(tmpdir(), 'zsnas-gpu-page-')))).href
const gpuHost: WorkerHost = { spawn: () => { throw new Error('gpu') } }
const cpuHost: WorkerHost = { spawn: () => { throw new Error('cpu') } }

async function probeIn(args: string[]): Promise<{ probe: PageGpuProbe; blockedScript: boolean }> {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...args] })
  browsers.push(b)
  const p = await b.newPage()
  const violations: string[] = []
  p.on('console', (m) => violations.push(m.text()))
  await p.goto(page)
  const probe = (await p.evaluate(pageProbeScript())) as PageGpuProbe
  // the page's CSP forbids any script it would load itself
  await p.evaluate(() => {
    const s = document.createElement('script')
    s.textContent = 'window.__ran = true'
    document.body.appendChild(s)
  })
  const ran = await p.evaluate(() => (window as unknown as { __ran?: boolean }).__ran === true)
  return { probe, blockedScript: !ran }
}

describe('WebGPU probe of the GPU windows in headless Chromium', () => {
  it('file: page with --enable-unsafe-webgpu: SwiftShader (software) → utility processes with the reason', async () => {
    const { probe, blockedScript } = await probeIn(['--enable-unsafe-webgpu'])
    expect(blockedScript).toBe(true)
    expect(probe.hasWebgpu).toBe(true)
    expect(probe.adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader' })
    const c = await chooseScoringWorkers({ probe: async () => probe, gpuHost, cpuHost })
    expect(c.host).toBe(cpuHost)
    expect(c.info.inUse).toEqual({ backend: 'wasm', workers: 'utility-process' })
    const w = c.info.backends.find((r) => r.backend === 'webgpu')!
    expect(w).toMatchObject({ available: true, inUse: false, adapter: { vendor: 'google', architecture: 'swiftshader', isSoftware: true } })
    expect(w.reason).toMatch(/^only a software GPU adapter \(google swiftshader/)
    // forced (ZSNAS_BACKEND=webgpu): the same adapter is taken
    expect((await chooseScoringWorkers({ probe: async () => probe, gpuHost, cpuHost, preference: 'webgpu' })).host).toBe(gpuHost)
  })

  it('without the WebGPU switch: no adapter → utility processes', async () => {
    const { probe } = await probeIn([])
    expect(probe.adapter).toBeNull()
    const c = await chooseScoringWorkers({ probe: async () => probe, gpuHost, cpuHost })
    expect(c.host).toBe(cpuHost)
    expect(c.info.backends.find((r) => r.backend === 'webgpu')?.reason).toMatch(/no WebGPU|no GPU adapter/)
  })
})
