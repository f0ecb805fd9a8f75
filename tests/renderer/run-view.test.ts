// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { fakeApi, type FakeApi } from './helpers/fake-api'
import { catalogHandlers, detail, row } from './helpers/fixtures'
import { flush, mountGlobal } from './helpers/setup'
import RunView from '../../src/renderer/components/run/RunView.vue'
import ScatterPanel from '../../src/renderer/components/run/ScatterPanel.vue'
import ChartPanel from '../../src/renderer/components/common/ChartPanel.vue'
import { useRunStore } from '../../src/renderer/stores/run'
import { useCatalogStore } from '../../src/renderer/stores/catalog'

let fake: FakeApi
afterEach(() => expect(fake.unexpected).toEqual([]))

// scores and accuracies with a known rank relation: accuracies in reverse order of one swapped pair
const ROWS = [row(0, 1, { groundTruth: 80 }), row(1, 2, { groundTruth: 85 }), row(2, 3, { groundTruth: 84 }), row(3, 4, { groundTruth: 90 })]

async function mountRun(withTable: boolean, proxyId = 'wrcor', rows = ROWS) {
  const base = detail('r7')
  const withProxy = { ...base.config, proxy: { mode: 'single' as const, id: proxyId } }
  const cfg = withTable ? { ...withProxy, groundTruth: { path: '/t.csv', metric: 'cifar10' } } : withProxy
  fake = fakeApi({
    ...catalogHandlers,
    'runs.get': () => ({ ...base, config: cfg, status: 'finished', done: 4, total: 4, best: rows[3] }),
    'runs.evaluations': () => ({ total: 4, offset: 0, rows }),
  })
  const w = mount(RunView, { global: mountGlobal(fake) })
  await useCatalogStore().load()
  await useRunStore().open('r7', { readOnly: true })
  await flush()
  return w
}

describe('RunView', () => {
  it('shows ρ and τ against the loaded table (hand-computed 0.8 and 0.667), progress 100%, and the best', async () => {
    const w = await mountRun(true)
    expect(w.find('[data-testid="correlation"]').text()).toBe('Spearman ρ = 0.800, Kendall τ = 0.667 over 4 architectures with ground truth')
    expect(w.find('[data-testid="progress-pct"]').text()).toBe('100%')
    expect(w.find('[data-testid="run-status"]').text()).toBe('finished')
    expect(w.find('[data-testid="best-line"]').text()).toContain('WRCor 4.0000')
    expect(w.find('[data-testid="best-line"]').text()).toContain('90.00 % cifar10')
    // best so far, score vs accuracy, score vs FLOPs, accuracy vs FLOPs
    expect(w.findAll('.chart-panel').map((c) => c.attributes('data-testid'))).toEqual(['chart-best-so-far', 'chart-score-vs-accuracy', 'chart-score-vs-flops', 'chart-accuracy-vs-flops'])
    expect(w.find('[data-testid="cancel-run"]').exists()).toBe(false)
    expect(w.find('[data-testid="sort-groundTruth"]').text()).toContain('cifar10 acc.')
  })

  it('a named voting proxy (SJW) shows its member scores; charts use the first member, labelled', async () => {
    const rows = ROWS.map((r, i) => ({ ...r, scores: { synflow: 10 - i, naswot: i, wrcor: i * 2 } }))
    const w = await mountRun(true, 'sjw', rows)
    for (const k of ['synflow', 'naswot', 'wrcor']) expect(w.find(`[data-testid="sort-score:${k}"]`).exists()).toBe(true)
    expect(w.find('[data-testid="best-line"]').text()).toContain('SynFlow (vote member) 7.0000')
    // the vote (NASWOT and WRCor both rise with the index, so they outvote SynFlow) ranks the rows 0 < 1 < 2 < 3;
    // against accuracies 80, 85, 84, 90 (one swapped pair) that is ρ = 0.8, τ = 4/6 — the vote's own correlation
    expect(w.find('[data-testid="correlation"]').text()).toContain('Majority vote (ranking by the vote): Spearman ρ = 0.800, Kendall τ = 0.667 over 4 architectures')
    // the charted member, labelled: synflow falls as accuracy rises except one swapped pair: ρ = -0.8, τ = -4/6
    expect(w.find('[data-testid="member-correlation"]').text()).toBe('· SynFlow (vote member): ρ = -0.800, τ = -0.667')
    expect(w.find('.cfg').text()).toContain('SJW')
  })

  it('a vote over more rows than the ranking limit shows the member ρ/τ, saying the vote ranking was skipped', async () => {
    const rows = Array.from({ length: 6001 }, (_, i) => row(i, 0, { groundTruth: 50 + (i % 40), scores: { synflow: i % 40, naswot: 0, wrcor: 0 } }))
    const w = await mountRun(true, 'sjw', rows)
    const text = w.find('[data-testid="correlation"]').text()
    expect(text).toContain("SynFlow (vote member) (the vote's own ranking is not computed above 6,000 architectures):")
    expect(text).toContain('over 6001 architectures')
    expect(w.find('[data-testid="member-correlation"]').exists()).toBe(false)
  })

  it('without a table there is no accuracy chart, and a row opens the detail drawer with the cell drawing', async () => {
    const w = await mountRun(false)
    expect(w.find('[data-testid="correlation"]').exists()).toBe(false)
    expect(w.findAll('.chart-panel').map((c) => c.attributes('data-testid'))).toEqual(['chart-best-so-far', 'chart-score-vs-flops'])
    expect(w.find('[data-testid="sort-groundTruth"]').exists()).toBe(false) // no accuracy column without a table
    await w.findAll('[data-testid="table-row"]')[2].trigger('click')
    const drawer = w.find('[data-testid="detail-drawer"]')
    expect(drawer.text()).toContain('Architecture #2')
    expect(drawer.find('[data-testid="cell-dag"]').exists()).toBe(true)
    expect(drawer.find('[data-testid="detail-arch"]').text()).toBe(ROWS[2].arch)
    await drawer.trigger('keydown', { key: 'Escape' })
    expect(w.find('[data-testid="detail-drawer"]').exists()).toBe(false)
  })

  it('defect 8: charts draw the rows the table filters leave; a brushed chart area becomes table filters; Clear resets both', async () => {
    const w = await mountRun(true)
    const scatter = () => w.findAllComponents(ScatterPanel).find((c) => c.props('name') === 'score-vs-accuracy')!
    const drawn = () => (scatter().vm as unknown as { model: { drawn: number[] } }).model.drawn
    expect(drawn()).toEqual([0, 1, 2, 3])
    await w.find('[data-testid="filter-groundTruth"]').setValue('>84.5')
    await flush()
    expect(drawn()).toEqual([1, 3]) // accuracies 85 and 90
    expect(w.find('[data-testid="row-count"]').text()).toBe('2 of 4 architectures')
    expect(w.find('[data-testid="active-filters"]').text()).toContain('cifar10 acc. >84.5')
    await w.find('[data-testid="clear-filters"]').trigger('click')
    await flush()
    expect(drawn()).toEqual([0, 1, 2, 3])
    // a rectangle over WRCor 1.5..3.5 × accuracy 83..86 (released brush, data coordinates) → rows 1 and 2
    w.findAllComponents(ChartPanel).find((c) => c.props('name') === 'score-vs-accuracy')!.vm.$emit('brush', { x: [1.5, 3.5], y: [83, 86] })
    await flush()
    expect((w.find('[data-testid="filter-score:wrcor"]').element as HTMLInputElement).value).toBe('1.5..3.5')
    expect((w.find('[data-testid="filter-groundTruth"]').element as HTMLInputElement).value).toBe('83..86')
    expect(w.find('[data-testid="row-count"]').text()).toBe('2 of 4 architectures')
    expect(drawn()).toEqual([1, 2])
    // the best-so-far x range (evaluations 2..3) filters by evaluation index 1..2
    w.findAllComponents(ChartPanel).find((c) => c.props('name') === 'best-so-far')!.vm.$emit('brush', { x: [2, 3] })
    await flush()
    expect((w.find('[data-testid="filter-index"]').element as HTMLInputElement).value).toBe('1..2')
  })

  it('a click on a chart point opens its architecture; NB201 runs have the op-importance view, the parallel view its axes', async () => {
    const w = await mountRun(true)
    w.findAllComponents(ChartPanel)[1].vm.$emit('pick', 2)
    await flush()
    expect(w.find('[data-testid="detail-drawer"]').text()).toContain('Architecture #2')
    await w.find('[data-testid="detail-drawer"]').trigger('keydown', { key: 'Escape' })
    await w.find('[data-testid="analysis-ops"]').trigger('click')
    expect(w.find('[data-testid="op-importance"]').text()).toContain('over 4 architectures')
    await w.find('[data-testid="analysis-parallel"]').trigger('click')
    expect(w.find('[data-testid="chart-parallel"]').exists()).toBe(true)
  })
})
