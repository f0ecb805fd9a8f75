// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import ArchTable from '../../src/renderer/components/table/ArchTable.vue'
import { buildColumns } from '../../src/renderer/lib/columns'
import { row } from './helpers/fixtures'

afterEach(() => vi.restoreAllMocks())

// deterministic pseudo-random scores (LCG) so the expected order is computed independently below
function rows(n: number) {
  let s = 12345
  return Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648
    return row(i, s / 2147483648)
  })
}

function mountTable(data = rows(5000)) {
  return mount(ArchTable, { props: { rows: data, columns: buildColumns(['wrcor']), scoreKeys: ['wrcor'], runId: 'run-42', height: 280 } })
}

describe('ArchTable', () => {
  it('renders only a window of rows out of 5000 (virtualised)', () => {
    const w = mountTable()
    const n = w.findAll('[data-testid="table-row"]').length
    expect(n).toBeGreaterThan(5)
    expect(n).toBeLessThan(40)
    expect(w.find('[data-testid="row-count"]').text()).toBe('5000 of 5000 architectures')
  })

  it('sorts by WRCor descending on click, ascending on the second click', async () => {
    const data = rows(500)
    const w = mountTable(data)
    await w.find('[data-testid="sort-score:wrcor"]').trigger('click')
    const maxIdx = data.reduce((b, r) => (r.scores.wrcor! > data[b].scores.wrcor! ? r.index : b), 0)
    const first = () => w.find('[data-testid="table-row"]').findAll('[role="cell"]')[0].text()
    expect(first()).toBe(String(maxIdx))
    expect(w.find('[role="columnheader"][aria-sort="descending"]').text()).toContain('wrcor')
    await w.find('[data-testid="sort-score:wrcor"]').trigger('click')
    const minIdx = data.reduce((b, r) => ((r.scores.wrcor as number) < (data[b].scores.wrcor as number) ? r.index : b), 0)
    expect(first()).toBe(String(minIdx))
  })

  it('filters a numeric column and says when the filter is not understood', async () => {
    const data = rows(1000)
    const w = mountTable(data)
    await w.find('[data-testid="filter-score:wrcor"]').setValue('>0.9')
    const expected = data.filter((r) => (r.scores.wrcor as number) > 0.9).length
    expect(w.find('[data-testid="row-count"]').text()).toBe(`${expected} of 1000 architectures`)
    await w.find('[data-testid="filter-score:wrcor"]').setValue('big')
    expect(w.find('[role="alert"]').text()).toMatch(/"big" is not a number filter/)
  })

  it('the column chooser hides and shows columns', async () => {
    const w = mountTable(rows(10))
    expect(w.find('[data-testid="sort-flops"]').exists()).toBe(true)
    await w.find('button[aria-controls="col-chooser"]').trigger('click')
    const box = w.findAll('#col-chooser label').find((l) => l.text().includes('FLOPs'))!
    await box.find('input').setValue(false)
    expect(w.find('[data-testid="sort-flops"]').exists()).toBe(false)
  })

  it('keyboard: arrows move the active row, Enter opens it', async () => {
    const data = rows(50)
    const w = mountTable(data)
    const body = w.find('[data-testid="table-body"]')
    await body.trigger('keydown', { key: 'ArrowDown' })
    await body.trigger('keydown', { key: 'ArrowDown' })
    await body.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('open')?.[0]?.[0]).toMatchObject({ index: 1 })
    await body.trigger('keydown', { key: 'End' })
    await body.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('open')?.[1]?.[0]).toMatchObject({ index: 49 })
  })

  it('exports the current (filtered, sorted) view as CSV named after the run', async () => {
    const blobs: Blob[] = []
    const names: string[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:x'))
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download)
    })
    const data = rows(20)
    const w = mountTable(data)
    await w.find('[data-testid="filter-score:wrcor"]').setValue('>0.5')
    await w.find('[data-testid="sort-score:wrcor"]').trigger('click')
    await w.find('[data-testid="export-csv"]').trigger('click')
    expect(names).toEqual(['run-42-evaluations.csv'])
    const lines = (await blobs[0].text()).trim().split('\n')
    const want = data.filter((r) => (r.scores.wrcor as number) > 0.5).sort((a, b) => (b.scores.wrcor as number) - (a.scores.wrcor as number))
    expect(lines.length).toBe(want.length + 1)
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(want.map((r) => r.index))
  })
})
