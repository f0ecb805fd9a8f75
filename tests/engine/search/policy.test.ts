import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import { Adam, FactorisedPolicy } from '../../../src/engine/search/policy'

describe('factorised policy', () => {
  const decisions = [{ name: 'a', options: 3 }, { name: 'e', options: 2, bernoulli: true }]

  it('initialises logits at 1e-3·N(0,1) (tiny, not all equal)', () => {
    const p = new FactorisedPolicy([{ name: 'x', options: 500 }], new Rng(1))
    const l = p.logits[0]
    const sd = Math.sqrt(l.reduce((s, x) => s + x * x, 0) / l.length)
    expect(sd).toBeGreaterThan(0.8e-3)
    expect(sd).toBeLessThan(1.2e-3)
  })

  it('probabilities: softmax for categoricals, sigmoid for Bernoulli (hand values)', () => {
    const p = new FactorisedPolicy(decisions)
    p.logits = [[0, Math.log(2), Math.log(3)], [Math.log(3)]]
    expect(p.probs(0).map((x) => +x.toFixed(12))).toEqual([1 / 6, 2 / 6, 3 / 6].map((x) => +x.toFixed(12)))
    expect(p.probs(1)[1]).toBeCloseTo(0.75, 12)
    expect(p.logProb([2, 1])).toBeCloseTo(Math.log(0.5 * 0.75), 12)
  })

  it('gradient of log π matches central finite differences', () => {
    const p = new FactorisedPolicy(decisions, new Rng(3))
    p.logits = [[0.3, -0.2, 0.5], [-0.4]]
    const a = [1, 0]
    const g = p.gradLogProb(a)
    const h = 1e-6
    p.logits.forEach((row, d) => row.forEach((_, k) => {
      const orig = row[k]
      row[k] = orig + h
      const up = p.logProb(a)
      row[k] = orig - h
      const dn = p.logProb(a)
      row[k] = orig
      expect(g[d][k]).toBeCloseTo((up - dn) / (2 * h), 6)
    }))
  })

  it('samples with the policy probabilities', () => {
    const p = new FactorisedPolicy(decisions)
    p.logits = [[0, Math.log(2), Math.log(3)], [Math.log(3)]]
    const rng = new Rng(7)
    const c = [0, 0, 0], e = [0, 0]
    const n = 30000
    for (let i = 0; i < n; i++) { const s = p.sample(rng); c[s[0]]++; e[s[1]]++ }
    expect(c[0] / n).toBeCloseTo(1 / 6, 2)
    expect(c[2] / n).toBeCloseTo(1 / 2, 2)
    expect(e[1] / n).toBeCloseTo(0.75, 2)
  })
})

describe('Adam (PyTorch defaults)', () => {
  it('first step moves each parameter by ≈ lr·sign(g); second step matches the hand formula', () => {
    const params = [[1, -1, 0]]
    const opt = new Adam(params, 0.001)
    opt.step(params, [[0.5, -2, 0]])
    expect(params[0][0]).toBeCloseTo(1 - 0.001, 9)
    expect(params[0][1]).toBeCloseTo(-1 + 0.001, 9)
    expect(params[0][2]).toBe(0)
    // second step with g = 1 on the first parameter, by hand
    opt.step(params, [[1, 0, 0]])
    const m = 0.9 * 0.05 + 0.1 * 1, v = 0.999 * 0.00025 + 0.001 * 1
    const p1 = 1 - (0.001 * 0.5) / (0.5 + 1e-8) // exact first step
    const expected = p1 - (0.001 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8)
    expect(params[0][0]).toBeCloseTo(expected, 12)
  })
})
