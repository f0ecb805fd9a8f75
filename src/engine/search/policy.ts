/**
 * The REINFORCE controller of the reference (`RL_NAS`, notes §4.2): no RNN,
 * one independent distribution per decision of the space —
 *   - categorical decisions: a softmax over `options` logits;
 *   - `bernoulli` decisions (NB101 edges): one logit l, P(1) = sigmoid(l).
 * Logits start at 1e-3·N(0,1). log π(a) = Σ_d log p_d(a_d), and
 * ∂ log π / ∂θ is (one-hot(a_d) − softmax(θ_d)) for categoricals and
 * (a_d − sigmoid(l_d)) for Bernoullis, computed in closed form (no autograd).
 *
 * `Adam` is PyTorch's Adam with default betas (0.9, 0.999), eps 1e-8 and no
 * weight decay: m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g²,
 * θ ← θ − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + eps).
 */
import type { Rng } from '../core/rng'
import type { Decision } from '../core/space'

export class FactorisedPolicy {
  /** logits per decision (length options, or 1 for a Bernoulli) */
  logits: number[][]

  constructor(readonly decisions: readonly Decision[], rng?: Rng) {
    this.logits = decisions.map((d) => {
      const n = d.bernoulli ? 1 : d.options
      return Array.from({ length: n }, () => (rng ? 1e-3 * rng.normal() : 0))
    })
  }

  probs(d: number): number[] {
    const l = this.logits[d]
    if (this.decisions[d].bernoulli) {
      const p1 = 1 / (1 + Math.exp(-l[0]))
      return [1 - p1, p1]
    }
    const mx = Math.max(...l)
    const e = l.map((x) => Math.exp(x - mx))
    const z = e.reduce((a, b) => a + b, 0)
    return e.map((x) => x / z)
  }

  /** Draws one choice per decision (inverse-CDF with one uniform each). */
  sample(rng: Rng): number[] {
    return this.decisions.map((_, d) => {
      const p = this.probs(d)
      const u = rng.next()
      let acc = 0
      for (let k = 0; k < p.length - 1; k++) {
        acc += p[k]
        if (u < acc) return k
      }
      return p.length - 1
    })
  }

  logProb(choices: readonly number[]): number {
    let s = 0
    choices.forEach((a, d) => (s += Math.log(this.probs(d)[a])))
    return s
  }

  /** ∂ log π(choices) / ∂ logits, same layout as `logits`. */
  gradLogProb(choices: readonly number[]): number[][] {
    return this.decisions.map((dec, d) => {
      const p = this.probs(d)
      if (dec.bernoulli) return [choices[d] - p[1]]
      return p.map((pk, k) => (k === choices[d] ? 1 : 0) - pk)
    })
  }
}

export interface AdamState {
  t: number
  m: number[][]
  v: number[][]
}

export class Adam {
  state: AdamState

  constructor(
    shape: readonly number[][],
    readonly lr = 1e-3,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {
    this.state = { t: 0, m: shape.map((r) => r.map(() => 0)), v: shape.map((r) => r.map(() => 0)) }
  }

  /** One minimisation step of `params` (in place) along gradient `g`. */
  step(params: number[][], g: readonly (readonly number[])[]): void {
    const s = this.state
    s.t++
    const bc1 = 1 - this.beta1 ** s.t
    const bc2 = 1 - this.beta2 ** s.t
    for (let i = 0; i < params.length; i++) {
      for (let j = 0; j < params[i].length; j++) {
        s.m[i][j] = this.beta1 * s.m[i][j] + (1 - this.beta1) * g[i][j]
        s.v[i][j] = this.beta2 * s.v[i][j] + (1 - this.beta2) * g[i][j] * g[i][j]
        params[i][j] -= (this.lr * (s.m[i][j] / bc1)) / (Math.sqrt(s.v[i][j] / bc2) + this.eps)
      }
    }
  }
}
