import { describe, expect, it } from 'vitest'
import { scoreArchitecture, type ScoreRequest } from '../../../src/engine/score/score'
import { BATCH_SIZE_OPTION, INIT_OPTION, MODE_OPTION } from '../../../src/engine/score/request-spec'
import { INIT_SCHEMES } from '../../../src/engine/nn/init'

const REQ: ScoreRequest = {
  space: 'nb201',
  arch: '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|',
  proxies: ['acor'],
  dataset: { kind: 'noise', imageSize: 8, numClasses: 10 },
  batchSize: 4,
  seed: 0,
  init: 'pytorch',
}

describe('the scoring request is validated against its declared spec before any work', () => {
  it('batch size 1, an unknown init and an unknown mode are refused with the declared bounds/choices', async () => {
    await expect(scoreArchitecture({ ...REQ, batchSize: 1 })).rejects.toThrow('score request: Batch size (batchSize) must be an integer in 2..4096, got 1')
    await expect(scoreArchitecture({ ...REQ, init: 'he' as never })).rejects.toThrow(
      "score request: Weight initialisation (init) must be one of pytorch, nb101, kaimingNormal, xavierNormal, normal, got 'he'",
    )
    await expect(scoreArchitecture({ ...REQ, mode: 'code' as never })).rejects.toThrow(/Proxy mode \(mode\) must be one of paper, reference, got 'code'/)
    await expect(scoreArchitecture({ ...REQ, proxyOptions: { acor: { weighting: 'linear' } } })).rejects.toThrow(
      "acor options: no option 'weighting'; expected no options",
    )
  })

  it('the declared init choices are exactly the schemes the initialiser implements; batch 2 (the declared minimum) scores', async () => {
    expect(INIT_OPTION.choices!.map((c) => c.value).sort()).toEqual([...INIT_SCHEMES].sort())
    expect(MODE_OPTION.choices!.map((c) => c.value)).toEqual(['paper', 'reference'])
    // the declared minimum is usable: a 2×2 K (sample-vs-sample correlations over features) has a finite log-det
    const r = await scoreArchitecture({ ...REQ, proxies: ['acor', 'params'], batchSize: BATCH_SIZE_OPTION.min as number })
    expect(Number.isFinite(r.scores.acor)).toBe(true)
    expect(r.scores.params).toBe(r.params)
  })
})
