/**
 * End-to-end (#17 app): the real `npm run serve` + real engine + Debian headless Chromium. A 3-architecture
 * NB201 run; the run header names the backend it scored on, ⚙ Compute names the backend local runs use and,
 * for every other backend, why not and the fix; the run folder's manifest.json names the backend. The
 * independent expectation is the backend probe run here in the test (the `zsnas backends` report): the backend
 * it selects is the one shown, and each backend it finds unavailable is listed with its reason.
 * Screenshots: test-output/screenshots/backends-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { strFromU8, unzipSync } from 'fflate'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, newPage, pageErrors, shot, startServe, type Served } from './harness'
import { probeBackends, type BackendReport } from '../../src/backend/backend-status'

const haveChromium = existsSync('/usr/bin/chromium')
let served: Served | undefined
let browser: Browser | undefined
let page: Page
let report: BackendReport

beforeAll(async () => {
  if (!haveChromium) return
  ;[served, report] = await Promise.all([startServe(), probeBackends({ timeoutMs: 120_000 })])
  browser = await launchBrowser()
  page = await newPage(browser)
  await page.goto(served.url)
  await page.getByTestId('ds-noise').waitFor()
}, 400_000)

afterAll(async () => {
  await browser?.close().catch(() => {})
  await served?.stop()
}, 60_000)

describe.skipIf(!haveChromium)('the app names the backend and why not the others (browser, real engine)', () => {
  it('the run header names the backend the run scored on; the manifest names it too', async () => {
    await page.getByTestId('step-0').click()
    await page.getByTestId('ds-noise').check()
    await page.getByTestId('noise-size').fill('16')
    await page.getByTestId('wizard-next').click()
    await page.getByTestId('space-nb201').check()
    await page.getByTestId('wizard-next').click()
    await page.getByTestId('strategy-random').check()
    await page.getByTestId('proxy-wrcor').check()
    await page.getByTestId('wizard-next').click()
    await page.getByTestId('budget-n').fill('3')
    await page.getByTestId('budget-batchSize').fill('8')
    await page.getByTestId('budget-seed').fill('1')
    await page.getByTestId('budget-workers').fill('1')
    await page.getByTestId('wizard-next').click()
    await page.getByTestId('summary').waitFor()
    await page.getByTestId('wizard-start').click()
    await page.getByTestId('run-title').waitFor({ timeout: 30_000 })
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'finished', undefined, { timeout: 240_000, polling: 500 })
    expect(report.selected).not.toBeNull()
    await expect.poll(() => page.getByTestId('run-backend').textContent()).toBe(`Backend: ${report.selected}`)
    await page.getByTestId('run-backends-details').locator('summary').click()
    const folded = page.getByTestId('run-backends-details').getByTestId('backends-not-used')
    await folded.waitFor({ timeout: 120_000 })
    await shot(page, 'backends-1-run-header')
    const runId = (await page.getByTestId('run-id').textContent())!
    const zip = unzipSync(new Uint8Array(await (await page.request.get(new URL(`/export/${runId}.zip`, served!.url).toString())).body()))
    const manifest = JSON.parse(strFromU8(zip[`${runId}/manifest.json`]))
    expect(manifest.versions.backend).toBe(report.selected)
    expect(manifest.versions.adapter).toBeUndefined() // not a webgpu run
  }, 400_000)

  it('⚙ Compute: the backend in use and, for each backend not in use, the reason and the fix of the probe', async () => {
    await page.getByTestId('nav-compute').click()
    const panel = page.getByTestId('compute-settings')
    await panel.getByTestId('backend-in-use').waitFor({ timeout: 120_000 })
    expect(await panel.getByTestId('backend-in-use').textContent()).toMatch(new RegExp(`New local runs score on ${report.selected} · worker processes`))
    const items = await panel.getByTestId('backends-not-used').locator('li').allTextContents()
    expect(items.map((t) => t.split(' ')[0])).toEqual(report.backends.map((b) => b.backend).filter((b) => b !== report.selected))
    for (const b of report.backends.filter((r) => !r.available)) {
      const li = items.find((t) => t.startsWith(`${b.backend} `))!
      for (const c of b.candidates.filter((x) => !x.ok)) {
        expect(li).toContain(c.reason!)
        if (c.hint) expect(li).toContain(`fix: ${c.hint}`)
      }
    }
    await panel.scrollIntoViewIfNeeded()
    await shot(page, 'backends-2-compute-panel')
    expect(pageErrors).toEqual([])
  }, 180_000)
})
