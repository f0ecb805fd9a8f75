/**
 * The first line of `zsnas search` on a space with a declared paper protocol
 * (SpaceDef.protocol): the arithmetic and text are the runtime-neutral
 * `src/shared/projection.ts` (the wizard's summary uses the same); this file
 * only supplies this machine's core count (os.availableParallelism()).
 */
import { availableParallelism } from 'node:os'
import type { SpaceProtocol } from '../engine/core/space'
import { projectionLine as sharedLine, type ProjectionRun as SharedRun } from '../shared/projection'

export type ProjectionRun = Omit<SharedRun, 'cores'> & {
  /** cores of this machine (default: os.availableParallelism()) */
  cores?: number
}

/** One line (no newline) describing the protocol and the projected wall time; says where the run departs from the protocol. */
export function projectionLine(spaceId: string, p: SpaceProtocol, run: ProjectionRun): string {
  return sharedLine(spaceId, p, { ...run, cores: run.cores ?? availableParallelism() })
}
