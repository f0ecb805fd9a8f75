/**
 * End-to-end: the real `npm run serve` server + real engine + Debian headless
 * Chromium. One server for the file (one build). Scenarios: an NB201 random
 * search of 30 architectures on 16×16 noise with the NB201 table as ground
 * truth; a MobileNetV2 run of 3 architectures; bad input in the wizard.
 * Screenshots of every screen go to test-output/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { horizontalOverflow, launchBrowser, newPage, pageErrors, parseCsv, shot, startServe, type Served } from './harness'
import { sharedPath } from '../helpers/shared-data'

const haveChromium = existsSync('/usr/bin/chromium')
let served: Served | undefined
let browser: Browser | undefined
let page: Page
const scratch = mkdtempSync(join(tmpdir(), 'zsnas-e2e-files-'))

beforeAll(async () => {
  if (!haveChromium) return
  served = await startServe()
  browser = await launchBrowser()
  page = await newPage(browser)
  await page.goto(served.url)
  await page.getByTestId('ds-noise').waitFor()
}, 300_000)

afterAll(async () => {
  await browser?.close().catch(() => {})
  await served?.stop()
}, 60_000)

const NB201_RE = /^\|[a-z_0-9]+~0\|\+\|[a-z_0-9]+~0\|[a-z_0-9]+~1\|\+\|[a-z_0-9]+~0\|[a-z_0-9]+~1\|[a-z_0-9]+~2\|$/

async function next() {
  await page.getByTestId('wizard-next').click()
}

/** Fills the wizard from the start for a noise-input run. */
async function wizard(o: { space: string; n: number; batch: number; table?: string; shots?: string }) {
  await page.getByTestId('nav-wizard').click()
  await page.getByTestId('step-0').click()
  await page.getByTestId('ds-noise').check()
  await page.getByTestId('noise-size').fill('16')
  if (o.shots) await shot(page, `${o.shots}-1-dataset`)
  await next()
  await page.getByTestId(`space-${o.space}`).check()
  if (o.shots) await shot(page, `${o.shots}-2-space`)
  await next()
  await page.getByTestId('strategy-random').check()
  await page.getByTestId('proxy-wrcor').check()
  if (o.shots) await shot(page, `${o.shots}-3-strategy-proxy`)
  await next()
  await page.getByTestId('budget-n').fill(String(o.n))
  await page.getByTestId('budget-batchSize').fill(String(o.batch))
  await page.getByTestId('budget-seed').fill('1')
  await page.getByTestId('budget-workers').fill('1')
  await page.getByTestId('table-path').fill(o.table ?? '')
  if (o.table) {
    await page.getByTestId('table-check').click()
    await page.getByTestId('table-info').waitFor({ timeout: 60_000 })
  }
  if (o.shots) await shot(page, `${o.shots}-4-budget`)
  await next()
  await page.getByTestId('summary').waitFor()
  if (o.shots) await shot(page, `${o.shots}-5-summary`)
  await page.getByTestId('wizard-start').click()
  await page.getByTestId('run-title').waitFor({ timeout: 30_000 })
}

async function waitForDone(timeoutMs: number) {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="progress-pct"]')?.textContent === '100%' && document.querySelector('[data-testid="run-status"]')?.textContent === 'finished',
    undefined,
    { timeout: timeoutMs, polling: 500 },
  )
}

describe.skipIf(!haveChromium)('research UI end to end', () => {
  it('NB201: wizard → 30-architecture random search on noise → 100% → sort by WRCor → best cell → CSV', async () => {
    await wizard({ space: 'nb201', n: 30, batch: 8, table: sharedPath('nb201', 'nats_bench_tss_test_acc.csv'), shots: 'nb201' })
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="progress-bar"]')?.getAttribute('aria-valuenow')) > 0, undefined, { timeout: 120_000 })
    await shot(page, 'nb201-6-run-live')
    // cancel mid-run, then resume: the run still ends with exactly 30 evaluations
    await page.getByTestId('cancel-run').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'cancelled', undefined, { timeout: 60_000 })
    const doneAtCancel = Number((await page.getByTestId('progress-done').textContent())!.split('/')[0])
    expect(doneAtCancel).toBeLessThan(30)
    await shot(page, 'nb201-6b-cancelled')
    await page.getByTestId('resume-run').click()
    await waitForDone(180_000)
    expect(await page.getByTestId('progress-done').textContent()).toBe('30 / 30')
    await expect.poll(() => page.getByTestId('row-count').textContent()).toBe('30 of 30 architectures')
    expect(await page.getByTestId('correlation').textContent()).toMatch(/Spearman ρ = -?\d\.\d{3}, Kendall τ = -?\d\.\d{3} over 30 architectures/)
    await shot(page, 'nb201-7-run-finished')
    // the log pane (below the table) shows the cancel / resume / finish lines
    const log = page.getByTestId('log-pane')
    await log.scrollIntoViewIfNeeded()
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toMatch(/cancelled[\s\S]*resuming[\s\S]*finished/)
    await shot(page, 'nb201-7b-log')
    await page.getByTestId('run-title').scrollIntoViewIfNeeded()
    expect(await horizontalOverflow(page)).toBe(0)

    // every chart downloads as PNG and SVG with the run id in the file name
    const runId = (await page.getByTestId('run-id').textContent())!.trim()
    expect(runId).toMatch(/^run-/)
    for (const [kind, magic] of [['png', '\x89PNG'], ['svg', '<svg']] as const) {
      const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`${kind}-score-vs-flops`).click()])
      expect(d.suggestedFilename()).toBe(`${runId}-score-vs-flops.${kind}`)
      const f = join(scratch, d.suggestedFilename())
      await d.saveAs(f)
      expect(readFileSync(f).subarray(0, 4).toString('latin1')).toBe(magic.slice(0, 4))
    }

    // sort by WRCor (descending on first click) and open the best architecture with the keyboard
    await page.getByTestId('sort-score:wrcor').click()
    const firstRow = page.getByTestId('table-row').first()
    const bestIndex = Number(await firstRow.locator('[role="cell"]').first().textContent())
    await page.getByTestId('table-body').focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('Enter')
    const drawer = page.getByTestId('detail-drawer')
    await drawer.getByTestId('cell-dag').waitFor()
    expect(await drawer.locator('g.edge').count()).toBe(6)
    const arch = (await drawer.getByTestId('detail-arch').textContent())!.trim()
    expect(arch).toMatch(NB201_RE)
    await shot(page, 'nb201-8-best-cell')
    const [dsvg] = await Promise.all([page.waitForEvent('download'), drawer.getByTestId(`svg-arch-${bestIndex}`).click()])
    expect(dsvg.suggestedFilename()).toBe(`${runId}-arch-${bestIndex}.svg`)
    await dsvg.saveAs(join(scratch, 'cell.svg'))
    const cellSvg = readFileSync(join(scratch, 'cell.svg'), 'utf8')
    expect(cellSvg.match(/class="edge"/g)).toHaveLength(6)
    await page.keyboard.press('Escape')

    // export the (sorted) table as CSV and check its rows
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
    expect(dl.suggestedFilename()).toMatch(/-evaluations\.csv$/)
    const file = join(scratch, 'nb201.csv')
    await dl.saveAs(file)
    const rows = parseCsv(readFileSync(file, 'utf8'))
    const head = rows[0]
    expect(head.slice(0, 4)).toEqual(['index', 'arch', 'hash', 'status'])
    const body = rows.slice(1)
    expect(body).toHaveLength(30)
    const col = (name: string) => head.indexOf(name)
    expect(new Set(body.map((r) => r[col('index')])).size).toBe(30)
    for (const r of body) {
      expect(r[col('arch')]).toMatch(NB201_RE)
      expect(r[col('status')]).toBe('ok')
      expect(Number.isFinite(Number(r[col('score_wrcor')]))).toBe(true)
      expect(Number(r[col('test_accuracy_cifar10')])).toBeGreaterThan(0)
      expect(Number(r[col('flops')])).toBeGreaterThan(0)
    }
    const scores = body.map((r) => Number(r[col('score_wrcor')]))
    expect(scores).toEqual([...scores].sort((a, b) => b - a)) // exported in the sorted view order
    expect(Number(body[0][col('index')])).toBe(bestIndex)
    expect(body[0][col('arch')]).toBe(arch)

    // dark theme of the same screen, then the history screen
    await page.getByTestId('theme-toggle').click()
    await shot(page, 'nb201-9-run-dark')
    await page.getByTestId('theme-toggle').click()
    await page.getByTestId('nav-history').click()
    await page.locator('[data-testid^="history-"]').first().waitFor()
    await shot(page, 'history')
    expect(await horizontalOverflow(page)).toBe(0)
  }, 300_000)

  it('MobileNetV2: a 3-architecture run shows the stage diagram and the Table-11 view', async () => {
    await wizard({ space: 'mbv2', n: 3, batch: 2, shots: 'mbv2' })
    await waitForDone(240_000)
    await page.getByTestId('table-row').first().click()
    const drawer = page.getByTestId('detail-drawer')
    await drawer.getByTestId('mbv2-diagram').waitFor()
    expect(await drawer.locator('g.block').count()).toBe(9)
    expect(await drawer.getByTestId('mbv2-diagram').textContent()).toMatch(/E\d K\d S\d/)
    await shot(page, 'mbv2-6-stage-diagram')
    expect(await horizontalOverflow(page)).toBe(0)
    await drawer.getByTestId('mbv2-toggle').click()
    expect(await drawer.locator('[data-testid="mbv2-table"] tbody tr').count()).toBe(9)
    await shot(page, 'mbv2-7-table11')
    await page.keyboard.press('Escape')

    // compare the two finished runs side by side
    await page.getByTestId('nav-history').click()
    const boxes = page.locator('tbody input[type="checkbox"]')
    await expect.poll(() => boxes.count(), { timeout: 15_000 }).toBe(2)
    await boxes.nth(0).check()
    await boxes.nth(1).check()
    await page.getByTestId('compare-btn').click()
    await expect.poll(() => page.locator('[data-testid^="compare-run"]').count(), { timeout: 30_000 }).toBe(2)
    await expect.poll(() => page.getByTestId('row-count').allTextContents()).toEqual(['3 of 3 architectures', '30 of 30 architectures'])
    await shot(page, 'compare')
    expect(await horizontalOverflow(page)).toBe(0)
  }, 300_000)

  it('bad input: an unreadable dataset and a table with the wrong columns are refused with a message', async () => {
    const garbage = join(scratch, 'broken.bin')
    writeFileSync(garbage, Buffer.from('this is not a dataset at all'))
    const wrongTable = join(scratch, 'wrong.csv')
    writeFileSync(wrongTable, 'foo,bar\n1,2\n3,4\n')
    await page.getByTestId('nav-wizard').click()
    await page.getByTestId('step-0').click()
    await page.getByTestId('ds-file').check()
    await page.getByTestId('ds-path').fill(garbage)
    await page.getByTestId('ds-check').click()
    const err = page.getByTestId('ds-error')
    await err.waitFor()
    expect(await err.textContent()).toMatch(/broken\.bin/)
    // Next is marked aria-disabled; clicking it anyway explains why and stays on the step
    expect(await page.getByTestId('wizard-next').getAttribute('aria-disabled')).toBe('true')
    await page.getByTestId('wizard-next').click({ force: true })
    await page.getByTestId('step-blocked').waitFor()
    expect(await page.getByTestId('step-0').getAttribute('aria-current')).toBe('step')
    await shot(page, 'bad-dataset')

    // a real CIFAR-10 binary is detected and previewed with thumbnails
    await page.getByTestId('ds-path').fill(sharedPath('cifar10', 'test_batch_10000_reconstructed.bin'))
    await page.getByTestId('ds-check').click()
    const pv = page.getByTestId('ds-preview')
    await pv.waitFor({ timeout: 60_000 })
    expect(await pv.textContent()).toMatch(/10,000 images · 10 classes · 32×32 px/)
    expect(await pv.locator('canvas').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('wizard-next').getAttribute('aria-disabled')).toBe('false')
    await shot(page, 'dataset-preview')
    expect(await horizontalOverflow(page)).toBe(0)

    await page.getByTestId('ds-noise').check()
    await next()
    await page.getByTestId('space-nb201').check()
    await next()
    await next()
    await page.getByTestId('table-path').fill(wrongTable)
    await page.getByTestId('table-check').click()
    const terr = page.getByTestId('table-error')
    await terr.waitFor()
    expect(await terr.textContent()).toMatch(/cannot be used/)
    expect(await page.getByTestId('wizard-next').getAttribute('aria-disabled')).toBe('true')
    await page.getByTestId('wizard-next').click({ force: true })
    expect(await page.getByTestId('step-3').getAttribute('aria-current')).toBe('step')
    await shot(page, 'bad-table')
    await page.getByTestId('table-path').fill('')
    expect(pageErrors.filter((e) => !/favicon/.test(e)), pageErrors.join('\n')).toEqual([])
  }, 120_000)
})
