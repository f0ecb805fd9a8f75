import { ZsnasError } from '../../core/errors'
import { NB201_NUM_CELLS, nb201FromString, nb201ToString, type Nb201Arch } from './arch'

/**
 * The official NAS-Bench-201 / NATS-Bench-tss benchmark index (0..15624).
 *
 * The official order is not a rule over the op indices (see arch.ts), so the
 * mapping is taken from a benchmark table whose row i is index i — the shared
 * CSV (`nats_bench_tss_test_acc.csv`) or any `GroundTruth.keys()` of a table
 * loaded in benchmark order. Construction validates that the list holds all
 * 15,625 distinct canonical cells; nothing is bundled.
 */
export class Nb201BenchmarkIndex {
  private readonly byString = new Map<string, number>()
  private readonly strings: string[]

  /** @param orderedArchStrings arch strings, element i = benchmark index i */
  constructor(orderedArchStrings: readonly string[]) {
    if (orderedArchStrings.length !== NB201_NUM_CELLS) {
      throw new ZsnasError(
        'BAD_FORMAT',
        `NB201 benchmark index needs ${NB201_NUM_CELLS} arch strings in benchmark order, got ${orderedArchStrings.length}`,
      )
    }
    this.strings = orderedArchStrings.map((s, i) => {
      let canon: string
      try {
        canon = nb201ToString(nb201FromString(s))
      } catch (e) {
        throw new ZsnasError('BAD_FORMAT', `NB201 benchmark row ${i}: ${(e as Error).message}`)
      }
      if (this.byString.has(canon)) {
        throw new ZsnasError('DUPLICATE_ROW', `NB201 benchmark rows ${this.byString.get(canon)} and ${i} are both ${canon}`)
      }
      this.byString.set(canon, i)
      return canon
    })
  }

  /** Benchmark index of an architecture (op indices or arch string). */
  indexOf(a: Nb201Arch | string): number {
    const s = typeof a === 'string' ? nb201ToString(nb201FromString(a)) : nb201ToString(a)
    const i = this.byString.get(s)
    if (i === undefined) throw new ZsnasError('INTERNAL', `NB201 benchmark index has no row for ${s}`)
    return i
  }

  /** Architecture at a benchmark index. */
  archAt(index: number): Nb201Arch {
    return nb201FromString(this.stringAt(index))
  }

  /** Canonical arch string at a benchmark index. */
  stringAt(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= NB201_NUM_CELLS) {
      throw new ZsnasError('INVALID_ARCH', `NB201 benchmark index must be an integer in 0..${NB201_NUM_CELLS - 1}, got ${index}`)
    }
    return this.strings[index]
  }
}
