/**
 * Decoding architecture strings into drawable structures for the three
 * search spaces (reference notes §5). These are display decoders only: the
 * engine's `SearchSpace.fromString` stays the authority; on anything the
 * decoder does not understand it returns null and the UI shows the raw string.
 */

export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const
export const NB101_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const

/** Op colours shared by the cell drawings and their legends (readable on light and dark backgrounds). */
export const OP_COLORS: Record<string, string> = {
  none: '#9aa0a6',
  skip_connect: '#2a9d8f',
  nor_conv_1x1: '#e9a23b',
  nor_conv_3x3: '#d1495b',
  avg_pool_3x3: '#4f7cac',
  'conv3x3-bn-relu': '#d1495b',
  'conv1x1-bn-relu': '#e9a23b',
  maxpool3x3: '#4f7cac',
  input: '#6c757d',
  output: '#6c757d',
}

export interface DagNode {
  id: number
  label: string
  color?: string
}
export interface DagEdge {
  from: number
  to: number
  op?: string
}
export interface Dag {
  nodes: DagNode[]
  edges: DagEdge[]
}

/** NB201 `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` → 4 nodes, 6 labelled edges (j ← i). */
export function decodeNb201(s: string): Dag | null {
  const groups = s.trim().split('+')
  if (groups.length !== 3) return null
  const edges: DagEdge[] = []
  for (let j = 0; j < 3; j++) {
    const parts = groups[j].split('|').filter((p) => p.length > 0)
    if (parts.length !== j + 1) return null
    for (const p of parts) {
      const m = /^([a-z0-9_]+)~(\d+)$/.exec(p)
      if (!m || !(NB201_OPS as readonly string[]).includes(m[1])) return null
      const from = Number(m[2])
      if (from > j) return null
      edges.push({ from, to: j + 1, op: m[1] })
    }
  }
  const nodes = [0, 1, 2, 3].map((id) => ({ id, label: id === 0 ? 'in' : id === 3 ? 'out' : String(id) }))
  return { nodes, edges }
}

/**
 * NB101 cell: an upper-triangular adjacency matrix plus one op per node, in the
 * engine's canonical `matrix=0110/0001/…;ops=input,conv3x3-bn-relu,…,output`
 * form or its JSON form `{"matrix":[[…]],"ops":[…]}`.
 */
export function decodeNb101(s: string): Dag | null {
  let matrix: number[][] | null = null
  let ops: string[] | null = null
  const t = s.trim()
  if (t.startsWith('{')) {
    try {
      const j = JSON.parse(t) as { matrix?: unknown; ops?: unknown }
      if (Array.isArray(j.matrix) && Array.isArray(j.ops)) {
        matrix = (j.matrix as unknown[]).map((r) => (Array.isArray(r) ? r.map(Number) : []))
        ops = (j.ops as unknown[]).map(String)
      }
    } catch {
      return null
    }
  } else {
    const m = /^matrix=([01/]+);ops=([a-z0-9,-]+)$/i.exec(t)
    if (!m) return null
    matrix = m[1].split('/').map((row) => [...row].map(Number))
    ops = m[2].split(',')
  }
  if (!matrix || !ops) return null
  const n = ops.length
  if (n < 2 || matrix.length !== n || matrix.some((r) => r.length !== n)) return null
  const nodes = ops.map((op, id) => ({ id, label: op, color: OP_COLORS[op] }))
  const edges: DagEdge[] = []
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (matrix[i][j] === 1) edges.push({ from: i, to: j })
  return { nodes, edges }
}

/** One MobileNetV2 stage of the paper's Table 1/11: expansion, kernel, stride, layers, out channels, bottleneck. */
export interface Mbv2Stage {
  E: number
  K: number
  S: number
  L: number
  C: number
  B: number
}
export interface Mbv2Arch {
  stem: number
  stages: Mbv2Stage[]
  head: number
  resolution: number
}

/**
 * MobileNetV2 architecture in the engine's canonical PlainNet form
 * `SuperConvK3BNRELU(3,C0,2,1)` + stages `SuperResIDWE{E}K{K}(in,C,S,B,L)` +
 * `SuperConvK1BNRELU(C7,head,1,1)@R`, or the JSON form
 * `{stem, stages:[{e,k,s,l,c,b}], head, resolution}`.
 */
export function decodeMbv2(s: string): Mbv2Arch | null {
  const t = s.trim()
  if (t.startsWith('{')) {
    try {
      const j = JSON.parse(t) as Record<string, unknown>
      if (!Array.isArray(j.stages)) return null
      const stages = (j.stages as Record<string, number>[]).map((st) => ({
        E: Number(st.E ?? st.e),
        K: Number(st.K ?? st.k),
        S: Number(st.S ?? st.s),
        L: Number(st.L ?? st.l),
        C: Number(st.C ?? st.c),
        B: Number(st.B ?? st.b),
      }))
      const a = { stem: Number(j.stem), head: Number(j.head), resolution: Number(j.resolution ?? j.R), stages }
      return validMbv2(a) ? a : null
    } catch {
      return null
    }
  }
  const stem = /^SuperConvK3BNRELU\(3,(\d+),2,1\)/.exec(t)
  const head = /SuperConvK1BNRELU\((\d+),(\d+),1,1\)@(\d+)$/.exec(t)
  if (!stem || !head) return null
  const stages = [...t.matchAll(/SuperResIDWE(\d+)K(\d+)\((\d+),(\d+),(\d+),(\d+),(\d+)\)/g)].map((m) => ({
    E: +m[1],
    K: +m[2],
    C: +m[4],
    S: +m[5],
    B: +m[6],
    L: +m[7],
  }))
  const a: Mbv2Arch = { stem: +stem[1], head: +head[2], resolution: +head[3], stages }
  return validMbv2(a) ? a : null
}

function validMbv2(a: Mbv2Arch): boolean {
  const ok = (v: number) => Number.isFinite(v) && v > 0
  return ok(a.stem) && ok(a.head) && ok(a.resolution) && a.stages.length > 0 && a.stages.every((s) => [s.E, s.K, s.S, s.L, s.C, s.B].every(ok))
}

/** Spatial size after each stage: the stem halves R, then each stride-2 stage halves again. */
export function mbv2Resolutions(a: Mbv2Arch): { stem: number; stages: number[] } {
  let r = Math.ceil(a.resolution / 2)
  const stem = r
  const stages = a.stages.map((s) => {
    r = Math.ceil(r / s.S)
    return r
  })
  return { stem, stages }
}
