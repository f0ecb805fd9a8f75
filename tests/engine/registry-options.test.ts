/**
 * Every registry entry (proxies, search spaces, strategies) declares exactly
 * the options it reads: each entry is run with an options object that records
 * every key read from it, and the keys read are compared with the keys
 * declared (nothing read that is not declared — menus and the CLI could not
 * reach it — and nothing declared that is never read).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../src/engine/core/rng'
import type { Batch } from '../../src/engine/core/data'
import { cloneParams, disposeParams, materializeParams } from '../../src/engine/nn/params'
import { listProxies } from '../../src/engine/proxies'
import type { ProxyContext } from '../../src/engine/proxies/types'
import { runResponsePass } from '../../src/engine/proxies/responses'
import { buildNb201Network, nb201FromString } from '../../src/engine/spaces/nb201'
import { listSpaceDefs } from '../../src/engine/spaces/registry'
import { createStrategy, listStrategies } from '../../src/engine/search/registry'
import { getSpace } from '../../src/engine/spaces/registry'
import { backend } from './proxies/tiny-nets'

/** An empty option bag (so every declared default applies) that records each string key read from it. */
function recorder(): { options: Record<string, unknown>; read: Set<string> } {
  const read = new Set<string>()
  const options = new Proxy({} as Record<string, unknown>, {
    get(t, k) {
      if (typeof k === 'string' && k !== 'toJSON') read.add(k)
      return Reflect.get(t, k)
    },
    has(t, k) {
      if (typeof k === 'string') read.add(k)
      return Reflect.has(t, k)
    },
  })
  return { options, read }
}

const sorted = (xs: Iterable<string>) => [...xs].sort()

beforeAll(async () => {
  await backend('wasm')
})

describe('declared options = options read, for every registry entry', () => {
  it('proxies: each proxy run on an NB201 network reads exactly the options it declares', async () => {
    const def = buildNb201Network(nb201FromString('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|'), {
      numClasses: 10,
      inputSize: 8,
    })
    const params = materializeParams(def, 'pytorch', new Rng(1))
    const r = new Rng(2)
    const n = 4
    const batch: Batch = {
      x: Float32Array.from({ length: n * 8 * 8 * 3 }, () => r.normal()),
      shape: [n, 8, 8, 3],
      labels: Int32Array.from({ length: n }, (_, i) => i % 10),
      numClasses: 10,
    }
    const checked: string[] = []
    try {
      for (const p of listProxies()) {
        const { options, read } = recorder()
        const own = p.kind === 'standalone' && p.mutatesParams ? cloneParams(params) : params
        const ctx: ProxyContext = { space: 'nb201', def, params: own, batch, init: 'pytorch', mode: 'paper', options, rng: new Rng(5) }
        try {
          if (p.kind === 'response') await runResponsePass({ space: 'nb201', mode: 'paper', def, params, batch }, [p.consumer(ctx)])
          else await p.compute(ctx)
        } finally {
          if (own !== params) disposeParams(own)
        }
        expect(sorted(read), `options read by proxy ${p.id}`).toEqual(sorted((p.options ?? []).map((o) => o.key)))
        checked.push(p.id)
      }
    } finally {
      disposeParams(params)
    }
    // the two options the issue found undeclared are now declared (and read)
    const keys = (id: string) => (listProxies().find((p) => p.id === id)?.options ?? []).map((o) => o.key)
    expect(keys('wrcor')).toEqual(['weighting'])
    expect(keys('zico')).toEqual(['batches'])
    expect(checked.length).toBe(listProxies().length)
  }, 120_000)

  it('the recorder sees a read of an undeclared key (what the check above would report)', () => {
    const { options, read } = recorder()
    const B = (options.batches as number | undefined) ?? 2 // how ZiCo read its option before it was declared
    expect(B).toBe(2)
    expect(sorted(read)).toEqual(['batches'])
  })

  it('spaces: create(options) reads exactly the declared keys, and the space it makes samples and mutates', () => {
    for (const d of listSpaceDefs()) {
      const { options, read } = recorder()
      const s = d.create(options)
      const rng = new Rng(9)
      s.mutate(s.sample(rng), rng)
      expect(sorted(read), `options read by space ${d.id}`).toEqual(sorted(d.options.map((o) => o.key)))
    }
  })

  it('strategies: a short run reads exactly the declared keys', () => {
    const space = getSpace('nb201')
    for (const s of listStrategies()) {
      const { options, read } = recorder()
      const run = createStrategy(s.id, { space, budget: 3, seed: 1, options })
      for (let i = 0; i < 3 && !run.done(); i++) {
        const c = run.ask(1)
        run.tell(c.map((x) => ({ id: x.id, scores: [x.id] })))
      }
      expect(sorted(read), `options read by strategy ${s.id}`).toEqual(sorted(s.options.map((o) => o.key)))
    }
  })
})
