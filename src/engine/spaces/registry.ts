/**
 * Registry of search spaces (menus and the CLI list come from here).
 * Adding a space = one import + one entry in `SPACES`.
 * `getSpace` throws NOT_FOUND naming the known ids.
 */
import { ZsnasError } from '../core/errors'
import type { SearchSpace } from '../core/space'
import { mbv2Space } from './mbv2/space'
import { nb101Space } from './nb101/space'
import { nb201Space } from './nb201/index'

export interface SpaceInfo {
  id: string
  label: string
  description: string
  /** number of architectures, or null when not enumerable */
  size: number | null
}

const SPACES: readonly SearchSpace<unknown>[] = [
  nb201Space as SearchSpace<unknown>,
  nb101Space as SearchSpace<unknown>,
  mbv2Space as SearchSpace<unknown>,
]

export function listSpaces(): SpaceInfo[] {
  return SPACES.map((s) => ({ id: s.id, label: s.label, description: s.description, size: s.size() }))
}

export function getSpace(id: string): SearchSpace<unknown> {
  const s = SPACES.find((x) => x.id === id)
  if (!s) {
    throw new ZsnasError('NOT_FOUND', `unknown search space '${id}'; expected one of ${SPACES.map((x) => x.id).join(', ')}`, { id })
  }
  return s
}
