/**
 * The `onnx` exporter: `model.onnx` (opset 13) with the engine's initial
 * weights for (init, seed) — an ONNX model always carries its weights, so the
 * `weights` option does not change it. BatchNorm is in inference mode with a
 * fresh layer's statistics (the engine's `bn: 'eval'`).
 */
import type { Exporter, ExportFile } from './types'
import { onnxModel } from './onnx'

export const onnxExporter: Exporter = {
  id: 'onnx',
  label: 'ONNX (opset 13, with weights)',
  description: 'ONNX model with the engine\'s initial weights, input [N,3,H,W], output logits',
  spaces: 'all',
  usesWeightsOption: false,
  export(ctx): ExportFile[] {
    return [
      {
        name: 'model.onnx',
        data: onnxModel(ctx.graph(), ctx.weights(), { arch: ctx.arch, spaceId: ctx.spaceId, hash: ctx.hash }),
        description: `ONNX opset 13, initial weights (init ${ctx.init}, seed ${ctx.seed}), BN in inference mode`,
      },
    ]
  },
}
