/**
 * Weight initialisation schemes (reference-implementation §5.1/§5.2/§9.2.4,
 * paper Table 6), as the distribution of one parameter given its spec.
 *
 * | scheme        | conv / depthwise / linear weight          | bias                 | BN γ / β |
 * |---------------|-------------------------------------------|----------------------|----------|
 * | pytorch       | U(±1/√fanIn)  (kaiming_uniform, a=√5)     | U(±1/√fanIn)         | 1 / 0    |
 * | kaimingNormal | N(0, 2/fanIn)                             | U(±1/√fanIn) (kept)  | 1 / 0    |
 * | xavierNormal  | N(0, 2/(fanIn+fanOut))                    | U(±1/√fanIn) (kept)  | 1 / 0    |
 * | normal        | N(0, 1)                                   | U(±1/√fanIn) (kept)  | 1 / 0    |
 * | nb101         | conv N(0, 2/fanOut), fanOut = k²·C_out; linear N(0, 0.01²) | 0   | 1 / 0    |
 *
 * "kept": the reference re-initialises only conv/linear weights for the
 * Table-6 schemes (`--init_b_type none`), so biases keep PyTorch's default.
 * Depthwise fans are PyTorch's (fanIn = k·k), as given by the ParamSpec.
 */
import type { InitScheme, ParamSpec } from '../core/network'
import { ZsnasError } from '../core/errors'

export type Distribution =
  | { kind: 'const'; value: number }
  | { kind: 'uniform'; limit: number }
  | { kind: 'normal'; std: number }

export const INIT_SCHEMES: readonly InitScheme[] = ['pytorch', 'kaimingNormal', 'xavierNormal', 'normal', 'nb101']

function fan(spec: ParamSpec, which: 'fanIn' | 'fanOut'): number {
  const v = spec[which]
  if (!(Number.isFinite(v) && v > 0)) {
    throw new ZsnasError('BAD_SHAPE', `parameter '${spec.name}' has ${which}=${v}; expected a positive number`)
  }
  return v
}

/** The distribution `scheme` assigns to the parameter `spec`. */
export function initDistribution(spec: ParamSpec, scheme: InitScheme): Distribution {
  if (!INIT_SCHEMES.includes(scheme)) {
    throw new ZsnasError('INVALID_OPTION', `unknown init scheme '${String(scheme)}'; expected one of ${INIT_SCHEMES.join(', ')}`)
  }
  switch (spec.kind) {
    case 'bnGamma':
      return { kind: 'const', value: 1 }
    case 'bnBeta':
      return { kind: 'const', value: 0 }
    case 'bias':
      return scheme === 'nb101' ? { kind: 'const', value: 0 } : { kind: 'uniform', limit: 1 / Math.sqrt(fan(spec, 'fanIn')) }
    case 'conv':
    case 'depthwise':
    case 'linear': {
      switch (scheme) {
        case 'pytorch':
          return { kind: 'uniform', limit: 1 / Math.sqrt(fan(spec, 'fanIn')) }
        case 'kaimingNormal':
          return { kind: 'normal', std: Math.sqrt(2 / fan(spec, 'fanIn')) }
        case 'xavierNormal':
          return { kind: 'normal', std: Math.sqrt(2 / (fan(spec, 'fanIn') + fan(spec, 'fanOut'))) }
        case 'normal':
          return { kind: 'normal', std: 1 }
        case 'nb101':
          return spec.kind === 'linear' ? { kind: 'normal', std: 0.01 } : { kind: 'normal', std: Math.sqrt(2 / fan(spec, 'fanOut')) }
      }
      break
    }
    default:
      break
  }
  throw new ZsnasError('BAD_VALUE', `parameter '${spec.name}' has unknown kind '${String(spec.kind)}'`)
}
