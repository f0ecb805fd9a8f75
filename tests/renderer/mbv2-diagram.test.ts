// @vitest-environment happy-dom
/** The paper-ready MobileNetV2 diagram and the Table 11 formatters, on the paper's Table 11 architecture. */
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { decodeMbv2 } from '../../src/renderer/lib/arch'
import { KERNEL_COLORS, mbHeight, mbv2Layout } from '../../src/renderer/lib/mbv2-layout'
import { table11Csv, table11Latex, table11Rows } from '../../src/renderer/lib/mbv2-table'
import { TABLE11_ARCH } from '../../src/engine/spaces/mbv2/arch'
import Mbv2Diagram from '../../src/renderer/components/viz/Mbv2Diagram.vue'

const T11 = decodeMbv2(TABLE11_ARCH)!

describe('Table 11 formatters', () => {
  it('rows: stem, 7 MB stages, head; R = each row\'s input resolution (notes §5.3: 224, 112, 56, 28, 28, 14, 14, 7, 7)', () => {
    const rows = table11Rows(T11)
    expect(rows.map((r) => r.R)).toEqual([224, 112, 56, 28, 28, 14, 14, 7, 7])
    expect(rows.map((r) => r.block)).toEqual(['Conv 3x3', ...[1, 2, 3, 4, 5, 6, 7].map((i) => `MB stage ${i}`), 'Conv 1x1'])
    // the paper's Table 11 / notes: (E,K,s,L,C,B) per stage
    expect(rows.slice(1, 8).map((r) => [r.E, r.K, r.S, r.L, r.C, r.B])).toEqual([
      [2, 7, 2, 2, 32, 40], [2, 7, 2, 3, 32, 48], [6, 7, 1, 3, 64, 40], [6, 7, 2, 4, 88, 40],
      [6, 7, 1, 6, 104, 56], [6, 5, 2, 6, 152, 192], [6, 5, 1, 2, 240, 136],
    ])
  })
  it('CSV', () => {
    expect(table11Csv(T11)).toBe(
      'Block,E,K,S,L,C,B,R\n' +
        'Conv 3x3,-,3,2,1,48,-,224\n' +
        'MB stage 1,2,7,2,2,32,40,112\nMB stage 2,2,7,2,3,32,48,56\nMB stage 3,6,7,1,3,64,40,28\nMB stage 4,6,7,2,4,88,40,28\n' +
        'MB stage 5,6,7,1,6,104,56,14\nMB stage 6,6,5,2,6,152,192,14\nMB stage 7,6,5,1,2,240,136,7\n' +
        'Conv 1x1,-,1,1,1,1264,-,7\n',
    )
  })
  it('LaTeX (booktabs)', () => {
    const t = table11Latex(T11)
    expect(t.split('\n').slice(0, 4)).toEqual(['\\begin{tabular}{lrrrrrrr}', '  \\toprule', '  Block & $E$ & $K$ & $S$ & $L$ & $C$ & $B$ & $R$ \\\\', '  \\midrule'])
    expect(t).toContain('  Conv 3$\\times$3 & -- & 3 & 2 & 1 & 48 & -- & 224 \\\\\n')
    expect(t).toContain('  MB stage 6 & 6 & 5 & 2 & 6 & 152 & 192 & 14 \\\\\n')
    expect(t).toContain('  Conv 1$\\times$1 & -- & 1 & 1 & 1 & 1264 & -- & 7 \\\\\n')
    expect(t.trimEnd().split('\n').slice(-2)).toEqual(['  \\bottomrule', '\\end{tabular}'])
  })
})

describe('diagram layout', () => {
  const L = mbv2Layout(T11, 1000)
  const mb = L.blocks.filter((b) => b.kind === 'mb')
  it('one block per MB layer (Σ L = 26), coloured by kernel, taller with the expansion ratio, SE on each, s2 on each stage\'s first layer', () => {
    expect(mb).toHaveLength(2 + 3 + 3 + 4 + 6 + 6 + 2)
    expect(L.blocks.map((b) => b.kind).filter((k) => k !== 'mb')).toEqual(['input', 'stem', 'head', 'pool', 'fc'])
    expect(mb.filter((b) => b.fill === KERNEL_COLORS[7])).toHaveLength(2 + 3 + 3 + 4 + 6)
    expect(mb.filter((b) => b.fill === KERNEL_COLORS[5])).toHaveLength(6 + 2)
    expect(mb[0].h).toBe(mbHeight(2))
    expect(mb[5].h).toBe(mbHeight(6))
    expect(mbHeight(6)).toBeGreaterThan(mbHeight(4))
    expect(mb.every((b) => b.se)).toBe(true)
    expect(mb.filter((b) => b.stride === 2).map((b) => b.stage)).toEqual([1, 2, 4, 6])
    expect(L.blocks[L.blocks.length - 1].label).toBe('FC 1000')
  })
  it('blocks left to right without overlap, one arrow between each pair, stage captions with resolutions', () => {
    for (let i = 1; i < L.blocks.length; i++) expect(L.blocks[i].x).toBeGreaterThan(L.blocks[i - 1].x + L.blocks[i - 1].w)
    expect(L.arrows).toHaveLength(L.blocks.length - 1)
    expect(L.stages.map((s) => s.lines[0])).toEqual(['stem', 'E2 K7 S2', 'E2 K7 S2', 'E6 K7 S1', 'E6 K7 S2', 'E6 K7 S1', 'E6 K5 S2', 'E6 K5 S1', 'head'])
    expect(L.stages[4].lines).toEqual(['E6 K7 S2', 'L4 C88 B40', '28² → 14²'])
    expect(L.stages[0].lines[2]).toBe('224² → 112²')
  })
})

describe('Mbv2Diagram component', () => {
  it('draws the layout (9 stage groups, 31 blocks, 26 SE marks, legend) and toggles to the Table 11 view', async () => {
    const w = mount(Mbv2Diagram, { props: { arch: T11 } })
    const svg = w.find('[data-testid="mbv2-diagram"]')
    expect(w.findAll('g.block')).toHaveLength(9)
    expect(w.findAll('g.layer')).toHaveLength(31)
    expect(w.findAll('g.se')).toHaveLength(26)
    expect(w.findAll('line.arrow')).toHaveLength(30)
    expect(svg.text()).toContain('MB6 7×7')
    expect(svg.text()).toContain('input 224×224×3')
    expect(w.find('g.legend').text()).toContain('expansion E')
    // literal colours, no theme variables: the exported SVG is the figure
    expect(svg.html()).not.toContain('var(--')
    await w.find('[data-testid="mbv2-toggle"]').trigger('click')
    const rows = w.findAll('[data-testid="mbv2-table"] tbody tr')
    expect(rows).toHaveLength(9)
    expect(rows[4].findAll('td').map((t) => t.text())).toEqual(['6', '7', '2', '4', '88', '40', '28'])
  })
})
