// @vitest-environment happy-dom
/**
 * The "Export model…" menu (drawer and the run's best architecture): formats
 * come from `models.exporters` for the space (fetched when the menu opens,
 * not before), the request carries the chosen formats / weights / folder, and
 * the result or the backend's error is shown.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { fakeApi, type FakeApi } from './helpers/fake-api'
import { flush, mountGlobal } from './helpers/setup'
import { NB201_ARCHS } from './helpers/fixtures'
import ExportModelMenu from '../../src/renderer/components/export/ExportModelMenu.vue'

let fake: FakeApi
afterEach(() => expect(fake.unexpected).toEqual([]))

const MENU = [
  { id: 'pytorch', label: 'PyTorch (model.py + train.py)', description: 'd', spaces: 'all' as const, usesWeightsOption: true },
  { id: 'onnx', label: 'ONNX (opset 13, with weights)', description: 'd', spaces: 'all' as const, usesWeightsOption: false },
  { id: 'nb201', label: 'NAS-Bench-201 string', description: 'd', spaces: ['nb201'], usesWeightsOption: false },
]

describe('ExportModelMenu', () => {
  it('lists the registry formats for the space on open, exports the chosen ones with weights and folder, shows the files', async () => {
    fake = fakeApi({
      'models.exporters': () => MENU,
      'models.export': (req: { formats: string[] }) => ({ dir: '/data/exports/x', files: req.formats.includes('onnx') ? ['arch.nb201.txt', 'model.onnx', 'model.py'] : ['x'] }),
    })
    const w = mount(ExportModelMenu, { props: { space: 'nb201', arch: NB201_ARCHS[0], name: 'best' }, global: mountGlobal(fake) })
    expect(fake.calls).toEqual([]) // nothing fetched before the menu opens
    await w.find('[data-testid="export-model-best"]').trigger('click')
    await flush()
    expect(fake.calls[0]).toEqual({ method: 'models.exporters', args: [{ space: 'nb201' }] })
    // default: the trainable model + the space's structure file
    expect((w.find('[data-testid="export-format-pytorch"]').element as HTMLInputElement).checked).toBe(true)
    expect((w.find('[data-testid="export-format-nb201"]').element as HTMLInputElement).checked).toBe(true)
    expect((w.find('[data-testid="export-format-onnx"]').element as HTMLInputElement).checked).toBe(false)
    await w.find('[data-testid="export-format-onnx"]').setValue(true)
    await w.find('[data-testid="export-weights"]').setValue(true)
    await w.find('[data-testid="export-dir"]').setValue(' /tmp/out ')
    await w.find('[data-testid="export-run"]').trigger('click')
    await flush()
    const req = fake.calls[1]
    expect(req.method).toBe('models.export')
    expect(req.args[0]).toEqual({ space: 'nb201', arch: NB201_ARCHS[0], formats: ['pytorch', 'nb201', 'onnx'], weights: true, dir: '/tmp/out' })
    expect(w.find('[data-testid="export-result"]').text()).toBe('Wrote 3 files to /data/exports/x: arch.nb201.txt, model.onnx, model.py')
  })

  it('with a run id and evaluation index, asks for the weights that evaluation was scored with (scoredIn)', async () => {
    fake = fakeApi({ 'models.exporters': () => MENU, 'models.export': () => ({ dir: '/d', files: ['model.onnx'] }) })
    const w = mount(ExportModelMenu, { props: { space: 'nb201', arch: NB201_ARCHS[2], name: 'best', runId: 'r7', index: 5 }, global: mountGlobal(fake) })
    await w.find('[data-testid="export-model-best"]').trigger('click')
    await flush()
    await w.find('[data-testid="export-run"]').trigger('click')
    await flush()
    expect(fake.calls[1].args[0]).toEqual({ space: 'nb201', arch: NB201_ARCHS[2], formats: ['pytorch', 'nb201'], weights: false, scoredIn: { runId: 'r7', index: 5 } })
  })

  it('shows the backend error (e.g. a non-empty folder) and no result; the weights box only appears for a format that uses it', async () => {
    fake = fakeApi({
      'models.exporters': () => MENU,
      'models.export': () => {
        throw Object.assign(new Error('export folder /x exists and is not empty; choose another folder'), { code: 'CONFLICT' })
      },
    })
    const w = mount(ExportModelMenu, { props: { space: 'nb201', arch: NB201_ARCHS[1] }, global: mountGlobal(fake) })
    await w.find('[data-testid="export-model-arch"]').trigger('click')
    await flush()
    await w.find('[data-testid="export-format-pytorch"]').setValue(false)
    expect(w.find('[data-testid="export-weights"]').exists()).toBe(false)
    await w.find('[data-testid="export-run"]').trigger('click')
    await flush()
    expect(fake.calls[1].args[0]).toEqual({ space: 'nb201', arch: NB201_ARCHS[1], formats: ['nb201'] })
    expect(w.find('[data-testid="export-error"]').text()).toBe('export folder /x exists and is not empty; choose another folder (CONFLICT)')
    expect(w.find('[data-testid="export-result"]').exists()).toBe(false)
  })
})
