// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import ArchDetailDrawer from '../../src/renderer/components/table/ArchDetailDrawer.vue'
import { OP_COLORS } from '../../src/renderer/lib/arch'
import { row } from './helpers/fixtures'

afterEach(() => vi.restoreAllMocks())

describe('drawing downloads', () => {
  it('saves the cell drawing as a standalone SVG named after the run and architecture', async () => {
    const blobs: Blob[] = []
    const names: string[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:x'))
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download)
    })
    const r = row(0, 1.5) // NB201_ARCHS[0]: 3 conv3x3 edges, 1 avg_pool, 2 skip
    const w = mount(ArchDetailDrawer, { props: { row: r, space: 'nb201', runId: 'run-7' }, attachTo: document.body })
    await w.find('[data-testid="svg-arch-0"]').trigger('click')
    expect(names).toEqual(['run-7-arch-0.svg'])
    const text = await blobs[0].text()
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml')
    const svg = doc.documentElement
    expect(svg.tagName.toLowerCase()).toBe('svg')
    expect(svg.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg')
    expect(svg.getAttribute('width')).toBe('560')
    const strokes = Array.from(doc.querySelectorAll('g.edge path')).map((p) => p.getAttribute('stroke'))
    expect(strokes.filter((s) => s === OP_COLORS.nor_conv_3x3)).toHaveLength(3)
    expect(strokes.filter((s) => s === OP_COLORS.skip_connect)).toHaveLength(2)
    expect(doc.querySelector('rect')?.getAttribute('height')).toBe('100%') // background added first
    w.unmount()
  })
})

describe('copy the arch string', () => {
  it('writes the exact arch string to the clipboard and says so', async () => {
    const written: string[] = []
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (t: string) => void written.push(t) }, configurable: true })
    const r = row(2, 0.1)
    const w = mount(ArchDetailDrawer, { props: { row: r, space: 'nb201', runId: 'run-7' } })
    await w.find('[data-testid="copy-arch"]').trigger('click')
    await new Promise((res) => setTimeout(res, 0))
    expect(written).toEqual([r.arch])
    expect(w.find('[role="status"]').text()).toBe('copied')
  })
})
