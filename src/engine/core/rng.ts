/**
 * Seedable pseudo-random generator (sfc32) with serialisable state.
 *
 * Contract: the same seed gives the same stream on every platform; `getState()`
 * returned by one generator and passed to `Rng.fromState` continues the exact
 * same stream (used by strategy checkpoints). Not cryptographic.
 */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  private spareNormal: number | null = null

  constructor(seed: number) {
    // splitmix32 expansion of the seed into four 32-bit words
    let s = seed >>> 0
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next()
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  static fromState(state: RngState): Rng {
    const r = new Rng(0)
    ;[r.a, r.b, r.c, r.d] = state.words
    r.spareNormal = state.spareNormal
    return r
  }

  getState(): RngState {
    return { words: [this.a, this.b, this.c, this.d], spareNormal: this.spareNormal }
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) >>> 0
    return t
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5
    const lo = this.nextUint32() >>> 6
    return (hi * 67108864 + lo) / 9007199254740992
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int needs a positive integer, got ${n}`)
    return Math.floor(this.next() * n)
  }

  /** Uniform integer in [lo, hi] (both inclusive), like Python's random.randint. */
  intBetween(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  /** Uniformly chosen element. */
  choice<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('Rng.choice on an empty list')
    return xs[this.int(xs.length)]
  }

  /** k distinct elements in random order (like Python's random.sample). */
  sample<T>(xs: readonly T[], k: number): T[] {
    if (k > xs.length) throw new RangeError(`cannot sample ${k} of ${xs.length}`)
    const pool = xs.slice()
    const out: T[] = []
    for (let i = 0; i < k; i++) {
      const j = i + this.int(pool.length - i)
      ;[pool[i], pool[j]] = [pool[j], pool[i]]
      out.push(pool[i])
    }
    return out
  }

  /** In-place Fisher–Yates shuffle; returns the array. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      ;[xs[i], xs[j]] = [xs[j], xs[i]]
    }
    return xs
  }

  /** Standard normal sample (Box–Muller, caches the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal
      this.spareNormal = null
      return v
    }
    let u = 0
    while (u === 0) u = this.next()
    const v = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spareNormal = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** A new independent generator derived from this one (advances this one). */
  fork(): Rng {
    return new Rng(this.nextUint32())
  }
}

export interface RngState {
  words: [number, number, number, number]
  spareNormal: number | null
}
