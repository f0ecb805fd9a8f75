/**
 * Small helper for network builders: registers `ParamSpec`s with PyTorch fan
 * conventions (see core/network.ts) under unique names, so a builder can
 * declare a layer and get back the parameter names its `forward` uses.
 * Throws INTERNAL on a duplicate name (a builder bug, never user input).
 */
import { ZsnasError } from '../core/errors'
import type { ParamSpec } from '../core/network'

export class ParamBook {
  readonly specs: ParamSpec[] = []
  private readonly names = new Set<string>()

  private add(p: ParamSpec): string {
    if (this.names.has(p.name)) throw new ZsnasError('INTERNAL', `duplicate parameter name ${p.name}`)
    this.names.add(p.name)
    this.specs.push(p)
    return p.name
  }

  /** Regular conv kernel [k,k,in,out]; optional bias. */
  conv(name: string, k: number, inC: number, outC: number, withBias = false): { w: string; b?: string } {
    const fanIn = inC * k * k
    const w = this.add({ name: `${name}.w`, kind: 'conv', shape: [k, k, inC, outC], fanIn, fanOut: outC * k * k })
    if (!withBias) return { w }
    const b = this.add({ name: `${name}.b`, kind: 'bias', shape: [outC], fanIn, fanOut: outC * k * k })
    return { w, b }
  }

  /** Depthwise kernel [k,k,C,1] (PyTorch fan_in = k·k, fan_out = C·k·k). */
  depthwise(name: string, k: number, c: number): string {
    return this.add({ name: `${name}.w`, kind: 'depthwise', shape: [k, k, c, 1], fanIn: k * k, fanOut: c * k * k })
  }

  /** BatchNorm affine parameters (γ, β) over `c` channels. */
  bn(name: string, c: number): { gamma: string; beta: string } {
    const gamma = this.add({ name: `${name}.gamma`, kind: 'bnGamma', shape: [c], fanIn: c, fanOut: c })
    const beta = this.add({ name: `${name}.beta`, kind: 'bnBeta', shape: [c], fanIn: c, fanOut: c })
    return { gamma, beta }
  }

  /** Dense layer [in,out] with bias. */
  linear(name: string, inC: number, outC: number): { w: string; b: string } {
    const w = this.add({ name: `${name}.w`, kind: 'linear', shape: [inC, outC], fanIn: inC, fanOut: outC })
    const b = this.add({ name: `${name}.b`, kind: 'bias', shape: [outC], fanIn: inC, fanOut: outC })
    return { w, b }
  }
}

/** Total number of scalars in a parameter list. */
export function countParams(specs: readonly ParamSpec[]): number {
  let n = 0
  for (const p of specs) n += p.shape.reduce((a, b) => a * b, 1)
  return n
}
