import { getSpaceDef, createSpace, listSpaceDefs } from '../engine/spaces/registry'
import type { SearchSpace } from '../engine/core/space'
import { CliUsageError } from './args'

/**
 * The search space for `zsnas search`'s space flags, built by the space
 * registry from an option bag (defaults, bounds and messages are the space's
 * declaration, `SpaceDef.options`; nothing is restated here):
 *   --flops-limit F     MobileNetV2 `flopsLimit` in millions (F·1e6)
 *   --resolutions A-B   MobileNetV2 `minResolution`/`maxResolution`
 *   --pool PATH         NB101 `pool`
 * A flag whose option the space does not declare is a CliUsageError naming
 * the spaces that have it; a bad value is the space's INVALID_OPTION message.
 * Returns the space and the option bag (for run manifests).
 */
export function spaceFromFlags(
  spaceId: string,
  flags: { flopsLimit?: string; resolutions?: string; pool?: string },
): { space: SearchSpace<unknown>; options: Record<string, unknown> } {
  const def = getSpaceDef(spaceId)
  const declared = new Set(def.options.map((o) => o.key))
  const options: Record<string, unknown> = {}
  const need = (flag: string, key: string) => {
    if (declared.has(key)) return
    const owners = listSpaceDefs().filter((d) => d.options.some((o) => o.key === key)).map((d) => d.id)
    throw new CliUsageError(`--${flag} only applies to --space ${owners.join(' or ')} (option '${key}'), not ${spaceId}`)
  }
  if (flags.flopsLimit !== undefined) {
    need('flops-limit', 'flopsLimit')
    const m = Number(flags.flopsLimit)
    if (flags.flopsLimit.trim() === '' || !Number.isFinite(m)) throw new CliUsageError(`--flops-limit must be a number of millions of FLOPs, got '${flags.flopsLimit}'`)
    options.flopsLimit = m * 1e6
  }
  if (flags.resolutions !== undefined) {
    need('resolutions', 'minResolution')
    const r = /^(\d+)-(\d+)$/.exec(flags.resolutions.trim())
    if (!r) throw new CliUsageError(`--resolutions must look like 192-320, got '${flags.resolutions}'`)
    options.minResolution = Number(r[1])
    options.maxResolution = Number(r[2])
  }
  if (flags.pool !== undefined) {
    need('pool', 'pool')
    options.pool = flags.pool
  }
  return { space: createSpace(spaceId, options), options }
}
