/** NAS-Bench-201 as a registered space: no user options; ground truth = the NATS-Bench topology CSV. */
import { resolveOptions } from '../../core/options'
import type { SearchSpace, SpaceDef } from '../../core/space'
import { loadNb201Table } from '../../benchmarks/nb201-csv'
import { nb201Space } from './index'

export const nb201Entry: SpaceDef = {
  id: nb201Space.id,
  label: nb201Space.label,
  description: nb201Space.description,
  options: [],
  create(options) {
    resolveOptions([], options, 'nb201 space')
    return nb201Space as SearchSpace<unknown>
  },
  loadGroundTruth: (path, opts = {}) => loadNb201Table(path, { cacheDir: opts.cacheDir }),
  groundTruthFormats: 'NATS-Bench topology CSV/JSON (ArchitectureString + per-dataset test accuracy columns)',
}
