/**
 * Reference mode of the correlation family on NB201 against an independent
 * PyTorch implementation (bench/sjw_vote_torch.py --exact, written from the
 * reference notes, not from the engine): the SAME initial weights and batch
 * (exported from the engine) go through PyTorch nn.Modules whose hooks follow
 * the reference's filter. Reference mode must match the reference filter
 * ('ReLU' in the type name: nn.ReLU AND NB201's ReLUConvBN container); paper
 * mode's gradients must match the nn.ReLU-only filter (paper mode's lastact
 * activation is the pre-ReLU map, PyTorch's in-place hook sees the post-ReLU
 * one, so only GCor is compared there).
 * Skipped, with the reason, when no Python with torch is found (.ci/run installs python3-torch).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/core/rng'
import type { Batch } from '../../../src/engine/core/data'
import { buildNb201Network, nb201FromString } from '../../../src/engine/spaces/nb201'
import { disposeParams, materializeParams } from '../../../src/engine/nn/params'
import { computeProxies } from '../../../src/engine/proxies'
import { findTorchPython } from '../export/python'
import { randnValues, useBackend } from '../nn/helpers'

const N = 16
const S = 8
const IDS = ['acor', 'gcor', 'rcor', 'wrcor'] as const
const CELLS = [
  // the all-conv1×1 cell of docs/search.md point 7
  '|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|',
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|',
  // conv edges whose output reaches the loss only through 'none' (gradient matrices skipped, both filters)
  '|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|none~1|none~2|',
]
/**
 * |engine − torch| bound: float32 convolutions in two libraries (wasm XNNPACK vs
 * PyTorch CPU) round differently; the log-det of a 16×16 K amplifies that.
 * Measured ≤ 3.2e-7 relative (2026-12-06, torch 1.13, wasm); the container
 * terms move the scores by ≥ 6 (≈ N·ln 2 = 11 for ACor), so this bound cannot hide them.
 */
const TOL = 1e-5

const torch = findTorchPython()

function batchOf(seed: number): Batch {
  const labels = Int32Array.from({ length: N }, (_, i) => (i * 7 + seed) % 10)
  return { x: randnValues(N * S * S * 3, seed), shape: [N, S, S, 3], labels, numClasses: 10 }
}

async function engineAndTorch(arch: string, seed: number) {
  const def = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: S })
  const params = materializeParams(def, 'pytorch', new Rng(seed))
  const batch = batchOf(seed)
  const dir = mkdtempSync(join(tmpdir(), 'zsnas-refhooks-'))
  try {
    const score = async (mode: 'paper' | 'reference') =>
      (await computeProxies([...IDS], { space: 'nb201', def, params, batch, init: 'pytorch', seed: 1, mode })).scores
    const engine = { paper: await score('paper'), reference: await score('reference') }
    const file = join(dir, 'pass.json')
    const exported: Record<string, { shape: number[]; data: number[] }> = {}
    for (const [name, t] of params) exported[name] = { shape: t.shape, data: Array.from(t.dataSync()) }
    writeFileSync(file, JSON.stringify({ arch, x: Array.from(batch.x), shape: batch.shape, labels: Array.from(batch.labels), params: exported }))
    const r = spawnSync(torch.python!, ['bench/sjw_vote_torch.py', '--exact', file], { encoding: 'utf8', timeout: 300_000 })
    if (r.status !== 0) throw new Error(`sjw_vote_torch.py --exact failed: ${r.stderr}`)
    const py = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<'reference' | 'reluOnly', Record<string, number>>
    return { engine, py }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    disposeParams(params)
  }
}

describe.skipIf(torch.python === null)(`NB201 reference-mode hooks vs PyTorch (${torch.reason})`, () => {
  beforeAll(() => useBackend('wasm'))
  for (const [i, arch] of CELLS.entries()) {
    it(`cell ${i}: ${arch}`, async () => {
      const { engine, py } = await engineAndTorch(arch, 60 + i)
      for (const id of IDS) {
        // reference mode = the reference's filter (nn.ReLU + ReLUConvBN containers)
        expect(Math.abs(engine.reference[id] - py.reference[id]), `${id} reference`).toBeLessThan(TOL * Math.abs(py.reference[id]))
        // the container terms are really there: the nn.ReLU-only filter is far away
        expect(Math.abs(py.reference[id] - py.reluOnly[id]), `${id} filters differ`).toBeGreaterThan(1)
      }
      // gradients are the same in both modes (lastact's gradient is the masked ∂L/∂x): paper mode = nn.ReLU only
      expect(Math.abs(engine.paper.gcor - py.reluOnly.gcor)).toBeLessThan(TOL * Math.abs(py.reluOnly.gcor))
    }, 600_000)
  }
})
