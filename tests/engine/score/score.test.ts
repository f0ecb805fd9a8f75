import { describe, expect, it } from 'vitest'
import { scoreArchitecture, type ScoreRequest } from '../../../src/engine/score/score'
import { sharedPath } from '../../helpers/shared-data'
import { ZsnasError } from '../../../src/engine/core/errors'

const CHEAP = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'
const base: ScoreRequest = {
  space: 'nb201',
  arch: CHEAP,
  proxies: ['wrcor', 'acor'],
  dataset: { kind: 'noise', imageSize: 16, numClasses: 10 },
  batchSize: 8,
  seed: 42,
  init: 'pytorch',
}

describe('scoreArchitecture (NB201, small batches)', () => {
  it('same seed => bit-identical WRCor; another seed => a different value', async () => {
    const a = await scoreArchitecture(base)
    const b = await scoreArchitecture(base)
    expect(Number.isFinite(a.scores.wrcor)).toBe(true)
    expect(b.scores.wrcor).toBe(a.scores.wrcor)
    expect(b.scores.acor).toBe(a.scores.acor)
    const c = await scoreArchitecture({ ...base, seed: 43 })
    expect(c.scores.wrcor).not.toBe(a.scores.wrcor)
    expect(a.arch).toBe(CHEAP)
    expect(a.hash).toBe(CHEAP)
    expect(a.timings.responses).toBeGreaterThan(0)
    expect(typeof a.backend).toBe('string')
  })

  it('reports NB201 params/FLOPs of the input it was given (ImageNet16-sized noise, 10 classes)', async () => {
    const r = await scoreArchitecture({ ...base, proxies: ['acor'] })
    // no-conv-3x3 cells: nor_conv_1x1 on one edge: 15 cells × (C² + 2C) params on top of the no-conv base
    const base10 = 73306
    const extra = 5 * (16 * 16 + 32) + 5 * (32 * 32 + 64) + 5 * (64 * 64 + 128)
    expect(r.params).toBe(base10 + extra)
  })

  it('degenerate net (all none) scores -Infinity, not NaN', async () => {
    const r = await scoreArchitecture({
      ...base,
      arch: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
      proxies: ['wrcor', 'rcor', 'acor'],
    })
    expect(r.scores).toEqual({ wrcor: -Infinity, rcor: -Infinity, acor: -Infinity })
  })

  it('CIFAR-10 input from the shared data: reproducible and finite', async () => {
    const req: ScoreRequest = {
      ...base,
      proxies: ['wrcor'],
      dataset: { kind: 'cifar10', path: sharedPath('cifar10', 'data_batch_1_first4000_exact.bin') },
    }
    const a = await scoreArchitecture(req)
    const b = await scoreArchitecture(req)
    expect(Number.isFinite(a.scores.wrcor)).toBe(true)
    expect(a.scores.wrcor).toBe(b.scores.wrcor)
    // 8 samples: K ≥ its diagonal structure; log-det of an 8×8 matrix with diagonal Σw is below 8·log(Σw)
    expect(a.scores.wrcor).toBeLessThan(8 * Math.log(2 * (2 ** 19)))
  })

  it.each([
    [{ arch: '|bad~0|+|none~0|none~1|+|none~0|none~1|none~2|' }, 'INVALID_ARCH'],
    [{ proxies: ['nope'] }, 'INVALID_OPTION'],
    [{ batchSize: 1 }, 'INVALID_OPTION'],
    [{ seed: -1 }, 'INVALID_OPTION'],
    [{ space: 'darts' }, 'NOT_FOUND'],
    [{ init: 'glorot' }, 'INVALID_OPTION'],
    [{ dataset: { kind: 'cifar10', path: '/nonexistent/data_batch_1.bin' } }, 'FILE_NOT_FOUND'],
  ])('bad request %j -> ZsnasError %s', async (patch, code) => {
    const p = scoreArchitecture({ ...base, ...(patch as Partial<ScoreRequest>) })
    await expect(p).rejects.toBeInstanceOf(ZsnasError)
    await expect(p).rejects.toMatchObject({ code })
  })
})
