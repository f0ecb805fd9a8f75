/**
 * Export bench (printed numbers, not a test): for the 9 export-test
 * architectures, time of the ONNX / PyTorch exports, the engine's eval-mode
 * forward and onnxruntime-node's, and the max relative logit difference
 * between the two (the test's bound is 1e-4). Then the Table 11 architecture
 * at R=224 with the ImageNet head: export time and file sizes.
 *   npx tsx bench/export-models.mts
 */
import * as ort from 'onnxruntime-node'
import { initBackend } from '../src/engine/backend/select'
import { getSpace } from '../src/engine/spaces/registry'
import { exportArchitecture } from '../src/engine/export/registry'
import { countNetwork } from '../src/engine/nn/count'
import { disposeParams } from '../src/engine/nn/params'
import { EXPORT_TEST_ARCHS, TABLE11_AT } from '../tests/engine/export/archs'
import { maxRelDiff, randomInput, scoringStore, storeEvalLogits, toNchw } from '../tests/engine/export/engine-logits'

const b = await initBackend()
console.log(`tfjs backend ${b.name}; onnxruntime-node ${ort.env.versions?.common ?? '?'}`)
const ms = (t: number): string => `${(performance.now() - t).toFixed(0)} ms`
for (const t of EXPORT_TEST_ARCHS) {
  const sp = getSpace(t.space)
  const def = sp.buildNetwork(sp.fromString(t.arch), { numClasses: t.numClasses, inputSize: t.inputSize })
  let t0 = performance.now()
  const [onnxFile] = exportArchitecture({ space: t.space, arch: t.arch, format: 'onnx', numClasses: t.numClasses, inputSize: t.inputSize, seed: 1 })
  const onnxT = ms(t0)
  t0 = performance.now()
  exportArchitecture({ space: t.space, arch: t.arch, format: 'pytorch', weights: true, numClasses: t.numClasses, inputSize: t.inputSize, seed: 1 })
  const ptT = ms(t0)
  const n = 2
  const s = t.inputSize
  const x = randomInput(n, s, s, 3, 7)
  const store = scoringStore(def, 'pytorch', 1)
  t0 = performance.now()
  const ref = storeEvalLogits(def, store, x, n)
  const engT = ms(t0)
  disposeParams(store)
  const sess = await ort.InferenceSession.create(onnxFile.data as Uint8Array)
  t0 = performance.now()
  const out = await sess.run({ input: new ort.Tensor('float32', toNchw(x, n, s, s, 3), [n, 3, s, s]) })
  const ortT = ms(t0)
  const d = maxRelDiff(out.logits.data as Float32Array, ref)
  console.log(`${t.space.padEnd(5)} ${String(countNetwork(def).params).padStart(9)} params  onnx ${onnxT} (${(onnxFile.data.length / 1e6).toFixed(2)} MB)  pytorch ${ptT}  engine fwd ${engT}  ort fwd ${ortT}  max rel diff ${d.toExponential(2)}  ${t.arch.slice(0, 48)}…`)
}
let t0 = performance.now()
const files = [...exportArchitecture({ space: 'mbv2', arch: TABLE11_AT(224), format: 'onnx' }), ...exportArchitecture({ space: 'mbv2', arch: TABLE11_AT(224), format: 'pytorch', weights: true })]
console.log(`Table 11 @224, 1000 classes: onnx + pytorch(+weights) export ${ms(t0)}; ${files.map((f) => `${f.name} ${(f.data.length / 1e6).toFixed(2)} MB`).join(', ')}`)
