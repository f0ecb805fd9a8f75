/**
 * MobileNetV2 search space of the paper's Table 1 (ZenNAS PlainNet blocks as
 * used by the reference, notes §5.3): architecture type, ranges, Python-style
 * rounding, and the canonical string.
 *
 * Canonical string = the PlainNet structure string followed by `@R`:
 *   `SuperConvK3BNRELU(3,c0,2,1)` + 7 × `SuperResIDWE{E}K{K}(c_{j−1},c_j,s_j,B_j,L_j)`
 *   + `SuperConvK1BNRELU(c7,c8,1,1)` + `@{R}`
 * e.g. the paper's Table 11 architecture (see `TABLE11_ARCH`). `fromString`
 * also accepts the JSON form of `Mbv2Arch`. It checks the structure (7 stages,
 * E ∈ {1,2,4,6}, K ∈ {3,5,7}, strides ∈ {1,2}, channel chain consistent,
 * positive integers); membership of the searched space (Table 1 ranges,
 * exactly 4 stride-2 stages, FLOPs limit) is `checkInSpace` / the space's job,
 * so architectures outside the space (e.g. the reference MobileNetV2) can
 * still be built and scored.
 */
import { ZsnasError } from '../../core/errors'

export const MBV2_E = [1, 2, 4, 6] as const
export const MBV2_K = [3, 5, 7] as const
/** c0 (stem), c1..c7 (stage outputs), c8 (head) ranges, inclusive (Table 1). */
export const MBV2_C_RANGES: readonly [number, number][] = [
  [16, 48], [16, 48], [16, 48], [32, 64], [48, 96], [80, 256], [80, 256], [128, 512], [128, 1536],
]
/** B_1..B_7 ranges, inclusive. */
export const MBV2_B_RANGES: readonly [number, number][] = [
  [16, 48], [16, 48], [16, 48], [32, 64], [48, 96], [80, 256], [80, 256],
]
/** L_1..L_7 choices. */
export const MBV2_L_CHOICES: readonly (readonly number[])[] = [
  [1, 2], [2, 3], [2, 3], [2, 3, 4], [2, 3, 4, 5, 6], [2, 3, 4, 5, 6], [1, 2],
]
export const MBV2_R_RANGE: [number, number] = [192, 320]
export const MBV2_R_CHOICES = [192, 224, 256, 288, 320] as const
export const MBV2_NUM_STAGES = 7
export const MBV2_NUM_STRIDE2 = 4
export const MBV2_DEFAULT_FLOPS_LIMIT = 600e6

export interface Mbv2Stage {
  /** expansion of the bottleneck width: mid = smartRound(B·E, 8) */
  e: number
  /** depthwise kernel size */
  k: number
  /** stride of the first sub-layer (1 or 2) */
  s: number
  /** number of sub-layers */
  l: number
  /** output channels */
  c: number
  /** bottleneck channels */
  b: number
}

export interface Mbv2Arch {
  /** stem output channels c0 */
  stem: number
  stages: Mbv2Stage[]
  /** final 1×1 conv channels c8 */
  head: number
  /** input resolution R the network resizes its input to */
  resolution: number
}

/** Python 3 `round()` on a float: round half to even (banker's rounding). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x)
  const d = x - f
  if (d < 0.5) return f
  if (d > 0.5) return f + 1
  return f % 2 === 0 ? f : f + 1
}

/** ZenNAS `smart_round(x, base)` = max(base, round(x / base) · base) with round-half-even. */
export function smartRound(x: number, base = 8): number {
  return Math.max(base, roundHalfEven(x / base) * base)
}

/** Expanded (depthwise) width of a stage. */
export const midChannels = (st: Mbv2Stage): number => smartRound(st.b * st.e, 8)
/** SE squeeze width: max(1, int(round(0.25·C))). */
export const seChannels = (c: number): number => Math.max(1, roundHalfEven(0.25 * c))

/** Input channels of stage j (0-based). */
export const stageIn = (a: Mbv2Arch, j: number): number => (j === 0 ? a.stem : a.stages[j - 1].c)

export function mbv2ToString(a: Mbv2Arch): string {
  let s = `SuperConvK3BNRELU(3,${a.stem},2,1)`
  a.stages.forEach((st, j) => {
    s += `SuperResIDWE${st.e}K${st.k}(${stageIn(a, j)},${st.c},${st.s},${st.b},${st.l})`
  })
  s += `SuperConvK1BNRELU(${a.stages[a.stages.length - 1].c},${a.head},1,1)@${a.resolution}`
  return s
}

const bad = (msg: string): never => {
  throw new ZsnasError('INVALID_ARCH', `MobileNetV2 architecture: ${msg}`)
}

function checkStructure(a: Mbv2Arch): Mbv2Arch {
  const posInt = (v: unknown, what: string): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) bad(`${what} must be a positive integer, got ${String(v)}`)
  }
  posInt(a.stem, 'stem channels')
  posInt(a.head, 'head channels')
  posInt(a.resolution, 'resolution')
  if (!Array.isArray(a.stages) || a.stages.length !== MBV2_NUM_STAGES) bad(`expected ${MBV2_NUM_STAGES} SuperResIDWE stages, got ${a.stages?.length}`)
  a.stages.forEach((st, j) => {
    if (!(MBV2_E as readonly number[]).includes(st.e)) bad(`stage ${j + 1} expansion E=${st.e}, expected one of ${MBV2_E.join(',')}`)
    if (!(MBV2_K as readonly number[]).includes(st.k)) bad(`stage ${j + 1} kernel K=${st.k}, expected one of ${MBV2_K.join(',')}`)
    if (st.s !== 1 && st.s !== 2) bad(`stage ${j + 1} stride ${st.s}, expected 1 or 2`)
    posInt(st.l, `stage ${j + 1} layers L`)
    posInt(st.c, `stage ${j + 1} output channels C`)
    posInt(st.b, `stage ${j + 1} bottleneck channels B`)
  })
  return { stem: a.stem, head: a.head, resolution: a.resolution, stages: a.stages.map((s) => ({ e: s.e, k: s.k, s: s.s, l: s.l, c: s.c, b: s.b })) }
}

/** Parses the canonical string (or the JSON form); throws INVALID_ARCH naming the problem. */
export function mbv2FromString(str: string): Mbv2Arch {
  const t = str.trim()
  if (t.startsWith('{')) {
    let j: unknown
    try {
      j = JSON.parse(t)
    } catch {
      return bad('looks like JSON but does not parse')
    }
    return checkStructure(j as Mbv2Arch)
  }
  const at = t.lastIndexOf('@')
  if (at < 0) bad(`missing '@<resolution>' suffix (e.g. '…SuperConvK1BNRELU(240,1264,1,1)@224') in '${t.slice(0, 60)}…'`)
  const resolution = Number(t.slice(at + 1))
  const body = t.slice(0, at)
  const re = /([A-Za-z0-9]+)\(([0-9,]+)\)/gy
  const blocks: { name: string; args: number[] }[] = []
  let m: RegExpExecArray | null
  let pos = 0
  while ((m = re.exec(body)) !== null) {
    blocks.push({ name: m[1], args: m[2].split(',').map(Number) })
    pos = re.lastIndex
  }
  if (pos !== body.length) bad(`cannot parse block at character ${pos}: '${body.slice(pos, pos + 30)}'`)
  if (blocks.length !== MBV2_NUM_STAGES + 2) bad(`expected stem + 7 stages + head = 9 blocks, got ${blocks.length}`)
  const stem = blocks[0]
  if (stem.name !== 'SuperConvK3BNRELU' || stem.args.length !== 4 || stem.args[0] !== 3 || stem.args[2] !== 2 || stem.args[3] !== 1) {
    bad(`first block must be SuperConvK3BNRELU(3,c0,2,1), got ${stem.name}(${stem.args.join(',')})`)
  }
  const head = blocks[blocks.length - 1]
  if (head.name !== 'SuperConvK1BNRELU' || head.args.length !== 4 || head.args[2] !== 1 || head.args[3] !== 1) {
    bad(`last block must be SuperConvK1BNRELU(c7,c8,1,1), got ${head.name}(${head.args.join(',')})`)
  }
  const stages: Mbv2Stage[] = []
  let prev = stem.args[1]
  for (let j = 0; j < MBV2_NUM_STAGES; j++) {
    const b = blocks[1 + j]
    const mm = /^SuperResIDWE(\d)K(\d)$/.exec(b.name)
    if (!mm || b.args.length !== 5) bad(`block ${j + 2} must be SuperResIDWE{E}K{K}(in,out,stride,bottleneck,layers), got ${b.name}(${b.args.join(',')})`)
    if (b.args[0] !== prev) bad(`stage ${j + 1} input channels ${b.args[0]} differ from the previous block's output ${prev}`)
    stages.push({ e: Number(mm![1]), k: Number(mm![2]), c: b.args[1], s: b.args[2], b: b.args[3], l: b.args[4] })
    prev = b.args[1]
  }
  if (head.args[0] !== prev) bad(`head input channels ${head.args[0]} differ from stage 7 output ${prev}`)
  return checkStructure({ stem: stem.args[1], stages, head: head.args[1], resolution })
}

/**
 * Problems that put `a` outside the searched space of Table 1 (ranges,
 * multiples of 8 / 32, exactly 4 stride-2 stages); empty when inside.
 * The FLOPs limit is checked separately (it depends on the limit chosen).
 */
export function spaceViolations(a: Mbv2Arch): string[] {
  const out: string[] = []
  const chk = (v: number, [lo, hi]: readonly [number, number], base: number, what: string): void => {
    if (v < lo || v > hi || v % base !== 0) out.push(`${what}=${v} not a multiple of ${base} in [${lo},${hi}]`)
  }
  chk(a.stem, MBV2_C_RANGES[0], 8, 'c0')
  a.stages.forEach((st, j) => {
    chk(st.c, MBV2_C_RANGES[j + 1], 8, `c${j + 1}`)
    chk(st.b, MBV2_B_RANGES[j], 8, `B${j + 1}`)
    if (!MBV2_L_CHOICES[j].includes(st.l)) out.push(`L${j + 1}=${st.l} not in {${MBV2_L_CHOICES[j].join(',')}}`)
  })
  chk(a.head, MBV2_C_RANGES[8], 8, 'c8')
  chk(a.resolution, MBV2_R_RANGE, 32, 'R')
  const n2 = a.stages.filter((s) => s.s === 2).length
  if (n2 !== MBV2_NUM_STRIDE2) out.push(`${n2} stride-2 stages, expected exactly ${MBV2_NUM_STRIDE2}`)
  return out
}

/** The searched architecture of the paper's Table 11 (`EA_our_vote_600M`). */
export const TABLE11_ARCH =
  'SuperConvK3BNRELU(3,48,2,1)SuperResIDWE2K7(48,32,2,40,2)SuperResIDWE2K7(32,32,2,48,3)SuperResIDWE6K7(32,64,1,40,3)' +
  'SuperResIDWE6K7(64,88,2,40,4)SuperResIDWE6K7(88,104,1,56,6)SuperResIDWE6K5(104,152,2,192,6)SuperResIDWE6K5(152,240,1,136,2)' +
  'SuperConvK1BNRELU(240,1264,1,1)@224'
