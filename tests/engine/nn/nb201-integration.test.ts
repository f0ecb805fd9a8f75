/**
 * The interpreter on the real NB201 builder (tiny 8x8 input, batch 4; no
 * stock gradients loaded): with wrt 'input' every ReLU call's backward hook
 * fires exactly once — also for ReLUs on nodes that reach the output only
 * through 'none' edges (x·0 keeps them on the path; their gradient is exactly
 * zero) — and cpu and wasm agree on logits and every hooked gradient.
 */
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { disposeParams, materializeParams } from '../../../src/engine/nn/params'
import { forwardBackward } from '../../../src/engine/nn/run'
import { onBackend, randnValues, relErr } from './helpers'

// nodes 1 and 2 reach the cell output only through 'none' edges
const DEAD = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|none~2|'

function run(backend: 'cpu' | 'wasm') {
  return onBackend(backend, async () => {
    const def = buildNb201Network(nb201FromString(DEAD), { numClasses: 10, inputSize: 8 })
    const params = materializeParams(def, 'pytorch', new Rng(12))
    const batch: Batch = { x: randnValues(4 * 8 * 8 * 3, 90), shape: [4, 8, 8, 3], labels: new Int32Array([1, 5, 9, 0]), numClasses: 10 }
    const fwd: { block: number; site: string }[] = []
    const bwd = new Map<number, Float32Array>()
    const r = await forwardBackward(def, params, batch, {
      bn: 'train',
      loss: 'ce',
      wrt: 'input',
      hooks: {
        onReluForward: (c) => void fwd.push({ block: c.tag.block, site: c.tag.site }),
        onReluBackward: (c, g) => {
          expect(bwd.has(c.index)).toBe(false)
          bwd.set(c.index, g.dataSync().slice() as Float32Array)
        },
      },
    })
    r.inputGrad!.dispose()
    disposeParams(params)
    return { fwd, bwd, logits: r.logits }
  })
}

describe('NB201 network through the tfjs interpreter', () => {
  it("every ReLU call gets exactly one backward hook, dead-node ReLUs a zero gradient; cpu = wasm", async () => {
    const a = await run('wasm')
    // per normal cell: edges 0→1, 0→2 (conv3x3) and 1→2 (conv1x1) = 3 ReLU calls; 15 normal cells,
    // 2 reduction blocks × 2, lastact 1
    expect(a.fwd.length).toBe(15 * 3 + 4 + 1)
    expect([...a.bwd.keys()].sort((p, q) => p - q)).toEqual(a.fwd.map((_, i) => i))
    expect(a.fwd.at(-1)).toEqual({ block: 17, site: 'lastact' })
    // inside normal cells all three ReLUs feed dead nodes: their gradient is exactly zero
    const normalCellRelus = a.fwd.map((t, i) => [t, i] as const).filter(([t]) => t.block !== 5 && t.block !== 11 && t.block !== 17)
    expect(normalCellRelus.length).toBe(45)
    for (const [, i] of normalCellRelus) expect(a.bwd.get(i)!.every((v) => v === 0)).toBe(true)
    // the reduction-block and lastact ReLUs do carry gradient
    for (const [i, t] of a.fwd.entries()) if (t.block === 5 || t.block === 17) expect(a.bwd.get(i)!.some((v) => v !== 0)).toBe(true)
    const b = await run('cpu')
    expect(relErr(a.logits, b.logits)).toBeLessThan(1e-4)
    for (const [i, g] of b.bwd) expect(relErr(a.bwd.get(i)!, g), `relu #${i}`).toBeLessThan(1e-3)
  })
})
