/**
 * The scoring request's own options, declared once (type, default, bounds,
 * choices): batch size, seed, init scheme, proxy mode.
 * `scoreArchitecture` validates with them, and the CLI, the app's schemas,
 * the worker protocol and the wizard should read their bounds from here
 * instead of writing them again.
 *
 * batchSize ≥ 2: every correlation proxy needs two samples (a 1-sample
 * Pearson matrix is undefined) and batch-norm statistics need two as well.
 * 4096 is a memory guard, not a science bound. The default 64 is the paper's
 * (reference §1.5).
 */
import type { OptionSpec } from '../core/options'
import type { InitScheme } from '../core/network'
import type { ProxyMode } from '../proxies/types'

export const BATCH_SIZE_OPTION: OptionSpec = {
  key: 'batchSize',
  label: 'Batch size',
  description: 'images in the scoring minibatch (correlations and batch-norm statistics need at least 2)',
  type: 'int',
  default: 64,
  min: 2,
  max: 4096,
}

export const SEED_OPTION: OptionSpec = {
  key: 'seed',
  label: 'Seed',
  description: 'seed of batch sampling and weight initialisation',
  type: 'int',
  default: 0,
  min: 0,
  max: 0xffffffff,
}

/** Every init scheme with its menu label (a Record over `InitScheme`: a new scheme must be added here to compile). */
const INIT_LABELS: Record<InitScheme, string> = {
  pytorch: 'PyTorch default U(±1/√fan_in) (paper: NB201, MBv2)',
  nb101: 'NB101 reference init (paper: NB101)',
  kaimingNormal: 'Kaiming normal N(0, 2/fan_in)',
  xavierNormal: 'Xavier normal N(0, 2/(fan_in+fan_out))',
  normal: 'Standard normal N(0, 1)',
}

export const INIT_OPTION: OptionSpec = {
  key: 'init',
  label: 'Weight initialisation',
  description: 'initial weights of the scored network (the paper: PyTorch default; NB101 its reference init)',
  type: 'enum',
  default: 'pytorch',
  choices: Object.entries(INIT_LABELS).map(([value, label]) => ({ value, label })),
}

const MODE_LABELS: Record<ProxyMode, string> = {
  paper: 'paper: every ReLU pre-activation, as the paper defines responses',
  reference: "reference: what the published code hooked (in-place lastact post-activation; MBv2 SE ReLUs only)",
}

export const MODE_OPTION: OptionSpec = {
  key: 'mode',
  label: 'Proxy mode',
  description: "which ReLU responses the WRCor family reads: the paper's definition or the reference code's quirks",
  type: 'enum',
  default: 'paper',
  choices: Object.entries(MODE_LABELS).map(([value, label]) => ({ value, label })),
}

/** Bounds of the batch size as plain numbers (for zod schemas: `z.number().int().min(BATCH_SIZE_MIN).max(BATCH_SIZE_MAX)`). */
export const BATCH_SIZE_MIN = BATCH_SIZE_OPTION.min as number
export const BATCH_SIZE_MAX = BATCH_SIZE_OPTION.max as number
export const BATCH_SIZE_DEFAULT = BATCH_SIZE_OPTION.default as number

/** The request options `scoreArchitecture` checks with `validateOptions`. */
export const SCORE_REQUEST_OPTIONS: readonly OptionSpec[] = [BATCH_SIZE_OPTION, SEED_OPTION, INIT_OPTION, MODE_OPTION]
