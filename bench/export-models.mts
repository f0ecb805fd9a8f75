import * as ort from 'onnxruntime-node'
import { initBackend } from '../src/engine/backend/select'
import { getSpace } from '../src/engine/spaces/registry'
import { traceNetwork } from '../src/engine/export/graph'
import { onnxModel } from '../src/engine/export/onnx'
import { scoringWeights } from '../src/engine/export/weights'
import { engineEvalLogits, randomInput, toNchw, maxRelDiff } from '../tests/engine/export/engine-logits'
const b = await initBackend(); console.log(b.name)
for (const [sid, arch, size] of [['nb201','|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|nor_conv_1x1~1|avg_pool_3x3~2|', 16],
  ['nb101','matrix=0110010/0001000/0000010/0000001/0000001/0000001/0000000;ops=input,conv3x3-bn-relu,maxpool3x3,conv1x1-bn-relu,conv3x3-bn-relu,maxpool3x3,output', 16],
  ['mbv2', process.argv[2] ?? 'SuperConvK3BNRELU(3,48,2,1)SuperResIDWE2K7(48,32,2,40,2)SuperResIDWE2K7(32,32,2,48,3)SuperResIDWE6K7(32,64,1,40,3)SuperResIDWE6K7(64,88,2,40,4)SuperResIDWE6K7(88,104,1,56,6)SuperResIDWE6K5(104,152,2,192,6)SuperResIDWE6K5(152,240,1,136,2)SuperConvK1BNRELU(240,1264,1,1)@64', 16]] as const) {
  const sp = getSpace(sid); const a = sp.fromString(arch)
  const def = sp.buildNetwork(a, { numClasses: 10, inputSize: size })
  const g = traceNetwork(def)
  const wts = scoringWeights(def, 'pytorch', 3)
  const bytes = onnxModel(g, wts, { arch, spaceId: sid, hash: sp.hash(a) })
  const n = 2; const x = randomInput(n, size, size, 3, 7)
  let t = performance.now()
  const ref = engineEvalLogits(def, wts, x, n)
  const te = performance.now() - t
  const sess = await ort.InferenceSession.create(bytes)
  t = performance.now()
  const out = await sess.run({ input: new ort.Tensor('float32', toNchw(x, n, size, size, 3), [n, 3, size, size]) })
  const lo = out.logits.data as Float32Array
  console.log(sid, g.paramCount, bytes.length, maxRelDiff(lo, ref), te.toFixed(0), (performance.now()-t).toFixed(0), Array.from(ref.slice(0,3)), Array.from(lo.slice(0,3)))
}
