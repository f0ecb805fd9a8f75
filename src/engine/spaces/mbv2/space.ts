/**
 * The MobileNetV2 search space (`SearchSpace<Mbv2Arch>`, paper Table 1,
 * reference `search.py` sampling/mutation, notes §4.3 and §5.3).
 *
 * - sample: every channel width = smartRound(randint(lo, hi), 8) (Python
 *   round-half-even, so e.g. 20→16, 28→32, 36→32, 44→48), E, K, L uniform,
 *   exactly 4 of the 7 stages (a uniform 4-subset) get stride 2,
 *   R = smartRound(randint(192, 320), 32); the whole draw is rejected and
 *   repeated until the reference-counted FLOPs ≤ `flopsLimit`.
 * - mutate: repeat { pick stage j uniformly; redraw (E, K) until the pair
 *   differs; redraw B_j and L_j; redraw the stage's INPUT width (the stem's or
 *   the previous stage's output) from its range; redraw R } until FLOPs ≤
 *   limit. Strides, stage-7 output and head width never change (reference
 *   behaviour). The result always differs from the parent ((E,K) changes).
 * - RL decisions (42 categoricals): c0..c8, B1..B7 (values lo..hi step 8),
 *   L1..L7, E1..E7, K1..K7, four stride slots over the 7 stages (must be
 *   distinct, else `fromDecisions` returns null), R (192..320 step 32).
 *   `fromDecisions` also returns null above the FLOPs limit. `toDecisions`
 *   lists stride-2 stages in ascending order; it throws INVALID_ARCH for an
 *   architecture outside the space.
 * - cost(): params and FLOPs by the reference counting rules (counting.ts);
 *   exact counts: `mbv2ExactCount`.
 * - hash = canonical string.
 */
import { ZsnasError } from '../../core/errors'
import { resolveOptions, type OptionSpec } from '../../core/options'
import type { Rng } from '../../core/rng'
import type { Decision, SearchSpace } from '../../core/space'
import {
  MBV2_B_RANGES, MBV2_C_RANGES, MBV2_DEFAULT_FLOPS_LIMIT, MBV2_E, MBV2_K, MBV2_L_CHOICES, MBV2_NUM_STAGES,
  MBV2_NUM_STRIDE2, MBV2_R_CHOICES, MBV2_R_RANGE, type Mbv2Arch, mbv2FromString, mbv2ToString, smartRound, spaceViolations,
} from './arch'
import { mbv2ReferenceCount } from './counting'
import { buildMbv2Network } from './network'

export interface Mbv2SpaceOptions {
  /** FLOPs limit by the reference counter (default 600e6; Infinity disables) */
  flopsLimit?: number
  /** classes assumed by the FLOPs limit's classifier term (default 1000, ImageNet) */
  limitNumClasses?: number
  /**
   * Input-resolution range [min, max] (multiples of 32 within 192..320; default
   * the paper's [192, 320]). Sampling and mutation draw
   * R = smartRound(randint(min, max), 32), which for the default range is the
   * reference distribution; RL decision vectors with R outside it are invalid.
   */
  resolutionRange?: [number, number]
}

const steps = ([lo, hi]: readonly [number, number]): number[] => {
  const out: number[] = []
  for (let v = lo; v <= hi; v += 8) out.push(v)
  return out
}
const C_VALUES = MBV2_C_RANGES.map(steps)
const B_VALUES = MBV2_B_RANGES.map(steps)
const STAGE_IDX = Array.from({ length: MBV2_NUM_STAGES }, (_, j) => j)

const DECISIONS: Decision[] = [
  ...C_VALUES.map((v, j) => ({ name: `c${j}`, options: v.length })),
  ...B_VALUES.map((v, j) => ({ name: `B${j + 1}`, options: v.length })),
  ...MBV2_L_CHOICES.map((v, j) => ({ name: `L${j + 1}`, options: v.length })),
  ...STAGE_IDX.map((j) => ({ name: `E${j + 1}`, options: MBV2_E.length })),
  ...STAGE_IDX.map((j) => ({ name: `K${j + 1}`, options: MBV2_K.length })),
  ...Array.from({ length: MBV2_NUM_STRIDE2 }, (_, i) => ({ name: `stride2_${i + 1}`, options: MBV2_NUM_STAGES })),
  { name: 'R', options: MBV2_R_CHOICES.length },
]

/** Reference-counted FLOPs of an architecture (what the limit applies to). */
export function mbv2Flops(a: Mbv2Arch, numClasses = 1000): number {
  return mbv2ReferenceCount(a, numClasses).flops
}

/**
 * FLOPs (reference counter) of the cheapest architecture of the space at resolution R: every width,
 * bottleneck and depth at its smallest, E = 1, K = 3, the four stride-2 stages first (downsampling
 * earlier only shrinks later feature maps). A FLOPs limit below this admits no architecture.
 */
export function mbv2MinFlops(resolution: number = MBV2_R_RANGE[0], numClasses = 1000): number {
  const c = MBV2_C_RANGES.map((r) => smartRound(r[0], 8))
  const a: Mbv2Arch = {
    stem: c[0],
    stages: STAGE_IDX.map((j) => ({ e: 1, k: 3, s: j < MBV2_NUM_STRIDE2 ? 2 : 1, l: Math.min(...MBV2_L_CHOICES[j]), c: c[j + 1], b: smartRound(MBV2_B_RANGES[j][0], 8) })),
    head: c[8],
    resolution,
  }
  return mbv2Flops(a, numClasses)
}

export function createMbv2Space(opts: Mbv2SpaceOptions = {}): SearchSpace<Mbv2Arch> {
  const limit = opts.flopsLimit ?? MBV2_DEFAULT_FLOPS_LIMIT
  const limitClasses = opts.limitNumClasses ?? 1000
  if (!(limit > 0)) throw new ZsnasError('INVALID_OPTION', `MobileNetV2 FLOPs limit must be positive, got ${limit}`)
  const rRange = checkResolutionRange(opts.resolutionRange ?? MBV2_R_RANGE)
  const cheapest = mbv2MinFlops(rRange[0], limitClasses)
  if (limit < cheapest) {
    throw new ZsnasError(
      'INVALID_OPTION',
      `MobileNetV2 FLOPs limit ${limit >= 1e5 ? `${+(limit / 1e6).toFixed(3)} M (${limit} multiply-adds)` : `${limit} multiply-adds`} is below the cheapest architecture of the space at R=${rRange[0]} (${(cheapest / 1e6).toFixed(1)} M): no architecture fits; the paper uses 600 M`,
      { flopsLimit: limit, minimum: cheapest },
    )
  }
  const within = (a: Mbv2Arch): boolean =>
    a.resolution >= rRange[0] && a.resolution <= rRange[1] && mbv2Flops(a, limitClasses) <= limit
  const drawC = (rng: Rng, idx: number): number => smartRound(rng.intBetween(...MBV2_C_RANGES[idx]), 8)
  const drawR = (rng: Rng): number => smartRound(rng.intBetween(...rRange), 32)

  function sample(rng: Rng): Mbv2Arch {
    for (let attempt = 0; attempt < 100_000; attempt++) {
      const c = MBV2_C_RANGES.map((_, i) => drawC(rng, i))
      const b = MBV2_B_RANGES.map((r) => smartRound(rng.intBetween(...r), 8))
      const l = MBV2_L_CHOICES.map((ch) => rng.choice(ch))
      const e = STAGE_IDX.map(() => rng.choice(MBV2_E))
      const k = STAGE_IDX.map(() => rng.choice(MBV2_K))
      const s2 = new Set(rng.sample(STAGE_IDX, MBV2_NUM_STRIDE2))
      const a: Mbv2Arch = {
        stem: c[0],
        stages: STAGE_IDX.map((j) => ({ e: e[j], k: k[j], s: s2.has(j) ? 2 : 1, l: l[j], c: c[j + 1], b: b[j] })),
        head: c[8],
        resolution: drawR(rng),
      }
      if (within(a)) return a
    }
    throw new ZsnasError('INVALID_OPTION', `no MobileNetV2 architecture under the FLOPs limit ${limit} found in 100000 draws`)
  }

  function mutate(p: Mbv2Arch, rng: Rng): Mbv2Arch {
    for (let attempt = 0; attempt < 100_000; attempt++) {
      const a: Mbv2Arch = { ...p, stages: p.stages.map((s) => ({ ...s })) }
      const j = rng.int(MBV2_NUM_STAGES)
      const st = a.stages[j]
      let e: number, k: number
      do {
        e = rng.choice(MBV2_E)
        k = rng.choice(MBV2_K)
      } while (e === st.e && k === st.k)
      st.e = e
      st.k = k
      st.b = smartRound(rng.intBetween(...MBV2_B_RANGES[j]), 8)
      st.l = rng.choice(MBV2_L_CHOICES[j])
      const inC = drawC(rng, j)
      if (j === 0) a.stem = inC
      else a.stages[j - 1].c = inC
      a.resolution = drawR(rng)
      if (within(a)) return a
    }
    throw new ZsnasError('INVALID_OPTION', `no mutation of ${mbv2ToString(p)} under the FLOPs limit ${limit} found`)
  }

  function toDecisions(a: Mbv2Arch): number[] {
    const v = spaceViolations(a)
    if (v.length) throw new ZsnasError('INVALID_ARCH', `MobileNetV2 architecture outside the search space: ${v.join('; ')}`)
    const cs = [a.stem, ...a.stages.map((s) => s.c), a.head]
    return [
      ...cs.map((c, i) => C_VALUES[i].indexOf(c)),
      ...a.stages.map((s, j) => B_VALUES[j].indexOf(s.b)),
      ...a.stages.map((s, j) => MBV2_L_CHOICES[j].indexOf(s.l)),
      ...a.stages.map((s) => (MBV2_E as readonly number[]).indexOf(s.e)),
      ...a.stages.map((s) => (MBV2_K as readonly number[]).indexOf(s.k)),
      ...STAGE_IDX.filter((j) => a.stages[j].s === 2),
      (MBV2_R_CHOICES as readonly number[]).indexOf(a.resolution),
    ]
  }

  function fromDecisions(ch: number[]): Mbv2Arch | null {
    if (ch.length !== DECISIONS.length) {
      throw new ZsnasError('INVALID_ARCH', `MobileNetV2 decision vector needs ${DECISIONS.length} entries, got ${ch.length}`)
    }
    ch.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= DECISIONS[i].options) {
        throw new ZsnasError('INVALID_ARCH', `MobileNetV2 decision ${DECISIONS[i].name}=${v} out of range 0..${DECISIONS[i].options - 1}`)
      }
    })
    let o = 0
    const c = C_VALUES.map((vals) => vals[ch[o++]])
    const b = B_VALUES.map((vals) => vals[ch[o++]])
    const l = MBV2_L_CHOICES.map((vals) => vals[ch[o++]])
    const e = STAGE_IDX.map(() => MBV2_E[ch[o++]])
    const k = STAGE_IDX.map(() => MBV2_K[ch[o++]])
    const s2 = ch.slice(o, o + MBV2_NUM_STRIDE2)
    o += MBV2_NUM_STRIDE2
    if (new Set(s2).size !== MBV2_NUM_STRIDE2) return null
    const a: Mbv2Arch = {
      stem: c[0],
      stages: STAGE_IDX.map((j) => ({ e: e[j], k: k[j], s: s2.includes(j) ? 2 : 1, l: l[j], c: c[j + 1], b: b[j] })),
      head: c[8],
      resolution: MBV2_R_CHOICES[ch[o]],
    }
    return within(a) ? a : null
  }

  return {
    id: 'mbv2',
    label: 'MobileNetV2 space',
    description: `Stem + 7 inverted-residual stages with SE (E, K, L, C, B per stage, exactly 4 stride-2 stages) + 1×1 head, resolution ${rRange[0]}–${rRange[1]}; FLOPs ≤ ${limit / 1e6} M (paper Table 1).`,
    sample,
    mutate,
    toString: mbv2ToString,
    fromString: mbv2FromString,
    hash: mbv2ToString,
    decisions: () => DECISIONS.map((d) => ({ ...d })),
    toDecisions,
    fromDecisions,
    size: () => null,
    buildNetwork: buildMbv2Network,
    cost: (a, o) => mbv2ReferenceCount(a, o.numClasses),
  }
}

/** Validates a resolution range: multiples of 32 inside the paper's 192..320, min ≤ max. */
function checkResolutionRange(r: readonly number[]): [number, number] {
  const [lo, hi] = r
  const ok = (v: number): boolean =>
    Number.isInteger(v) && v % 32 === 0 && v >= MBV2_R_RANGE[0] && v <= MBV2_R_RANGE[1]
  if (r.length !== 2 || !ok(lo) || !ok(hi) || lo > hi) {
    throw new ZsnasError(
      'INVALID_OPTION',
      `MobileNetV2 resolution range must be [min, max] with multiples of 32 in ${MBV2_R_RANGE[0]}..${MBV2_R_RANGE[1]} and min ≤ max, got [${r.join(', ')}]`,
    )
  }
  return [lo, hi]
}

/**
 * The MobileNetV2 space's user options, declared once (menus, CLI flags and
 * validation read these; defaults = the paper's Table 1 / reference search.py).
 * `minResolution`/`maxResolution` are one paired range (min ≤ max).
 */
export const MBV2_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'flopsLimit',
    label: 'FLOPs limit',
    description: 'maximum multiply-adds of a sampled/mutated architecture (reference counter, 1000 classes); the paper uses 600 M',
    type: 'number',
    default: MBV2_DEFAULT_FLOPS_LIMIT,
    // the cheapest architecture at the smallest resolution: a lower limit admits nothing (typing 300 meaning 300 M is refused here)
    min: Math.ceil(mbv2MinFlops()),
    displayUnit: { label: 'M', factor: 1e6 },
  },
  {
    key: 'minResolution',
    label: 'Min resolution',
    description: `smallest input resolution R (multiple of 32, paper range ${MBV2_R_RANGE[0]}–${MBV2_R_RANGE[1]})`,
    type: 'int',
    default: MBV2_R_RANGE[0],
    min: MBV2_R_RANGE[0],
    max: MBV2_R_RANGE[1],
    multipleOf: 32,
  },
  {
    key: 'maxResolution',
    label: 'Max resolution',
    description: `largest input resolution R (multiple of 32, paper range ${MBV2_R_RANGE[0]}–${MBV2_R_RANGE[1]})`,
    type: 'int',
    default: MBV2_R_RANGE[1],
    min: MBV2_R_RANGE[0],
    max: MBV2_R_RANGE[1],
    multipleOf: 32,
  },
]

/** The space for a (menu/CLI/run-config) option bag validated against `MBV2_OPTIONS` (INVALID_OPTION otherwise). */
export function mbv2SpaceFromOptions(raw: unknown): SearchSpace<Mbv2Arch> {
  const o = resolveOptions(MBV2_OPTIONS, raw, 'mbv2 space')
  return createMbv2Space({
    flopsLimit: o.flopsLimit as number,
    resolutionRange: [o.minResolution as number, o.maxResolution as number],
  })
}

export const mbv2Space = createMbv2Space()
