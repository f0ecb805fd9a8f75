import type { SearchSpace } from '../core/space'
import { ZsnasError } from '../core/errors'
import { nb201Space } from '../spaces/nb201'

/**
 * Space lookup for the scoring pipeline.
 * NOTE: the project-wide space registry (`src/engine/spaces/registry.ts`,
 * `getSpace(id)`) is owned by another developer and did not exist when this
 * was written; until it does, scoring knows NB201 directly. Switch this file
 * to re-export `getSpace` once the registry lands.
 */
const SPACES: Record<string, SearchSpace<unknown>> = {
  nb201: nb201Space as SearchSpace<unknown>,
}

export function resolveSpace(id: string): SearchSpace<unknown> {
  const s = SPACES[id]
  if (!s) throw new ZsnasError('INVALID_OPTION', `unknown search space '${id}'; expected one of ${Object.keys(SPACES).join(', ')}`)
  return s
}
