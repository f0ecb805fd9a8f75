/**
 * The scoring request's own options, declared once (type, default, bounds):
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

/** Bounds of the batch size as plain numbers (for zod schemas: `z.number().int().min(BATCH_SIZE_MIN).max(BATCH_SIZE_MAX)`). */
export const BATCH_SIZE_MIN = BATCH_SIZE_OPTION.min as number
export const BATCH_SIZE_MAX = BATCH_SIZE_OPTION.max as number
export const BATCH_SIZE_DEFAULT = BATCH_SIZE_OPTION.default as number

/** The request options `scoreArchitecture` checks with `validateOptions`. */
export const SCORE_REQUEST_OPTIONS: readonly OptionSpec[] = [BATCH_SIZE_OPTION, SEED_OPTION]
