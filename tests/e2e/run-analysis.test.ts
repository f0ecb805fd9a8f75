/**
 * End-to-end (#21 charts: defects 2, 6, 8 and the analysis views): the real
 * `npm run serve` + real engine + Debian headless Chromium. One NB201 random
 * search of 12 architectures, seed 0, on 16×16 noise with the NB201 table: its
 * 11th architecture (index 10) is a degenerate cell (node 3 fed only through a
 * cut-off node: 10 % accuracy, WRCor ≈ 0 next to ≈ 100–110 for the others).
 * The charts' live ECharts instances are read through the `__chart` property
 * ChartPanel puts on its root element. Screenshots go to test-output/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { horizontalOverflow, launchBrowser, newPage, pageErrors, shot, startServe, type Served } from './harness'
import { sharedPath } from '../helpers/shared-data'

const haveChromium = existsSync('/usr/bin/chromium')
let served: Served | undefined
let browser: Browser | undefined
let page: Page

beforeAll(async () => {
  if (!haveChromium) return
  served = await startServe()
  browser = await launchBrowser()
  page = await newPage(browser)
  await page.setViewportSize({ width: 1440, height: 1000 })
  await page.goto(served.url)
  await page.getByTestId('ds-noise').waitFor()
}, 300_000)

afterAll(async () => {
  await browser?.close().catch(() => {})
  await served?.stop()
}, 60_000)

type Ext = { x: [number, number]; y: [number, number] }
/** Rendered axis extents of a chart (the live ECharts model, not the option we passed). */
async function extents(name: string): Promise<Ext> {
  return page.evaluate((n) => {
    const c = (document.querySelector(`[data-testid="chart-${n}"]`) as unknown as { __chart: any }).__chart
    const ext = (k: string) => c.getModel().getComponent(k, 0).axis.scale.getExtent()
    return { x: ext('xAxis'), y: ext('yAxis') }
  }, name)
}
/** The [x, y, rowIndex] items of a chart's first series. */
async function seriesData(name: string, series = 0): Promise<number[][]> {
  return page.evaluate(([n, s]) => {
    const c = (document.querySelector(`[data-testid="chart-${n}"]`) as unknown as { __chart: any }).__chart
    return (c.getOption().series[s as number]?.data ?? []) as number[][]
  }, [name, series] as const)
}
/** Page coordinates of a data point of a chart. */
async function pointAt(name: string, xy: [number, number]): Promise<{ x: number; y: number }> {
  const px = await page.evaluate(([n, p]) => {
    const el = document.querySelector(`[data-testid="chart-${n}"]`) as HTMLElement & { __chart: any }
    const [x, y] = el.__chart.convertToPixel({ seriesIndex: 0 }, p) as number[]
    const r = el.__chart.getDom().getBoundingClientRect()
    return { x: r.left + x, y: r.top + y }
  }, [name, xy] as const)
  return px
}
const rowCount = async () => Number((await page.getByTestId('row-count').textContent())!.split(' of ')[0])

describe.skipIf(!haveChromium)('run view as an analysis tool (browser, real engine)', () => {
  it('runs 12 NB201 architectures (seed 0) with a degenerate cell among them', async () => {
    await page.getByTestId('step-0').click()
    await page.getByTestId('ds-noise').check()
    await page.getByTestId('noise-size').fill('16')
    await page.getByTestId('wizard-next').click()
    await page.getByTestId('space-nb201').check()
    await page.getByTestId('wizard-next').click()
    await page.getByTestId('strategy-random').check()
    await page.getByTestId('proxy-wrcor').check()
    await page.getByTestId('wizard-next').click()
    await page.getByTestId('budget-n').fill('12')
    await page.getByTestId('budget-batchSize').fill('8')
    await page.getByTestId('budget-seed').fill('0')
    await page.getByTestId('budget-workers').fill('1')
    await page.getByTestId('table-path').fill(sharedPath('nb201', 'nats_bench_tss_test_acc.csv'))
    await page.getByTestId('table-check').click()
    await page.getByTestId('table-info').waitFor({ timeout: 60_000 })
    await page.getByTestId('wizard-next').click()
    await page.getByTestId('summary').waitFor()
    await page.getByTestId('wizard-start').click()
    await page.getByTestId('run-title').waitFor({ timeout: 30_000 })
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'finished', undefined, { timeout: 240_000, polling: 500 })
    await expect.poll(() => page.getByTestId('row-count').textContent()).toBe('12 of 12 architectures')
    // the degenerate cell is there: index 10 at 10 % accuracy
    await page.getByTestId('filter-groundTruth').fill('<20')
    await expect.poll(rowCount).toBe(1)
    expect(await page.getByTestId('table-row').first().locator('[role="cell"]').first().textContent()).toBe('10')
    await page.getByTestId('filter-groundTruth').fill('')
    await expect.poll(rowCount).toBe(12)
  }, 300_000)

  it('defect 2: one degenerate cell does not squash the scatter and Pareto charts; "Show degenerate cells" brings it back', async () => {
    await page.getByTestId('chart-score-vs-accuracy').scrollIntoViewIfNeeded()
    const sva = await extents('score-vs-accuracy')
    // WRCor of the others is ≈ 100–110, accuracy ≈ 68–93: the axes stay there
    expect(sva.x[0]).toBeGreaterThan(50)
    expect(sva.y[0]).toBeGreaterThan(50)
    const avf = await extents('accuracy-vs-flops')
    expect(avf.y[0]).toBeGreaterThan(50)
    expect((await seriesData('score-vs-accuracy')).map((d) => d[2])).not.toContain(10)
    expect(await page.getByTestId('chart-score-vs-accuracy').textContent()).not.toBeNull()
    await shot(page, 'run-analysis-1-degenerate-hidden')
    await page.getByTestId('show-degenerate').check()
    await expect.poll(async () => (await extents('score-vs-accuracy')).x[0]).toBeLessThanOrEqual(0)
    const all = await extents('score-vs-accuracy')
    expect(all.y[0]).toBeLessThanOrEqual(10)
    expect((await seriesData('score-vs-accuracy', 1)).map((d) => d[2])).toEqual([10]) // drawn as its own series
    await shot(page, 'run-analysis-2-degenerate-shown')
    await page.getByTestId('show-degenerate').uncheck()
    expect(await horizontalOverflow(page)).toBe(0)
  }, 60_000)

  it('defect 6: a tooltip names the index, architecture, every score, accuracy and FLOPs, with formatted numbers', async () => {
    const data = await seriesData('score-vs-accuracy')
    const best = data.reduce((a, b) => (b[1] > a[1] ? b : a))
    const at = await pointAt('score-vs-accuracy', [best[0], best[1]])
    await page.mouse.move(at.x, at.y)
    const tip = page.getByTestId('chart-tooltip').first()
    await tip.waitFor({ state: 'visible', timeout: 10_000 })
    const text = (await tip.textContent())!
    expect(text).toContain(`#${best[2]}`)
    expect(text).toMatch(/\|[a-z_0-9]+~0\|\+/) // the architecture string
    expect(text).toContain('WRCor')
    expect(text).toMatch(/cifar10 test acc\. \(%\)\s*\d{2}\.\d{2} %/)
    expect(text).toMatch(/FLOPs \(M\)\s*\d+\.\d{2} M/)
    expect(text).toMatch(/Params \(M\)\s*\d+\.\d{3} M/)
    expect(text).not.toMatch(/\d\.\d{7,}/) // no raw floats such as 93.46000000000001
    await shot(page, 'run-analysis-3-tooltip')
    // a click on the point opens its architecture
    await page.mouse.click(at.x, at.y)
    const drawer = page.getByTestId('detail-drawer')
    await drawer.waitFor()
    expect(await drawer.locator('h2').textContent()).toBe(`Architecture #${best[2]}`)
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'detached' })
  }, 60_000)

  it('defect 8: charts follow the table filters, and a brushed rectangle filters the table', async () => {
    await page.getByTestId('filter-groundTruth').fill('>85')
    await expect.poll(rowCount).toBeLessThan(12)
    const n = await rowCount()
    await expect.poll(async () => (await seriesData('score-vs-accuracy')).length).toBe(n)
    expect((await seriesData('score-vs-accuracy')).every((d) => d[1] > 85)).toBe(true)
    expect(await page.getByTestId('active-filters').textContent()).toContain('>85')
    await page.getByTestId('clear-filters').click()
    await expect.poll(rowCount).toBe(12)
    await expect.poll(async () => (await seriesData('score-vs-accuracy')).length).toBe(11)

    // brush: the rectangle between the lowest and the highest accuracy points (all but those two stay out of the filter's bounds or in)
    const pts = (await seriesData('score-vs-accuracy')).slice().sort((a, b) => a[0] - b[0])
    const lo = pts[1]
    const hi = pts[pts.length - 2]
    const ys = pts.map((p) => p[1])
    const a = await pointAt('score-vs-accuracy', [lo[0], Math.max(...ys)])
    const b = await pointAt('score-vs-accuracy', [hi[0], Math.min(...ys)])
    await page.getByTestId('brush-score-vs-accuracy').click()
    await page.mouse.move(a.x - 3, a.y - 3)
    await page.mouse.down()
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 })
    await page.mouse.move(b.x + 3, b.y + 3, { steps: 4 })
    await page.mouse.up()
    // WRCor between the 2nd lowest and 2nd highest drawn scores (all accuracies): pts.length − 2 rows
    await expect.poll(rowCount, { timeout: 10_000 }).toBe(pts.length - 2)
    expect(await page.getByTestId('filter-score:wrcor').inputValue()).toMatch(/^\d+(\.\d+)?\.\.\d+(\.\d+)?$/)
    expect(await page.getByTestId('filter-groundTruth').inputValue()).toMatch(/\.\./)
    await expect.poll(async () => (await seriesData('score-vs-accuracy')).length).toBe(pts.length - 2)
    await shot(page, 'run-analysis-4-brushed')
    await page.getByTestId('clear-filters').click()
    await expect.poll(rowCount).toBe(12)
  }, 60_000)

  it('parallel coordinates and NB201 op importance', async () => {
    await page.getByTestId('analysis-parallel').click()
    const par = page.getByTestId('chart-parallel')
    await par.waitFor()
    await expect.poll(async () => page.evaluate(() => {
      const c = (document.querySelector('[data-testid="chart-parallel"]') as unknown as { __chart: any }).__chart
      const o = c.getOption()
      return [o.parallelAxis.map((a: { name: string }) => a.name), o.series[0].data.length]
    })).toEqual([['WRCor', 'cifar10 test acc. (%)', 'FLOPs (M)', 'Params (M)'], 11])
    await par.scrollIntoViewIfNeeded()
    await shot(page, 'run-analysis-5-parallel')
    await page.getByTestId('analysis-ops').click()
    const ops = page.getByTestId('op-importance')
    await ops.waitFor()
    expect(await ops.textContent()).toContain('over 12 architectures')
    expect(await page.getByTestId('op-table-meanAccuracy').locator('tbody tr').count()).toBe(6)
    await ops.scrollIntoViewIfNeeded()
    await shot(page, 'run-analysis-6-op-importance')
    await page.getByTestId('analysis-charts').click()
    expect(pageErrors.filter((e) => !/favicon/.test(e)), pageErrors.join('\n')).toEqual([])
  }, 60_000)
})
