import { describe, expect, it } from 'vitest'
import { scoreArchitecture } from '../../../src/engine/score/score'
import { getSpace } from '../../../src/engine/spaces/registry'

// End to end as a user runs it: arch string → space → network → tfjs → proxies (tiny inputs).
describe('NB101 and MBv2 networks run through the scoring pipeline', () => {
  it('NB101: finite WRCor/SynFlow scores; params from the space counter', async () => {
    const arch = 'matrix=0110/0001/0001/0000;ops=input,conv1x1-bn-relu,maxpool3x3,output'
    const r = await scoreArchitecture({ space: 'nb101', arch, proxies: ['wrcor', 'synflow'], dataset: { kind: 'noise', imageSize: 8, numClasses: 10 }, batchSize: 4, seed: 1, init: 'nb101' })
    expect(r.arch).toBe(arch)
    expect(r.hash).toMatch(/^[0-9a-f]{32}$/)
    expect(Number.isFinite(r.scores.wrcor)).toBe(true)
    expect(Number.isFinite(r.scores.synflow)).toBe(true)
    const sp = getSpace('nb101')
    expect(r.params).toBe(sp.cost(sp.fromString(arch), { numClasses: 10, inputSize: 8 }).params)
  })

  it('MBv2 (a tiny structure at R = 32): finite WRCor in paper and reference (SE-only) modes', async () => {
    const arch =
      'SuperConvK3BNRELU(3,16,2,1)SuperResIDWE1K3(16,16,2,16,1)SuperResIDWE2K5(16,16,1,16,2)SuperResIDWE1K3(16,24,2,16,1)' +
      'SuperResIDWE1K7(24,24,1,16,1)SuperResIDWE1K3(24,32,2,16,1)SuperResIDWE1K3(32,32,1,16,1)SuperResIDWE1K3(32,32,2,16,1)' +
      'SuperConvK1BNRELU(32,64,1,1)@32'
    const base = { space: 'mbv2', arch, proxies: ['wrcor'], dataset: { kind: 'noise' as const, imageSize: 16, numClasses: 10 }, batchSize: 4, seed: 2, init: 'pytorch' as const }
    const paper = await scoreArchitecture(base)
    const ref = await scoreArchitecture({ ...base, mode: 'reference' })
    expect(paper.arch).toBe(arch)
    expect(Number.isFinite(paper.scores.wrcor)).toBe(true)
    expect(Number.isFinite(ref.scores.wrcor)).toBe(true)
    expect(ref.scores.wrcor).not.toBe(paper.scores.wrcor) // reference mode hooks only the SE ReLUs
  })
})
