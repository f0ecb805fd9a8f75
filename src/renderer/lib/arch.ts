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

const NB101_OP_RE = /input|output|conv3x3-bn-relu|conv1x1-bn-relu|maxpool3x3/g

/**
 * NB101 cell: an upper-triangular adjacency matrix plus one op per node.
 * Accepts JSON `{"matrix":[[…]],"ops":[…]}`, or any text holding a flat 0/1
 * row-major matrix of n² digits (or nested `[[0,1],…]`) and the op names.
 */
export function decodeNb101(s: string): Dag | null {
  let matrix: number[][] | null = null
  let ops: string[] | null = null
  try {
    const j = JSON.parse(s) as { matrix?: unknown; ops?: unknown }
    if (j && Array.isArray(j.matrix) && Array.isArray(j.ops)) {
      matrix = j.matrix as number[][]
      ops = j.ops as string[]
    }
  } catch {
    /* not JSON */
  }
  if (!matrix || !ops) {
    ops = s.match(NB101_OP_RE)
    if (!ops) return null
    const n = ops.length
    const nested = s.match(/\[\s*\[[\d,\s[\]]*\]\s*\]/)
    let flat: string | null = null
    if (nested) {
      try {
        const m = JSON.parse(nested[0]) as number[][]
        flat = m.flat().join('')
      } catch {
        flat = null
      }
    }
    if (!flat) {
      const runs = s.match(/[01]+/g) ?? []
      flat = runs.find((r) => r.length === n * n) ?? null
    }
    if (!flat || flat.length !== n * n) return null
    matrix = []
    for (let i = 0; i < n; i++) matrix.push([...flat.slice(i * n, (i + 1) * n)].map(Number))
  }
  const n = ops.length
  if (n < 2 || matrix.length !== n || matrix.some((r) => !Array.isArray(r) || r.length !== n)) return null
  const nodes = ops.map((op, id) => ({ id, label: op, color: OP_COLORS[op] }))
  const edges: DagEdge[] = []
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (Number(matrix[i][j]) === 1) edges.push({ from: i, to: j })
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
 * MobileNetV2 architecture. Accepts JSON (`{stem, stages:[{E,K,S,L,C,B}], head, resolution|R}`)
 * or a compact text form with the numbers in Table-11 order:
 * `R<res>` / `stem<C0>` / seven `(E,K,S,L,C,B)` tuples / `head<C>` in any separators.
 */
export function decodeMbv2(s: string): Mbv2Arch | null {
  try {
    const j = JSON.parse(s) as Record<string, unknown>
    if (j && Array.isArray(j.stages)) {
      const stages = (j.stages as Record<string, number>[]).map((st) => ({
        E: Number(st.E ?? st.e ?? st.expansion),
        K: Number(st.K ?? st.k ?? st.kernel),
        S: Number(st.S ?? st.s ?? st.stride),
        L: Number(st.L ?? st.l ?? st.layers),
        C: Number(st.C ?? st.c ?? st.channels ?? st.out),
        B: Number(st.B ?? st.b ?? st.bottleneck),
      }))
      const a = {
        stem: Number(j.stem),
        head: Number(j.head),
        resolution: Number(j.resolution ?? j.R ?? j.r),
        stages,
      }
      return validMbv2(a) ? a : null
    }
  } catch {
    /* not JSON */
  }
  const tuples = [...s.matchAll(/\(?\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)?/g)]
  const stem = /stem\D{0,3}(\d+)/i.exec(s)
  const head = /head\D{0,3}(\d+)/i.exec(s)
  const res = /(?:^|[^a-z])(?:R|res|resolution)\D{0,3}(\d+)/i.exec(s)
  if (tuples.length === 0 || !stem || !head || !res) return null
  const a: Mbv2Arch = {
    stem: Number(stem[1]),
    head: Number(head[1]),
    resolution: Number(res[1]),
    stages: tuples.map((m) => ({ E: +m[1], K: +m[2], S: +m[3], L: +m[4], C: +m[5], B: +m[6] })),
  }
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
