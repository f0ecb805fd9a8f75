/**
 * Registry of search spaces (menus, the CLI and the app read it).
 * Adding a space = one `entry.ts` exporting a `SpaceDef` + one line in `SPACES`.
 * Each entry declares its options (defaults, bounds) and its ground-truth
 * loader once; nothing else keeps a copy.
 * `getSpaceDef`/`getSpace`/`createSpace` throw NOT_FOUND naming the known ids.
 */
import { ZsnasError } from '../core/errors'
import type { GroundTruth } from '../core/data'
import type { OptionSpec } from '../core/options'
import type { GroundTruthLoadOptions, SearchSpace, SpaceDef } from '../core/space'
import { mbv2Entry } from './mbv2/entry'
import { nb101Entry } from './nb101/entry'
import { nb201Entry } from './nb201/entry'

export interface SpaceInfo {
  id: string
  label: string
  description: string
  /** number of architectures, or null when not enumerable */
  size: number | null
  options: readonly OptionSpec[]
  /** the space has a tabular benchmark (`loadGroundTruth`) */
  hasGroundTruth: boolean
  groundTruthFormats?: string
}

const SPACES: readonly SpaceDef[] = [nb201Entry, nb101Entry, mbv2Entry]

/** Default-option instances, built once. */
const defaults = new Map<string, SearchSpace<unknown>>()

export function listSpaceDefs(): readonly SpaceDef[] {
  return SPACES
}

export function getSpaceDef(id: string): SpaceDef {
  const s = SPACES.find((x) => x.id === id)
  if (!s) {
    throw new ZsnasError('NOT_FOUND', `unknown search space '${id}'; expected one of ${SPACES.map((x) => x.id).join(', ')}`, { id })
  }
  return s
}

export function listSpaces(): SpaceInfo[] {
  return SPACES.map((d) => {
    const s = getSpace(d.id)
    return {
      id: d.id,
      label: d.label,
      description: s.description,
      size: s.size(),
      options: d.options,
      hasGroundTruth: d.loadGroundTruth !== undefined,
      groundTruthFormats: d.groundTruthFormats,
    }
  })
}

/** The space with its declared default options. */
export function getSpace(id: string): SearchSpace<unknown> {
  let s = defaults.get(id)
  if (s === undefined) {
    s = getSpaceDef(id).create({})
    defaults.set(id, s)
  }
  return s
}

/**
 * The space for a run's option bag (`spaceOptions`), validated against the
 * space's declaration: INVALID_OPTION for an undeclared key or a bad value,
 * NOT_FOUND for an unknown space. An empty/absent bag gives `getSpace(id)`.
 */
export function createSpace(id: string, options?: Record<string, unknown>): SearchSpace<unknown> {
  if (options === undefined || Object.keys(options).length === 0) return getSpace(id)
  return getSpaceDef(id).create(options)
}

/**
 * Opens the ground-truth table of space `id` (the space's own loader).
 * Throws INVALID_OPTION when the space has no tabular benchmark.
 */
export function loadGroundTruth(id: string, path: string, opts: GroundTruthLoadOptions = {}): GroundTruth {
  const d = getSpaceDef(id)
  if (!d.loadGroundTruth) {
    const with_ = SPACES.filter((x) => x.loadGroundTruth).map((x) => x.id)
    throw new ZsnasError('INVALID_OPTION', `search space '${id}' has no benchmark table; tables exist for ${with_.join(', ')}`, { id, path })
  }
  return d.loadGroundTruth(path, opts)
}
