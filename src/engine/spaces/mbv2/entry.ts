/** The MobileNetV2 space as a registered space: options `MBV2_OPTIONS`, the paper's protocol `MBV2_PROTOCOL`; no tabular benchmark. */
import type { SearchSpace, SpaceDef } from '../../core/space'
import { MBV2_OPTIONS, mbv2Space, mbv2SpaceFromOptions } from './space'
import { MBV2_PROTOCOL } from './protocol'

export const mbv2Entry: SpaceDef = {
  id: mbv2Space.id,
  label: mbv2Space.label,
  description: mbv2Space.description,
  options: MBV2_OPTIONS,
  create: (options) => mbv2SpaceFromOptions(options) as SearchSpace<unknown>,
  protocol: MBV2_PROTOCOL,
}
