/**
 * GraSP finite-difference convergence on real NB201 cells (CIFAR-10 batch of
 * 64, PyTorch init, the scoring pipeline's seeds): for each relative step the
 * plain central difference and the Richardson-extrapolated value, plus the
 * exact per-layer identity of BN-followed convs (−W_l·(Hg)_l = ‖g_l‖²,
 * scale invariance) as an independent check. Printed, never asserted.
 *
 *   nice npx tsx bench/table2-grasp-steps.ts --indices 0,1,2 --steps 1e-3,4e-4,2e-4,1e-4
 */
import { Rng } from '../src/engine/core/rng'
import { initBackend } from '../src/engine/backend/select'
import { openDataset } from '../src/engine/data/open'
import { materializeParams, disposeParams } from '../src/engine/nn/params'
import { loadNb201Table } from '../src/engine/benchmarks/nb201-csv'
import { buildNb201Network, nb201FromString } from '../src/engine/spaces/nb201'
import { graspTerms } from '../src/engine/proxies/grasp'
import { fnv1a } from '../src/engine/proxies'

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : def
}
const indices = arg('indices', '0,1,2').split(',').map(Number)
const steps = arg('steps', '1e-3,4e-4,2e-4,1e-4').split(',').map(Number)
const levels = Number(arg('levels', '3'))
const table = arg('table', '../shared/data/nb201/nats_bench_tss_test_acc.csv')
const cifar = arg('cifar10', '../shared/data/cifar10/data_batch_1_first4000_exact.bin')

const be = await initBackend()
console.log(`backend ${be.name}`)
const gt = loadNb201Table(table)
const ds = openDataset({ kind: 'cifar10', path: cifar })
const keys = gt.keys()
for (const idx of indices) {
  const arch = keys[idx]
  const root = new Rng((0 ^ fnv1a(arch)) >>> 0)
  const batch = ds.sampleBatch(64, root.fork(), { augment: true })
  const def = buildNb201Network(nb201FromString(arch), { numClasses: 10, inputSize: 32 })
  const params = materializeParams(def, 'pytorch', root.fork())
  console.log(`\n#${idx} ${arch}`)
  for (const s of steps) {
    const t0 = performance.now()
    const r = await graspTerms(def, params, batch, { relStep: s, levels })
    // BN-followed convs: every conv except the reduction shortcuts; exact value Σ‖g_l‖²
    const bnLayers = r.terms.filter((t) => !t.name.includes('shortcut') && !t.name.startsWith('classifier'))
    const exact = bnLayers.reduce((a, t) => a + t.gradNormSq, 0)
    const got = bnLayers.reduce((a, t) => a + t.value, 0)
    const rest = r.terms.filter((t) => !bnLayers.includes(t)).map((t) => `${t.name}=${t.value.toPrecision(5)}`).join(' ')
    console.log(
      `step ${s.toExponential(1)}: CD ${r.differences.map((d) => d.toPrecision(6)).join(' / ')}  → Richardson ${r.score.toPrecision(6)}` +
        `   BN-convs Σ ${got.toPrecision(6)} vs Σ‖g‖² ${exact.toPrecision(6)} (rel err ${(Math.abs(got - exact) / exact).toExponential(1)})  ${rest}  ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )
  }
  disposeParams(params)
}
