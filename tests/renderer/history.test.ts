// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { fakeApi, type FakeApi } from './helpers/fake-api'
import { catalogHandlers, row, summary } from './helpers/fixtures'
import { flush, mountGlobal } from './helpers/setup'
import RunHistory from '../../src/renderer/components/history/RunHistory.vue'

let fake: FakeApi
afterEach(() => expect(fake.unexpected).toEqual([]))

const RUNS = [
  summary('r2', { status: 'finished', name: 'mbv2 try', done: 3, total: 3, best: row(1, 0.75, { groundTruth: 93.1 }), config: { ...summary('x').config, space: 'mbv2' } }),
  summary('r1', { status: 'running', done: 5 }),
]

function mountHistory(extra: Parameters<typeof fakeApi>[0] = {}) {
  fake = fakeApi({ ...catalogHandlers, 'runs.list': () => RUNS, ...extra })
  return mount(RunHistory, { global: mountGlobal(fake) })
}

describe('RunHistory', () => {
  it('lists status, space, proxy, strategy, best score and accuracy', async () => {
    const w = mountHistory()
    await flush()
    await flush()
    const r2 = w.find('[data-testid="history-r2"]').text()
    expect(r2).toContain('mbv2 try')
    expect(r2).toContain('finished')
    expect(r2).toContain('MobileNetV2')
    expect(r2).toContain('WRCor')
    expect(r2).toContain('Random search')
    expect(r2).toContain('0.7500')
    expect(r2).toContain('93.10 %')
    // finished runs open read-only; running ones are watched live
    await w.find('[data-testid="open-r2"]').trigger('click')
    await w.find('[data-testid="open-r1"]').trigger('click')
    expect(w.emitted('open')).toEqual([['r2', true], ['r1', false]])
    // a running run cannot be deleted
    expect(w.find('[data-testid="delete-r1"]').attributes('disabled')).toBeDefined()
  })

  it('deletes only after confirmation', async () => {
    const w = mountHistory({ 'runs.delete': () => ({ deleted: true }) })
    await flush()
    await flush()
    await w.find('[data-testid="delete-r2"]').trigger('click')
    expect(fake.calls.some((c) => c.method === 'runs.delete')).toBe(false)
    expect(w.find('[role="alertdialog"]').text()).toContain('cannot be undone')
    await w.find('[data-testid="confirm-delete-r2"]').trigger('click')
    await flush()
    expect(fake.calls.filter((c) => c.method === 'runs.delete').map((c) => c.args)).toEqual([['r2']])
    expect(w.find('[data-testid="history-r2"]').exists()).toBe(false)
  })

  it('edits and saves notes per run', async () => {
    const w = mountHistory({ 'runs.setNotes': (id: string, notes: string) => ({ ...RUNS[0], notes }) })
    await flush()
    await flush()
    const notesBtn = w.find('[data-testid="history-r2"]').findAll('button').find((b) => b.text() === 'Notes')!
    await notesBtn.trigger('click')
    await w.find('[data-testid="notes-r2"]').setValue('good baseline, rerun with seed 1')
    await w.find('[data-testid="save-notes-r2"]').trigger('click')
    await flush()
    expect(fake.calls.find((c) => c.method === 'runs.setNotes')!.args).toEqual(['r2', 'good baseline, rerun with seed 1'])
    expect(w.text()).toContain('good baseline, rerun with seed 1')
  })

  it('exports a finished run folder and reports where', async () => {
    const w = mountHistory({ 'runs.export': (id: string) => ({ dir: `/data/exports/${id}-1`, files: ['manifest.json', 'evaluations.csv', 'evaluations.jsonl', 'best.json'] }) })
    await flush()
    await flush()
    expect(w.find('[data-testid="export-r1"]').attributes('disabled')).toBeDefined() // still running
    await w.find('[data-testid="export-r2"]').trigger('click')
    await flush()
    expect(fake.calls.find((c) => c.method === 'runs.export')!.args).toEqual(['r2'])
    expect(w.find('[data-testid="history-message"]').text()).toBe('Exported 4 files to /data/exports/r2-1')
  })

  it('compare is enabled with exactly two runs selected', async () => {
    const w = mountHistory()
    await flush()
    await flush()
    const boxes = w.findAll('tbody input[type="checkbox"]')
    expect(w.find('[data-testid="compare-btn"]').attributes('disabled')).toBeDefined()
    await boxes[0].setValue(true)
    await boxes[1].setValue(true)
    await w.find('[data-testid="compare-btn"]').trigger('click')
    expect(w.emitted('compare')?.[0]).toEqual(['r2', 'r1'])
  })
})
