import type { SearchSpace } from '../core/space'
import { getSpace } from '../spaces/registry'

/** Space lookup for the scoring pipeline: the project registry (`NOT_FOUND` for unknown ids). */
export function resolveSpace(id: string): SearchSpace<unknown> {
  return getSpace(id)
}
