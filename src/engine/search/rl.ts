/**
 * REINFORCE (reference `RL_NAS`, notes §4.2).
 *
 * 1. Warm-up: `warmup` (default 100) architectures from the space's random
 *    sampler are evaluated (phase 'warmup', up to `max` per ask; not counted
 *    in N, never "best"). For each member proxy k: μ_k, σ_k (population std)
 *    over the warm-up runs whose member scores are all finite.
 * 2. Then N times, one candidate per ask: sample a decision vector from the
 *    factorised policy, rejecting and resampling vectors the space cannot turn
 *    into a valid architecture (`fromDecisions` = null: invalid NB101 cell,
 *    MBv2 duplicate stride slots or FLOPs over the limit — for MBv2 this equals
 *    the reference's "resample strides until distinct, resample all until under
 *    the limit", because the factorised policy makes strides independent of the
 *    rest). Reward r = Σ_k (m_k − μ_k)/σ_k. If r is NaN/±∞ nothing is updated.
 *    Otherwise the bias-corrected EMA baseline is updated FIRST
 *    (num ← β·num + (1−β)·r, den ← β·den + (1−β), b = num/den), the advantage
 *    is A = r − b, the loss −log π(a)·A gets one Adam step (lr 0.001).
 * Best over the N search evaluations by the comparator (ties → newer).
 *
 * Options: warmup (default 100, ≥ 2), lr (0.001), emaMomentum (0.9).
 */
import { resolveOptions, type OptionSpec } from '../core/options'
import { ZsnasError } from '../core/errors'
import { StrategyBase, decodeNum, encodeNum } from './base'
import { Adam, FactorisedPolicy } from './policy'
import type { Candidate, StrategyConfig } from './types'

/** REINFORCE defaults of the paper's code (reference notes §4.2). */
export const RL_DEFAULTS = { warmup: 100, lr: 0.001, emaMomentum: 0.9 } as const

export const RL_OPTIONS: readonly OptionSpec[] = [
  { key: 'warmup', label: 'Warm-up samples', description: 'random samples for reward normalisation (not counted in N)', type: 'int', default: RL_DEFAULTS.warmup, min: 2 },
  { key: 'lr', label: 'Learning rate', description: 'Adam learning rate of the policy', type: 'number', default: RL_DEFAULTS.lr, min: 0 },
  { key: 'emaMomentum', label: 'Baseline momentum', description: 'EMA momentum of the reward baseline (< 1)', type: 'number', default: RL_DEFAULTS.emaMomentum, min: 0, max: 1 },
]

export class Reinforce extends StrategyBase {
  readonly id = 'rl'
  private readonly warmup: number
  private readonly momentum: number
  private readonly policy: FactorisedPolicy
  private readonly adam: Adam
  private warmupScores: number[][] = []
  private mu: number[] | null = null
  private sigma: number[] | null = null
  private emaNum = 0
  private emaDen = 0
  /** decision vector of each outstanding search candidate, by id */
  private choices = new Map<number, number[]>()
  private rewards: number[] = []

  constructor(cfg: StrategyConfig) {
    super(cfg)
    const o = resolveOptions(RL_OPTIONS, cfg.options, 'rl strategy')
    this.warmup = o.warmup as number
    const lr = o.lr as number
    this.momentum = o.emaMomentum as number
    if (this.momentum >= 1) throw new ZsnasError('INVALID_OPTION', `RL option emaMomentum must be < 1, got ${this.momentum}`)
    this.policy = new FactorisedPolicy(cfg.space.decisions(), this.rng)
    this.adam = new Adam(this.policy.logits, lr)
  }

  protected propose(max: number): Candidate[] {
    if (this.nextId < this.warmup) {
      const n = Math.min(max, this.warmup - this.nextId)
      const out: Candidate[] = []
      for (let i = 0; i < n; i++) out.push(this.newCandidate(this.space.sample(this.rng), 'warmup'))
      return out
    }
    for (let attempt = 0; attempt < 1_000_000; attempt++) {
      const ch = this.policy.sample(this.rng)
      const a = this.space.fromDecisions(ch)
      if (a !== null) {
        const c = this.newCandidate(a)
        this.choices.set(c.id, ch)
        return [c]
      }
    }
    throw new ZsnasError('INTERNAL', 'RL policy produced no valid architecture in 1,000,000 draws')
  }

  protected absorb(c: Candidate, scores: number[]): void {
    if (c.phase === 'warmup') {
      this.warmupScores.push(scores)
      if (this.warmupScores.length === this.warmup) this.computeNormalisation()
      return
    }
    const ch = this.choices.get(c.id)
    this.choices.delete(c.id)
    if (!ch || !this.mu || !this.sigma) throw new ZsnasError('INTERNAL', `RL got a result for unknown candidate ${c.id}`)
    if (scores.length !== this.mu.length) {
      throw new ZsnasError('INVALID_OPTION', `RL candidate ${c.id} has ${scores.length} scores, warm-up had ${this.mu.length}`)
    }
    let r = 0
    for (let k = 0; k < scores.length; k++) r += (scores[k] - this.mu[k]) / this.sigma[k]
    this.rewards.push(r)
    if (!Number.isFinite(r)) return
    this.emaNum = this.momentum * this.emaNum + (1 - this.momentum) * r
    this.emaDen = this.momentum * this.emaDen + (1 - this.momentum)
    const adv = r - this.emaNum / this.emaDen
    const g = this.policy.gradLogProb(ch)
    // loss = −log π · A  ⇒  ∂loss/∂θ = −A · ∂log π/∂θ
    this.adam.step(this.policy.logits, g.map((row) => row.map((x) => -adv * x)))
  }

  private computeNormalisation(): void {
    const m = this.warmupScores[0].length
    const ok = this.warmupScores.filter((s) => s.length === m && s.every(Number.isFinite))
    this.mu = new Array<number>(m).fill(0)
    this.sigma = new Array<number>(m).fill(0)
    if (ok.length === 0) {
      this.mu.fill(NaN)
      this.sigma.fill(NaN)
      return
    }
    for (let k = 0; k < m; k++) {
      const mean = ok.reduce((a, s) => a + s[k], 0) / ok.length
      this.mu[k] = mean
      this.sigma[k] = Math.sqrt(ok.reduce((a, s) => a + (s[k] - mean) ** 2, 0) / ok.length)
    }
  }

  /** Normalisation statistics after the warm-up (null before). */
  normalisation(): { mu: number[]; sigma: number[] } | null {
    return this.mu && this.sigma ? { mu: this.mu.slice(), sigma: this.sigma.slice() } : null
  }

  /** Current policy probabilities per decision (for inspection/UI). */
  policyProbs(): number[][] {
    return this.policy.decisions.map((_, d) => this.policy.probs(d))
  }

  protected saveData(): Record<string, unknown> {
    return {
      logits: this.policy.logits,
      adam: this.adam.state,
      warmupScores: this.warmupScores.map((s) => s.map(encodeNum)),
      mu: this.mu?.map(encodeNum) ?? null,
      sigma: this.sigma?.map(encodeNum) ?? null,
      emaNum: this.emaNum,
      emaDen: this.emaDen,
      choices: [...this.choices.entries()],
      rewards: this.rewards.map(encodeNum),
    }
  }

  protected loadData(d: Record<string, unknown>): void {
    this.policy.logits = (d.logits as number[][]).map((r) => r.slice())
    const a = d.adam as { t: number; m: number[][]; v: number[][] }
    this.adam.state = { t: a.t, m: a.m.map((r) => r.slice()), v: a.v.map((r) => r.slice()) }
    this.warmupScores = (d.warmupScores as (number | string)[][]).map((s) => s.map(decodeNum))
    this.mu = d.mu === null ? null : (d.mu as (number | string)[]).map(decodeNum)
    this.sigma = d.sigma === null ? null : (d.sigma as (number | string)[]).map(decodeNum)
    this.emaNum = d.emaNum as number
    this.emaDen = d.emaDen as number
    this.choices = new Map(d.choices as [number, number[]][])
    this.rewards = (d.rewards as (number | string)[]).map(decodeNum)
  }

  total(): number {
    return this.warmup + this.budget
  }

  done(): boolean {
    return this.evaluatedCount >= this.budget
  }
}
