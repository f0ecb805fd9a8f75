import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { nb201Space, buildNb201Network } from '../src/engine/spaces/nb201'
import { materializeParams, disposeParams } from '../src/engine/nn/params'
import { synflowScore } from '../src/engine/proxies/synflow-score'
import { Rng } from '../src/engine/core/rng'
await tf.setBackend('wasm')
for (const s of ['|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
  '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|', '|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|']) {
  const a = nb201Space.fromString(s)
  const def = buildNb201Network(a, { numClasses: 10, inputSize: 32 })
  const p = materializeParams(def, 'pytorch', new Rng(1))
  const t0 = performance.now()
  const r = await synflowScore(def, p)
  const t1 = performance.now()
  const r2 = await synflowScore(def, p)
  console.log(s, r.logScore, r2.logScore, (t1 - t0).toFixed(0), 'ms', (performance.now()-t1).toFixed(0), 'ms', tf.memory().numTensors)
  disposeParams(p)
}
