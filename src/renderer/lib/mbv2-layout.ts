/**
 * Geometry of the paper-ready MobileNetV2 diagram (pure; ProxylessNAS/OFA
 * style): input → stem → one block per MB layer (coloured by kernel size,
 * height by expansion ratio E, an SE mark on each: SE is on in every MB
 * sub-layer of this space, notes §5.3) grouped by stage → 1×1 head → global
 * average pool → classifier, joined by arrows, each stage captioned with its
 * E/K/S, L/C/B and input resolution. Colours are literal (no CSS variables)
 * so the SVG stands alone: what is shown is what is exported.
 */
import { mbv2Resolutions, type Mbv2Arch } from './arch'

/** Kernel-size palette (colour-blind safe: blue / orange / red). */
export const KERNEL_COLORS: Record<number, string> = { 3: '#4f7cac', 5: '#e9a23b', 7: '#d1495b' }
export const OTHER_COLOR = '#8d99a6'
/** Block height of an MB layer per expansion ratio (E ∈ {1, 2, 4, 6}; others interpolate). */
export const mbHeight = (e: number): number => 44 + 16 * e

export type BlockKind = 'input' | 'stem' | 'mb' | 'head' | 'pool' | 'fc'
export interface DiagramBlock {
  kind: BlockKind
  x: number
  y: number
  w: number
  h: number
  fill: string
  /** text inside the block (drawn vertically) */
  label: string
  /** 0 = stem, 1..7 = MB stages, 8 = head; -1 for input / pool / classifier */
  stage: number
  /** MB layers: the squeeze-and-excitation mark */
  se: boolean
  /** the layer's stride (2 marks a down-sampling layer) */
  stride: number
}
export interface StageBox {
  stage: number
  x: number
  w: number
  /** caption lines: 'E6 K7 S2', 'L4 C88 B40', '28² → 14²' */
  lines: string[]
}
export interface Mbv2Layout {
  width: number
  height: number
  /** vertical centre line of the blocks */
  mid: number
  blocks: DiagramBlock[]
  /** arrows between consecutive blocks: [x1, x2] at y = mid */
  arrows: [number, number][]
  stages: StageBox[]
}

const W = 22
const GAP = 12
const STAGE_GAP = 28
/** a stage is at least this wide, so its caption fits (L = 1 stages) */
const MIN_STAGE_W = 60
const TOP = 34

export function mbv2Layout(a: Mbv2Arch, classes?: number): Mbv2Layout {
  const res = mbv2Resolutions(a)
  const maxH = mbHeight(Math.max(6, ...a.stages.map((s) => s.E)))
  const mid = TOP + maxH / 2
  const blocks: DiagramBlock[] = []
  const stages: StageBox[] = []
  let x = 10
  const push = (b: Omit<DiagramBlock, 'x' | 'y'>, gap = GAP) => {
    blocks.push({ ...b, x, y: mid - b.h / 2 })
    x += b.w + gap
  }
  push({ kind: 'input', w: W, h: maxH, fill: '#ffffff', label: `input ${a.resolution}×${a.resolution}×3`, stage: -1, se: false, stride: 1 })
  const stemX = x
  push({ kind: 'stem', w: W, h: mbHeight(3), fill: OTHER_COLOR, label: `Conv 3×3, ${a.stem}`, stage: 0, se: false, stride: 2 }, STAGE_GAP)
  stages.push({ stage: 0, x: stemX, w: W, lines: ['stem', `C${a.stem} S2`, `${a.resolution}² → ${res.stem}²`] })
  let rIn = res.stem
  a.stages.forEach((s, j) => {
    const x0 = x
    for (let l = 0; l < s.L; l++) {
      push({ kind: 'mb', w: W, h: mbHeight(s.E), fill: KERNEL_COLORS[s.K] ?? OTHER_COLOR, label: `MB${s.E} ${s.K}×${s.K}`, stage: j + 1, se: true, stride: l === 0 ? s.S : 1 }, l === s.L - 1 ? STAGE_GAP : GAP)
    }
    let w = x - STAGE_GAP - x0
    if (w < MIN_STAGE_W) {
      const pad = MIN_STAGE_W - w
      for (const b of blocks.slice(blocks.length - s.L)) b.x += pad / 2
      x += pad
      w = MIN_STAGE_W
    }
    stages.push({ stage: j + 1, x: x0, w, lines: [`E${s.E} K${s.K} S${s.S}`, `L${s.L} C${s.C} B${s.B}`, `${rIn}² → ${res.stages[j]}²`] })
    rIn = res.stages[j]
  })
  const headX = x
  push({ kind: 'head', w: W, h: mbHeight(3), fill: OTHER_COLOR, label: `Conv 1×1, ${a.head}`, stage: 8, se: false, stride: 1 })
  stages.push({ stage: 8, x: headX, w: W, lines: ['head', `C${a.head}`, `${rIn}²`] })
  push({ kind: 'pool', w: W, h: mbHeight(1), fill: '#ffffff', label: 'avg pool', stage: -1, se: false, stride: 1 })
  push({ kind: 'fc', w: W, h: mbHeight(2), fill: '#ffffff', label: classes ? `FC ${classes}` : 'FC', stage: -1, se: false, stride: 1 }, 0)
  const arrows: [number, number][] = []
  for (let i = 1; i < blocks.length; i++) arrows.push([blocks[i - 1].x + blocks[i - 1].w, blocks[i].x])
  return { width: x + 10, height: TOP + maxH + 62, mid, blocks, arrows, stages }
}
