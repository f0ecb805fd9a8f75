import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { DatasetSpec } from '../engine/core/data'
import type { InitScheme } from '../engine/core/network'
import { ZsnasError } from '../engine/core/errors'
import { BATCH_SIZE_OPTION, INIT_OPTION, MODE_OPTION } from '../engine/score/request-spec'
import { optionProblem, type OptionSpec } from '../engine/core/options'
import { NOISE_CLASSES_OPTION, NOISE_IMAGE_SIZE_OPTION } from '../engine/data/noise'
import type { ProxyMode } from '../engine/proxies/types'

/** Misuse of the command line (unknown flag, missing value, bad number): exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CliUsageError'
  }
}

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * `--batch -1` → `--batch=-1` for string-valued flags, so a negative number
 * reaches the flag's own range check ("--batch must be an integer in 2..4096,
 * got '-1'") instead of parseArgs' "argument is ambiguous".
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null
    const next = argv[i + 1]
    if (name !== null && Object.hasOwn(options, name) && options[name].type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`)
      i++
    } else out.push(a)
  }
  return out
}

/** node:util parseArgs, strict, with its errors turned into one-line CliUsageErrors. */
export function parseFlags<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: false })
  } catch (e) {
    throw new CliUsageError(`${command}: ${(e as Error).message.split('\n')[0]} (see 'zsnas help ${command}')`)
  }
}

/** Integer flag within [min, max]. */
export function intFlag(value: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (value === undefined) return dflt
  const v = Number(value)
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new CliUsageError(`--${name} must be an integer in ${min}..${max}, got '${value}'`)
  }
  return v
}

/** An integer flag whose default and bounds come from the `OptionSpec` that declares them. */
function specIntFlag(value: string | undefined, name: string, spec: OptionSpec): number {
  return intFlag(value, name, spec.default as number, spec.min ?? Number.MIN_SAFE_INTEGER, spec.max ?? Number.MAX_SAFE_INTEGER)
}

/** `--batch N`: the scoring batch size, default and bounds from the engine's request spec (`BATCH_SIZE_OPTION`). */
export function batchFlag(value: string | undefined): number {
  return specIntFlag(value, 'batch', BATCH_SIZE_OPTION)
}

/** Usage text of `--batch` (the same declaration). */
export const BATCH_USAGE = `minibatch size, ${BATCH_SIZE_OPTION.min}..${BATCH_SIZE_OPTION.max} (default ${String(BATCH_SIZE_OPTION.default)})`

/** Comma-separated list, trimmed, non-empty. */
export function listFlag(value: string | undefined, name: string, dflt: string[]): string[] {
  if (value === undefined) return dflt
  const xs = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  if (xs.length === 0) throw new CliUsageError(`--${name} needs at least one value`)
  return xs
}

/** `--<name> V` for an enum option of the request spec: the declared choices, the declared default when absent. */
function enumFlag<T>(value: string | undefined, name: string, spec: OptionSpec): T {
  if (value === undefined) return spec.default as T
  const p = optionProblem(spec, value)
  if (p !== undefined) throw new CliUsageError(`--${name} ${p}`)
  return value as T
}

/** `--init SCHEME`: choices and default from the engine request spec (`INIT_OPTION`). */
export function initFlag(value: string | undefined): InitScheme {
  return enumFlag<InitScheme>(value, 'init', INIT_OPTION)
}

/** `--mode MODE`: choices and default from the engine request spec (`MODE_OPTION`). */
export function modeFlag(value: string | undefined): ProxyMode {
  return enumFlag<ProxyMode>(value, 'mode', MODE_OPTION)
}

/** Usage text of an enum request option: its choices and default. */
export const enumUsage = (spec: OptionSpec): string =>
  `${(spec.choices ?? []).map((c) => String(c.value)).join(' | ')} (default ${String(spec.default)})`
export const INIT_USAGE = enumUsage(INIT_OPTION)
export const MODE_USAGE = enumUsage(MODE_OPTION)

/**
 * Dataset flag:
 *   noise[:SIZE[:CLASSES]]      Gaussian noise (defaults and bounds: NOISE_OPTIONS, src/engine/data/noise.ts)
 *   cifar10:PATH | cifar100:PATH | imagenet16:PATH
 */
export function datasetFlag(value: string | undefined): DatasetSpec {
  const v = value ?? 'noise'
  const colon = v.indexOf(':')
  const kind = colon < 0 ? v : v.slice(0, colon)
  const rest = colon < 0 ? '' : v.slice(colon + 1)
  switch (kind) {
    case 'noise': {
      const [size, classes] = rest === '' ? [] : rest.split(':')
      return {
        kind: 'noise',
        imageSize: specIntFlag(size, 'dataset noise size', NOISE_IMAGE_SIZE_OPTION),
        numClasses: specIntFlag(classes, 'dataset noise classes', NOISE_CLASSES_OPTION),
      }
    }
    case 'cifar10':
    case 'cifar100':
    case 'imagenet16':
      if (rest === '') throw new CliUsageError(`--dataset ${kind} needs a path: --dataset ${kind}:PATH`)
      return { kind, path: rest }
    default:
      throw new ZsnasError(
        'INVALID_OPTION',
        `--dataset '${v}' is not understood; expected noise[:SIZE[:CLASSES]], cifar10:PATH, cifar100:PATH or imagenet16:PATH`,
      )
  }
}
