import type { Rng } from './rng'
import type { NetworkDef } from './network'
import type { OptionSpec } from './options'
import type { GroundTruth } from './data'

/** One factorised decision of an RL policy: a categorical over `options` choices. */
export interface Decision {
  name: string
  options: number
  /**
   * A binary decision the reference parameterises with ONE logit l and
   * P(choice 1) = sigmoid(l) (NB101 edges) instead of a 2-way softmax.
   * Only meaningful with `options === 2`; default false.
   */
  bernoulli?: boolean
}

export interface BuildOptions {
  numClasses: number
  /** input image size the data loader yields (MBv2 resizes internally to its R) */
  inputSize: number
}

/**
 * A search space. Contract:
 *  - `fromString(toString(a))` equals `a` (canonical form), `fromString` throws
 *    `ZsnasError('INVALID_ARCH')` with a message saying what is wrong;
 *  - `sample`/`mutate` use only `rng` and always return valid architectures
 *    (within the space's constraints, e.g. the MBv2 FLOPs limit);
 *  - `mutate` changes the architecture (never returns an equal one);
 *  - `hash` identifies architectures that the benchmark treats as the same row;
 *  - `fromDecisions(toDecisions(a))` equals `a`; `fromDecisions` returns null for
 *    a decision vector that does not make a valid architecture (RL resamples).
 */
export interface SearchSpace<A = unknown> {
  id: string
  label: string
  description: string
  sample(rng: Rng): A
  mutate(a: A, rng: Rng): A
  toString(a: A): string
  fromString(s: string): A
  hash(a: A): string
  decisions(): Decision[]
  toDecisions(a: A): number[]
  fromDecisions(choices: number[]): A | null
  /** number of architectures, or null when not enumerable */
  size(): number | null
  buildNetwork(a: A, opts: BuildOptions): NetworkDef
  /** exact parameter count and multiply-add count (FLOPs as in NB201 / the paper = MACs) */
  cost(a: A, opts: BuildOptions): { params: number; flops: number }
}

/** Options of `SpaceDef.loadGroundTruth`. */
export interface GroundTruthLoadOptions {
  /** folder for the table's index cache (app data folder); absent = no cache */
  cacheDir?: string
}

/**
 * A registered search space (one file per space + one registry entry):
 * everything the app, the CLI and the wizard need to know about it, declared
 * once — its user options (defaults, bounds), how to build it from an option
 * bag, and (NASLib-style) its own benchmark lookup.
 */
/**
 * A space's paper protocol: what `zsnas search` (and the wizard) use where
 * the user leaves a setting unset. Declared once, in the space's entry.
 */
export interface SpaceProtocol {
  /** where the protocol comes from, e.g. "paper §5.3" */
  source: string
  batchSize: number
  /** a proxy id or voting set (e.g. 'sjw') */
  proxy: string
  strategy: string
  /** options of `strategy` (its registry declaration validates them) */
  strategyOptions: Record<string, unknown>
  /** number of evaluations N */
  budget: number
  /**
   * seconds per architecture of one scoring process, measured at `batchSize`, and where;
   * `peakRssGB`: that process's peak resident memory (bounds how many run at once on a workstation)
   */
  measured?: { secondsPerArch: number; batchSize: number; where: string; peakRssGB?: number }
}

export interface SpaceDef {
  id: string
  label: string
  description: string
  /** every option `create` reads, with the paper's defaults and bounds */
  options: readonly OptionSpec[]
  /**
   * The space for an option bag (missing keys take the declared defaults).
   * Throws `ZsnasError('INVALID_OPTION')` for an undeclared key or a value
   * outside the declaration (same messages as `validateOptions`).
   */
  create(options?: Record<string, unknown>): SearchSpace<unknown>
  /**
   * Opens the space's ground-truth table (e.g. NB201's NATS-Bench CSV, NB101's
   * nasbench tfrecord). Absent when the space has no tabular benchmark.
   */
  loadGroundTruth?(path: string, opts?: GroundTruthLoadOptions): GroundTruth
  /** what `loadGroundTruth` reads, for messages and file pickers */
  groundTruthFormats?: string
  /** the paper's protocol for this space, where it differs from the global defaults (see SpaceProtocol) */
  protocol?: SpaceProtocol
}
