/**
 * The MobileNetV2 diagram of the paper's Table 11 architecture, rendered by the
 * real component (server-side render of Mbv2Diagram.vue: the SVG is standalone,
 * literal colours, no stylesheet) and drawn by Debian's headless Chromium:
 * screenshot test-output/screenshots/mbv2-table11-diagram.png and its SVG file
 * test-output/mbv2-table11-diagram.svg. Checks what the browser lays out: no
 * two blocks overlap, every label is inside the figure, the legend fits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createSSRApp } from 'vue'
import { renderToString } from 'vue/server-renderer'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, ROOT, shot } from './harness'
import Mbv2Diagram from '../../src/renderer/components/viz/Mbv2Diagram.vue'
import { decodeMbv2 } from '../../src/renderer/lib/arch'
import { TABLE11_ARCH } from '../../src/engine/spaces/mbv2/arch'

const haveChromium = existsSync('/usr/bin/chromium')
let browser: Browser | undefined
let page: Page

beforeAll(async () => {
  if (!haveChromium) return
  browser = await launchBrowser()
  page = await (await browser.newContext({ viewport: { width: 1400, height: 600 } })).newPage()
}, 60_000)
afterAll(async () => {
  await browser?.close().catch(() => {})
})

describe.skipIf(!haveChromium)('MobileNetV2 diagram of the paper\'s Table 11 architecture (Chromium)', () => {
  it('renders every layer block, SE mark, arrow and label inside the figure, without overlaps', async () => {
    const html = await renderToString(createSSRApp(Mbv2Diagram, { arch: decodeMbv2(TABLE11_ARCH)!, classes: 1000 }))
    const svg = /<svg[\s\S]*<\/svg>/.exec(html)![0]
    mkdirSync(join(ROOT, 'test-output'), { recursive: true })
    writeFileSync(join(ROOT, 'test-output', 'mbv2-table11-diagram.svg'), svg.replace('<svg', '<svg width="1200"'))
    await page.setContent(`<!doctype html><html><body style="margin:8px;background:#fff">${svg}</body></html>`)
    const m = await page.evaluate(() => {
      const root = document.querySelector('svg')!
      const box = root.getBoundingClientRect()
      const rects = [...document.querySelectorAll('g.layer > rect')].map((r) => r.getBoundingClientRect())
      const texts = [...document.querySelectorAll('svg text')].map((t) => t.getBoundingClientRect())
      const overlaps = rects.filter((a, i) => rects.some((b, j) => j > i && a.right > b.left + 0.5 && b.right > a.left + 0.5 && a.bottom > b.top && b.bottom > a.top)).length
      const outside = texts.filter((t) => t.left < box.left - 0.5 || t.right > box.right + 0.5 || t.top < box.top - 0.5 || t.bottom > box.bottom + 0.5).length
      // vertical labels must fit in their block
      const labels = [...document.querySelectorAll('g.layer')].map((g) => {
        const r = g.querySelector('rect')!.getBoundingClientRect()
        const t = g.querySelector('text')!.getBoundingClientRect()
        return t.top >= r.top - 0.5 && t.bottom <= r.bottom + 0.5
      })
      return { blocks: rects.length, se: document.querySelectorAll('g.se').length, arrows: document.querySelectorAll('line.arrow').length, overlaps, outside, labelsInside: labels.filter(Boolean).length, labels: labels.length }
    })
    expect(m).toEqual({ blocks: 31, se: 26, arrows: 30, overlaps: 0, outside: 0, labelsInside: 31, labels: 31 })
    await shot(page, 'mbv2-table11-diagram', true)
  }, 60_000)
})
