// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { fakeApi, type FakeApi } from './helpers/fake-api'
import { SYSTEM, catalogHandlers, row, summary } from './helpers/fixtures'
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

  it('Electron: exports a finished run folder on this machine and reports where', async () => {
    const w = mountHistory({
      'system.info': () => ({ ...SYSTEM, mode: 'electron' }),
      'runs.export': (id: string) => ({ dir: `/data/exports/${id}-1`, files: ['manifest.json', 'evaluations.csv', 'evaluations.jsonl', 'best.json'] }),
    })
    await flush()
    await flush()
    expect(w.find('[data-testid="export-r1"]').attributes('disabled')).toBeDefined() // still running
    await w.find('[data-testid="export-r2"]').trigger('click')
    await flush()
    await flush()
    expect(fake.calls.find((c) => c.method === 'runs.export')!.args).toEqual(['r2'])
    expect(w.find('[data-testid="history-message"]').text()).toBe('Exported 4 files to /data/exports/r2-1')
  })

  it('browser mode: Export downloads <run>.zip from the server (nothing written on the server disk)', async () => {
    const clicked: { name: string; href: string }[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ name: this.download, href: this.getAttribute('href') ?? '' })
    })
    const w = mountHistory()
    await flush()
    await flush()
    await w.find('[data-testid="export-r2"]').trigger('click')
    await flush()
    await flush()
    expect(clicked).toEqual([{ name: 'r2.zip', href: '/export/r2.zip' }])
    expect(fake.calls.some((c) => c.method === 'runs.export')).toBe(false)
    vi.restoreAllMocks()
  })

  it('compare takes any number of runs (≥ 2); a third tick keeps the first two', async () => {
    fake = fakeApi({ ...catalogHandlers, 'runs.list': () => [...RUNS, summary('r0', { status: 'finished' })] })
    const w = mount(RunHistory, { global: mountGlobal(fake) })
    await flush()
    await flush()
    const boxes = w.findAll('tbody input[type="checkbox"]')
    expect(w.find('[data-testid="compare-btn"]').attributes('disabled')).toBeDefined()
    await boxes[0].setValue(true)
    expect(w.find('[data-testid="compare-btn"]').attributes('disabled')).toBeDefined()
    await boxes[1].setValue(true)
    await boxes[2].setValue(true)
    expect(w.findAll('tbody input[type="checkbox"]').map((b) => (b.element as HTMLInputElement).checked)).toEqual([true, true, true])
    expect(w.find('[data-testid="compare-btn"]').text()).toBe('Compare selected (3)')
    await w.find('[data-testid="compare-btn"]').trigger('click')
    expect(w.emitted('compare')?.[0]).toEqual([['r2', 'r1', 'r0']])
  })

  it('shows dataset, N, ρ/τ, active duration, failure reason; a vote best is labelled; sorts by best accuracy; filters', async () => {
    const vote = { ...summary('x').config, proxy: { mode: 'single' as const, id: 'sjw' } }
    const runs = [
      summary('a', { status: 'finished', done: 30, total: 30, best: row(1, 0.5, { groundTruth: 91.2 }), stats: { bestAccuracy: 92.5, n: 30, rho: 0.61234, tau: 0.4321, vote: false },
        timing: { startedAt: '2026-11-23T10:00:01.000Z', finishedAt: '2026-11-23T10:00:23.000Z', activeSeconds: 22.2 }, updatedAt: '2026-11-23T10:04:37.000Z' }),
      summary('b', { status: 'failed', done: 1, total: 3, error: { code: 'INVALID_OPTION', message: 'no MobileNetV2 architecture under the FLOPs limit 300' }, config: { ...summary('x').config, space: 'mbv2' } }),
      summary('c', { status: 'finished', done: 12, total: 12, config: vote, best: row(2, 0, { scores: { synflow: 7.5, naswot: 1, wrcor: 2 }, groundTruth: 93.9 }),
        stats: { bestAccuracy: 94.1, n: 12, rho: 0.7, tau: 0.5, vote: true }, timing: { startedAt: null, finishedAt: null, activeSeconds: 65 } }),
    ]
    fake = fakeApi({ ...catalogHandlers, 'runs.list': () => runs })
    const w = mount(RunHistory, { global: mountGlobal(fake) })
    await flush()
    await flush()
    const a = w.find('[data-testid="history-a"]')
    expect(a.text()).toContain('noise 16 px')
    expect(a.text()).toContain('30/30')
    expect(a.find('[data-testid="rho"]').text()).toBe('0.612')
    expect(a.find('[data-testid="tau"]').text()).toBe('0.432')
    expect(a.find('[data-testid="best-acc"]').text()).toBe('92.50 %') // the run's best accuracy seen, not the best-score row's
    // the stored active time (22 s), not updatedAt − createdAt (4 m 37 s after a notes edit)
    expect(a.find('[data-testid="duration"]').text()).toBe('22s')
    expect(w.find('[data-testid="history-b"] [data-testid="failure-reason"]').text()).toBe('no MobileNetV2 architecture under the FLOPs limit 300')
    expect(w.find('[data-testid="history-b"] [data-testid="duration"]').text()).toBe('—')
    const c = w.find('[data-testid="history-c"]')
    expect(c.find('[data-testid="best-score"]').text()).toContain('7.5000')
    expect(c.find('[data-testid="vote-member-note"]').text()).toBe('vote best; SynFlow score')
    expect(c.find('[data-testid="rho"]').text()).toContain('vote')
    expect(c.find('[data-testid="duration"]').text()).toBe('1m 05s')
    const order = () => w.findAll('tbody tr[data-testid^="history-"]').map((r) => r.attributes('data-testid'))
    await w.find('[data-testid="hsort-bestAccuracy"]').trigger('click') // numbers: descending first, blanks last
    expect(order()).toEqual(['history-c', 'history-a', 'history-b'])
    expect(w.find('th[aria-sort="descending"]').text()).toContain('Best acc.')
    await w.find('[data-testid="hsort-bestAccuracy"]').trigger('click')
    expect(order()).toEqual(['history-a', 'history-c', 'history-b'])
    await w.find('[data-testid="history-filter"]').setValue('mobilenet')
    expect(order()).toEqual(['history-b'])
    await w.find('[data-testid="history-filter"]').setValue('flops limit')
    expect(order()).toEqual(['history-b']) // the failure reason is searched
    await w.find('[data-testid="history-filter"]').setValue('')
    await w.find('[data-testid="history-status"]').setValue('finished')
    expect(order()).toEqual(['history-a', 'history-c'])
    // a failed run offers Edit and retry with its config
    await w.find('[data-testid="history-status"]').setValue('')
    await w.find('[data-testid="retry-b"]').trigger('click')
    expect(w.emitted('retry')?.[0]).toEqual([runs[1].config])
    expect(w.find('[data-testid="retry-a"]').exists()).toBe(false)
  })
})
