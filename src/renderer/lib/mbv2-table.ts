/**
 * The MobileNetV2 architecture as the paper's Table 11 lays it out (pure
 * formatters): one row for the stem, one per MB stage, one for the 1×1 head,
 * columns Block, E, K, S, L, C, B, R. R is each row's INPUT resolution, as in
 * Table 11 (notes §5.3: 224, 112, 56, 28, 28, 14, 14, 7, 7 for its
 * architecture). As CSV (RFC 4180, '-' for not applicable) and as a LaTeX
 * booktabs tabular ready to paste.
 */
import { mbv2Resolutions, type Mbv2Arch } from './arch'

export interface Table11Row {
  block: string
  E: number | null
  K: number
  S: number
  L: number
  C: number
  B: number | null
  R: number
}

export const TABLE11_COLUMNS = ['Block', 'E', 'K', 'S', 'L', 'C', 'B', 'R'] as const

export function table11Rows(a: Mbv2Arch): Table11Row[] {
  const res = mbv2Resolutions(a)
  const inputs = [res.stem, ...res.stages]
  return [
    { block: 'Conv 3x3', E: null, K: 3, S: 2, L: 1, C: a.stem, B: null, R: a.resolution },
    ...a.stages.map((s, j) => ({ block: `MB stage ${j + 1}`, E: s.E, K: s.K, S: s.S, L: s.L, C: s.C, B: s.B, R: inputs[j] })),
    { block: 'Conv 1x1', E: null, K: 1, S: 1, L: 1, C: a.head, B: null, R: res.stages[res.stages.length - 1] ?? res.stem },
  ]
}

const cells = (r: Table11Row, dash: string): string[] => [r.block, ...[r.E, r.K, r.S, r.L, r.C, r.B, r.R].map((v) => (v === null ? dash : String(v)))]

export function table11Csv(a: Mbv2Arch): string {
  return [TABLE11_COLUMNS.join(','), ...table11Rows(a).map((r) => cells(r, '-').join(','))].join('\n') + '\n'
}

export function table11Latex(a: Mbv2Arch, caption?: string): string {
  const body = table11Rows(a).map((r) => '  ' + cells(r, '--').map((c) => c.replace(/(\d)x(\d)/, (_, k1: string, k2: string) => `${k1}$\\times$${k2}`)).join(' & ') + ' \\\\')
  return [
    ...(caption ? ['% ' + caption] : []),
    '\\begin{tabular}{lrrrrrrr}',
    '  \\toprule',
    '  Block & $E$ & $K$ & $S$ & $L$ & $C$ & $B$ & $R$ \\\\',
    '  \\midrule',
    ...body,
    '  \\bottomrule',
    '\\end{tabular}',
  ].join('\n') + '\n'
}
