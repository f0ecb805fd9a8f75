/**
 * Model files of a run's best architecture, for the run-folder export
 * (`best_model/`): PyTorch model.py + train.py + engine_weights.py and
 * model.onnx, built for the run's dataset (its class count and the image size
 * its loader yields, when the dataset spec states them; else the space's
 * export defaults), plus the structure file of the space.
 *
 * Pure (returns files, the caller writes them). Never throws for an exporter
 * failure: the error is returned as `best_model/export-error.txt`, so a run
 * export is never lost to a model-export problem.
 */
import type { DatasetSpec } from '../core/data'
import type { InitScheme } from '../core/network'
import { exportArchitecture, listExporters, type ExportFile } from './registry'

/** Class count and input size of a dataset spec, where the spec states them. */
export function datasetShape(d: DatasetSpec): { numClasses?: number; inputSize?: number } {
  switch (d.kind) {
    case 'noise':
      return { numClasses: d.numClasses, inputSize: d.imageSize }
    case 'cifar10':
      return { numClasses: 10, inputSize: 32 }
    case 'cifar100':
      return { numClasses: 100, inputSize: 32 }
    case 'imagenet16':
      return { numClasses: d.classes ?? 120, inputSize: 16 }
    case 'folder':
    case 'u8':
      return { inputSize: d.imageSize }
    default:
      return {}
  }
}

/** The files under `dir` (default `best_model`) for `arch` in `space` (see the module comment). */
export function bestModelFiles(space: string, arch: string, dataset: DatasetSpec, scored?: { seed: number; init: InitScheme }, dir = 'best_model'): ExportFile[] {
  const shape = { ...datasetShape(dataset), ...(scored ? { seed: scored.seed, init: scored.init, weights: true } : {}) }
  const formats = ['pytorch', 'onnx', ...listExporters(space).filter((e) => e.spaces !== 'all').map((e) => e.id)]
  const out: ExportFile[] = []
  for (const format of formats) {
    try {
      for (const f of exportArchitecture({ space, arch, format, ...shape })) out.push({ ...f, name: `${dir}/${f.name}` })
    } catch (e) {
      out.push({ name: `${dir}/export-error.txt`, data: `${format}: ${e instanceof Error ? e.message : String(e)}\n`, description: 'why the model export failed' })
      break
    }
  }
  return out
}
