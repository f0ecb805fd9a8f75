import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/index'
import { capture } from '../helpers/cli-io'
import { listProxies } from '../../src/engine/proxies'
import { listSpaceDefs } from '../../src/engine/spaces/registry'
import { listStrategies } from '../../src/engine/search/registry'

const ARCH = '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'
const BASE = ['score', '--arch', ARCH, '--dataset', 'noise:8:10', '--batch', '8', '--seed', '3']

async function score(extra: string[]): Promise<Record<string, number>> {
  const io = capture()
  const code = await main([...BASE, ...extra], io)
  if (code !== 0) throw new Error(`exit ${code}: ${io.stderr}`)
  return JSON.parse(io.stdout).scores
}

async function fails(extra: string[]): Promise<string> {
  const io = capture()
  expect(await main([...BASE, ...extra], io)).toBe(2)
  return io.stderr
}

describe('generic --<proxy>-<option> flags reach options the proxies declare', () => {
  it('--wrcor-weighting: exp = the default, none = RCor (Table 3 identity), linear differs from exp', async () => {
    const dflt = (await score(['--proxies', 'wrcor,rcor']))
    const exp = (await score(['--proxies', 'wrcor', '--wrcor-weighting', 'exp'])).wrcor
    const none = (await score(['--proxies', 'wrcor', '--wrcor-weighting', 'none'])).wrcor
    const linear = (await score(['--proxies', 'wrcor', '--wrcor-weighting', 'linear'])).wrcor
    expect(exp).toBe(dflt.wrcor)
    expect(none).toBe(dflt.rcor)
    expect(Number.isFinite(linear)).toBe(true)
    expect(Math.abs(linear - exp)).toBeGreaterThan(1)
    expect(await fails(['--wrcor-weighting', 'cubic'])).toBe(
      "zsnas: --wrcor-weighting must be one of exp, none, linear, quadratic, expTopDown, got 'cubic'\n",
    )
  })

  it('--zico-batches: 2 = the default, 3 changes the score, 1 is refused with the declared bound', async () => {
    const dflt = (await score(['--proxies', 'zico'])).zico
    expect((await score(['--proxies', 'zico', '--zico-batches', '2'])).zico).toBe(dflt)
    const three = (await score(['--proxies', 'zico', '--zico-batches', '3'])).zico
    expect(Number.isFinite(three)).toBe(true)
    expect(three).not.toBe(dflt)
    expect(await fails(['--proxies', 'zico', '--zico-batches', '1'])).toBe("zsnas: --zico-batches must be an integer ≥ 2, got '1'\n")
    expect(await fails(['--proxies', 'zico', '--zico-batches', '2.5'])).toMatch(/--zico-batches must be an integer ≥ 2, got '2.5'/)
  })

  it('--init and --mode choices come from the request spec', async () => {
    expect(await fails(['--init', 'he'])).toBe("zsnas: --init must be one of pytorch, nb101, kaimingNormal, xavierNormal, normal, got 'he'\n")
    expect(await fails(['--mode', 'code'])).toBe("zsnas: --mode must be one of paper, reference, got 'code'\n")
  })

  it('--batch bounds come from the request spec: 1 is refused, 2 accepted', async () => {
    expect(await fails(['--batch', '1'])).toMatch(/--batch must be an integer in 2\.\.4096, got '1'/)
    expect(Object.keys(await score(['--proxies', 'acor', '--batch', '2']))).toEqual(['acor'])
  })
})

describe('zsnas options and the help are generated from the registries', () => {
  it('options --json lists every declared option of every proxy, space and strategy, with the request bounds', async () => {
    const io = capture()
    expect(await main(['options', '--json'], io)).toBe(0)
    const rows = JSON.parse(io.stdout) as { kind: string; owner: string; key: string; flag?: string; min?: number; default: unknown }[]
    const expected = [
      ...listProxies().flatMap((p) => (p.options ?? []).map((o) => `proxy ${p.id}.${o.key}`)),
      ...listSpaceDefs().flatMap((s) => s.options.map((o) => `space ${s.id}.${o.key}`)),
      ...listStrategies().flatMap((s) => s.options.map((o) => `strategy ${s.id}.${o.key}`)),
    ]
    expect(rows.filter((r) => r.kind !== 'request').map((r) => `${r.kind} ${r.owner}.${r.key}`)).toEqual(expected)
    const zico = rows.find((r) => r.owner === 'zico' && r.key === 'batches')!
    expect([zico.flag, zico.min, zico.default]).toEqual(['--zico-batches', 2, 2])
    const batch = rows.find((r) => r.kind === 'request' && r.key === 'batchSize')!
    expect([batch.min, batch.default]).toEqual([2, 64])
  })

  it('score --help shows each proxy option flag with its choices/bounds and default', async () => {
    const io = capture()
    expect(await main(['help', 'score'], io)).toBe(0)
    expect(io.stdout).toMatch(/--wrcor-weighting V .*one of exp, none, linear, quadratic, expTopDown; default exp\)/)
    expect(io.stdout).toMatch(/--zico-batches V .*an integer ≥ 2; default 2\)/)
    expect(io.stdout).toMatch(/--batch N +minibatch size, 2\.\.4096 \(default 64\)/)
  })
})
