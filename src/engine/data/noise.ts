import type { Rng } from '../core/rng'
import type { Batch, DatasetSource, SampleOptions } from '../core/data'
import { ZsnasError } from '../core/errors'
import { optionProblem, type OptionSpec } from '../core/options'
import { batchOutput, checkBatchSize } from './sampler'

/**
 * The noise dataset's options, declared once: `NoiseSource` validates with them, and the CLI
 * (`--dataset noise:SIZE:CLASSES`), the run-config/worker schema (`DatasetSpecSchema`) and the wizard read their
 * defaults and bounds from here. Image size ≤ 512: one batch of 64 noise images at 512 px is already 201 MB of
 * float32 input (a memory guard, not a science bound); whether a space can take a small image is the space's check.
 * Classes ≥ 2: with one class the cross-entropy is 0 for every input and every label-gradient proxy is undefined.
 */
export const NOISE_IMAGE_SIZE_OPTION: OptionSpec = {
  key: 'imageSize',
  label: 'Image size (pixels)',
  description: 'side of the square N(0, 1) noise images',
  type: 'int',
  default: 32,
  min: 1,
  max: 512,
}

export const NOISE_CLASSES_OPTION: OptionSpec = {
  key: 'numClasses',
  label: 'Number of classes',
  description: 'labels are drawn uniformly from this many classes',
  type: 'int',
  default: 10,
  min: 2,
  max: 100000,
}

export const NOISE_OPTIONS: readonly OptionSpec[] = [NOISE_IMAGE_SIZE_OPTION, NOISE_CLASSES_OPTION]

/**
 * Gaussian-noise input (the paper's noise variant, needs no files): every
 * pixel value is an independent N(0, 1) draw (already "normalised"), labels
 * are uniform over [0, numClasses). `augment` is ignored (noise is
 * augmentation-invariant in distribution). rng order: first the n labels
 * (`rng.int`), then four `rng.nextUint32()` words that seed a local sfc32
 * stream from which the pixel values are drawn in NHWC order by
 * `fillStandardNormal` (128-layer ziggurat, exact N(0,1)) — so the same rng
 * state gives a bit-identical batch and the caller's rng advances by a fixed
 * amount per label count.
 */
export class NoiseSource implements DatasetSource {
  readonly kind = 'noise'
  readonly label: string
  readonly count = Infinity
  readonly numClasses: number
  readonly imageSize: number
  readonly channels = 3

  constructor(imageSize: number, numClasses: number) {
    for (const [spec, value] of [[NOISE_IMAGE_SIZE_OPTION, imageSize], [NOISE_CLASSES_OPTION, numClasses]] as const) {
      const problem = optionProblem(spec, value)
      if (problem !== undefined) throw new ZsnasError('INVALID_OPTION', `noise dataset ${spec.key} ${problem}`, { [spec.key]: value })
    }
    this.imageSize = imageSize
    this.numClasses = numClasses
    this.label = `Gaussian noise N(0,1), ${imageSize}×${imageSize}, ${numClasses} classes`
  }

  sampleBatch(n: number, rng: Rng, opts: SampleOptions = {}): Batch {
    checkBatchSize(n, this.count, this.label)
    const s = this.imageSize
    const x = batchOutput(n, s * s * 3, opts.out)
    const labels = new Int32Array(n)
    for (let i = 0; i < n; i++) labels[i] = rng.int(this.numClasses)
    fillStandardNormal(x, rng)
    return { x, shape: [n, s, s, 3], labels, numClasses: this.numClasses }
  }
}

/**
 * The tables of a ziggurat for the half-normal density f(x) = exp(−x²/2),
 * x ≥ 0 (Marsaglia & Tsang 2000, "The ziggurat method for generating random
 * variables"), computed at module load. `layers` horizontal strips of equal
 * area `v`: strip 0 is the base rectangle [0, r]×[0, f(r)] plus the tail
 * x > r, treated as a rectangle of width x[0] = v / f(r); strip j ≥ 1 is
 * [0, x[j]]×[f(x[j]), f(x[j+1])] with x[1] = r, f(x[j+1]) = f(x[j]) + v / x[j]
 * and x[layers] = 0 (f = 1). r is found by bisection so that the top strip
 * closes exactly at f = 1; v = r·f(r) + ∫_r^∞ f.
 */
export interface ZigguratTables {
  layers: number
  r: number
  v: number
  /** strip right edges, length layers + 1 (x[0] = v/f(r), x[1] = r, x[layers] = 0) */
  x: Float64Array
  /** f(x[j]), length layers + 1 (f[layers] = 1) */
  f: Float64Array
}

/** ∫_r^∞ exp(−t²/2) dt for r ≥ 1, by the continued fraction of Mills' ratio (Laplace), evaluated backwards. */
function upperTail(r: number): number {
  let t = r
  for (let k = 400; k >= 1; k--) t = r + k / t
  return Math.exp(-0.5 * r * r) / t
}

export function zigguratTables(layers: number): ZigguratTables {
  const f = (x: number) => Math.exp(-0.5 * x * x)
  // closes(r) > 0 ⇔ the strips reach f = 1 before the top one ⇔ r is too small
  const closes = (r: number): number => {
    const v = r * f(r) + upperTail(r)
    let x = r
    for (let j = 1; j < layers - 1; j++) {
      const y = f(x) + v / x
      if (y >= 1) return 1
      x = Math.sqrt(-2 * Math.log(y))
    }
    return f(x) + v / x - 1
  }
  let lo = 1, hi = 10
  for (let it = 0; it < 200 && hi - lo > 0; it++) {
    const mid = 0.5 * (lo + hi)
    if (mid === lo || mid === hi) break
    if (closes(mid) > 0) lo = mid
    else hi = mid
  }
  const r = 0.5 * (lo + hi)
  const v = r * f(r) + upperTail(r)
  const x = new Float64Array(layers + 1)
  const fx = new Float64Array(layers + 1)
  x[0] = v / f(r)
  x[1] = r
  for (let j = 1; j < layers - 1; j++) x[j + 1] = Math.sqrt(-2 * Math.log(f(x[j]) + v / x[j]))
  x[layers] = 0
  for (let j = 0; j <= layers; j++) fx[j] = f(x[j])
  fx[layers] = 1
  return { layers, r, v, x, f: fx }
}

/** The 128-strip ziggurat used by `fillStandardNormal` (r ≈ 3.4426198558966, v ≈ 9.9125630353e-3). */
export const ZIGGURAT = zigguratTables(128)

const U24 = 16777216 // 2^24: the uniform of the fast path has 24 bits
// fast-path tables: accept u (24-bit integer) in strip j iff u < K[j] (⇒ u·x[j]/2^24 < x[j+1]);
// W[2j] = x[j]/2^24 and W[2j+1] = −x[j]/2^24 (the low bit of the strip byte is the sign)
const K = new Int32Array(128)
const W = new Float64Array(256)
for (let j = 0; j < 128; j++) {
  K[j] = Math.floor((ZIGGURAT.x[j + 1] / ZIGGURAT.x[j]) * U24)
  W[2 * j] = ZIGGURAT.x[j] / U24
  W[2 * j + 1] = -ZIGGURAT.x[j] / U24
}

/**
 * Fills `x` with independent N(0,1) values from an sfc32 stream seeded with
 * four words of `rng` (the same generator as `Rng`, inlined; 12 warm-up
 * steps). Deterministic: the same rng state gives bit-identical values, and
 * `rng` advances by exactly four words.
 *
 * Method: 128-strip ziggurat (Marsaglia & Tsang 2000), exact — a rejection
 * sampler whose accepted points are uniform under the density, so the output
 * is N(0,1) up to the resolution of the uniforms, with no approximation of
 * the density. Each attempt uses one 32-bit word: bits 0–7 choose the strip
 * (bits 1–7) and the sign (bit 0), bits 8–31 are a 24-bit uniform u, and the
 * candidate is u·x[j]/2^24 (no bit is used twice). ≈ 98.8 % of attempts are
 * accepted by the integer test u < K[j]; the rest go to `slowPath`, which
 * draws further 32-bit words from the same stream for the wedge test
 * (strips j ≥ 1) or Marsaglia's exponential tail method (strip 0, |x| > r).
 */
export function fillStandardNormal(x: Float32Array, rng: Rng): void {
  // sfc32 state as int32 bit patterns (the same bits as Rng's uint32 words; int32 keeps V8 on integer
  // registers); st[4] receives the word of a candidate the fast loop could not accept
  const st = new Int32Array(5)
  st[0] = rng.nextUint32() | 0
  st[1] = rng.nextUint32() | 0
  st[2] = rng.nextUint32() | 0
  st[3] = rng.nextUint32() | 0
  for (let k = 0; k < 12; k++) uniform(st)
  const n = x.length
  let i = 0
  while (i < n) {
    i = fastRun(x, i, st)
    if (i < n) {
      const z = slowPath(st, st[4])
      if (z === z) x[i++] = z // NaN = rejected: the next attempt takes the next word
    }
  }
}

/**
 * The ziggurat's fast path: writes accepted values to x[i], x[i+1], … until
 * the end of `x` or the first candidate that fails the integer test; then
 * stores the state (and that candidate's word in st[4]) and returns the
 * index it stopped at. Kept free of the rare path so V8 compiles a tight loop.
 */
function fastRun(x: Float32Array, i: number, st: Int32Array): number {
  let a = st[0], b = st[1], c = st[2], d = st[3], t = 0
  const n = x.length
  for (; i < n; i++) {
    t = (a + b + d) | 0; d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (((c << 21) | (c >>> 11)) + t) | 0
    const idx = t & 255
    const u = t >>> 8
    if (u >= K[idx >>> 1]) {
      st[4] = t
      break
    }
    x[i] = u * W[idx]
  }
  st[0] = a; st[1] = b; st[2] = c; st[3] = d
  return i
}

/** One step of the sfc32 state `s` (int32 words a, b, c, d); returns a uniform in (0, 1) with 32 bits. */
function uniform(s: Int32Array): number {
  const a = s[0], b = s[1], c = s[2], d = s[3]
  const t = (a + b + d) | 0
  s[3] = (d + 1) | 0; s[0] = b ^ (b >>> 9); s[1] = (c + (c << 3)) | 0; s[2] = (((c << 21) | (c >>> 11)) + t) | 0
  return ((t >>> 0) + 0.5) / 4294967296
}

/** The rare part of an attempt whose word `t` failed the fast test: a value, or NaN to reject. */
function slowPath(s: Int32Array, t: number): number {
  const idx = t & 255
  const u = t >>> 8
  const j = idx >>> 1
  const sign = idx & 1 ? -1 : 1
  const xj = u * (ZIGGURAT.x[j] / U24)
  if (j === 0) {
    if (xj < ZIGGURAT.r) return sign * xj // inside the base rectangle
    // tail x > r (Marsaglia 1964): e1 = −ln(U1)/r, e2 = −ln(U2); accept r + e1 when 2·e2 > e1²
    const r = ZIGGURAT.r
    for (;;) {
      const e1 = -Math.log(uniform(s)) / r
      const e2 = -Math.log(uniform(s))
      if (e2 + e2 > e1 * e1) return sign * (r + e1)
    }
  }
  // wedge of strip j: uniform height in [f(x[j]), f(x[j+1])], accept under the curve
  const fj = ZIGGURAT.f[j]
  if (fj + uniform(s) * (ZIGGURAT.f[j + 1] - fj) < Math.exp(-0.5 * xj * xj)) return sign * xj
  return NaN
}
