// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ArchView from '../../src/renderer/components/viz/ArchView.vue'
import { OP_COLORS } from '../../src/renderer/lib/arch'

const T11 =
  'SuperConvK3BNRELU(3,48,2,1)SuperResIDWE2K7(48,32,2,40,2)SuperResIDWE2K7(32,32,2,48,3)SuperResIDWE6K7(32,64,1,40,3)' +
  'SuperResIDWE6K7(64,88,2,40,4)SuperResIDWE6K7(88,104,1,56,6)SuperResIDWE6K5(104,152,2,192,6)SuperResIDWE6K5(152,240,1,136,2)' +
  'SuperConvK1BNRELU(240,1264,1,1)@224'

describe('architecture drawings', () => {
  it('NB201 cell: 4 nodes, 6 edges stroked in their op colours, a legend of the ops used', () => {
    const w = mount(ArchView, { props: { space: 'nb201', arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|' } })
    const edges = w.findAll('g.edge')
    expect(edges.map((e) => e.attributes('data-op'))).toEqual(['nor_conv_3x3', 'nor_conv_3x3', 'avg_pool_3x3', 'skip_connect', 'nor_conv_3x3', 'none'])
    expect(edges[2].find('path').attributes('stroke')).toBe(OP_COLORS.avg_pool_3x3)
    expect(edges[5].find('path').attributes('stroke-dasharray')).toBeDefined() // 'none' drawn dashed
    expect(w.findAll('g.node')).toHaveLength(4)
    expect(w.find('figcaption').text()).toContain('skip_connect')
    expect(w.find('svg').attributes('aria-label')).toContain('0→1 nor_conv_3x3')
  })

  it('NB101 cell: nodes coloured by op, edges from the matrix', () => {
    const w = mount(ArchView, { props: { space: 'nb101', arch: 'matrix=0110/0001/0001/0000;ops=input,conv1x1-bn-relu,maxpool3x3,output' } })
    expect(w.findAll('g.edge')).toHaveLength(4)
    const fills = w.findAll('g.node circle').map((c) => c.attributes('fill'))
    expect(fills[1]).toBe(OP_COLORS['conv1x1-bn-relu'])
    expect(fills[2]).toBe(OP_COLORS.maxpool3x3)
  })

  it('MobileNetV2: one block per layer grouped in 9 stage groups, E/K/S captions, Table-11 toggle (details: mbv2-diagram.test.ts)', async () => {
    const w = mount(ArchView, { props: { space: 'mbv2', arch: T11 } })
    expect(w.findAll('g.block')).toHaveLength(9)
    expect(w.findAll('g.layer.mb')).toHaveLength(26)
    const text = w.find('[data-testid="mbv2-diagram"]').text()
    expect(text).toContain('E2 K7 S2')
    expect(text).toContain('L6 C152 B192')
    await w.find('[data-testid="mbv2-toggle"]').trigger('click')
    expect(w.findAll('[data-testid="mbv2-table"] tbody tr')).toHaveLength(9)
  })

  it('an unknown string says it cannot be drawn', () => {
    const w = mount(ArchView, { props: { space: 'nb201', arch: 'garbage' } })
    expect(w.find('[data-testid="arch-undrawable"]').exists()).toBe(true)
  })
})
