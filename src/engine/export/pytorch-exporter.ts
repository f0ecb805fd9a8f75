/**
 * The `pytorch` exporter: `model.py` (torch only), `train.py` (the paper's
 * recipes as defaults), `engine_weights.py` (a torch-only loader of the
 * weights file) and, with `weights`, `weights.safetensors`: the engine's
 * initial weights for (init, seed) as a state_dict `load_state_dict` accepts.
 */
import type { Exporter, ExportFile } from './types'
import { pytorchSource } from './pytorch'
import { ENGINE_WEIGHTS_PY, stateDictSafetensors } from './state-dict'
import { trainPy } from './templates/train-py'

export const pytorchExporter: Exporter = {
  id: 'pytorch',
  label: 'PyTorch (model.py + train.py)',
  description: 'self-contained PyTorch module reproducing the engine network, a train.py template, optionally the initial weights',
  spaces: 'all',
  usesWeightsOption: true,
  export(ctx): ExportFile[] {
    const g = ctx.graph()
    const files: ExportFile[] = [
      {
        name: 'model.py',
        data: pytorchSource(g, { spaceId: ctx.spaceId, spaceLabel: ctx.space.label, arch: ctx.arch, hash: ctx.hash, flops: ctx.cost.flops }),
        description: 'PyTorch module (build_model(num_classes)), layer for layer the engine network',
      },
      { name: 'train.py', data: trainPy({ spaceId: ctx.spaceId, arch: ctx.arch, numClasses: ctx.numClasses, inputSize: ctx.inputSize }), description: 'training script template with the paper\'s recipes' },
      { name: 'engine_weights.py', data: ENGINE_WEIGHTS_PY, description: 'loads weights.safetensors with torch only' },
    ]
    if (ctx.withWeights) {
      files.push({
        name: 'weights.safetensors',
        data: stateDictSafetensors(g, ctx.weights(), { space: ctx.spaceId, arch: ctx.arch, init: ctx.init, seed: String(ctx.seed) }),
        description: `state_dict of the engine's initial weights (init ${ctx.init}, seed ${ctx.seed})`,
      })
    }
    return files
  },
}
