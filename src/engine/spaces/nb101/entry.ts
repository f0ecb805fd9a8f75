/**
 * NAS-Bench-101 as a registered space. Option `pool`: a benchmark table
 * (nasbench tfrecord or CSV) whose unique cells sampling draws from uniformly
 * (the reference's `random.choice` over the dataset); '' = rejection sampling
 * of random specs. Ground truth = the nasbench tfrecord or an NB101 CSV/JSON.
 */
import type { OptionSpec } from '../../core/options'
import { resolveOptions } from '../../core/options'
import type { SearchSpace, SpaceDef } from '../../core/space'
import { loadNb101 } from '../../benchmarks/nb101'
import { loadNb101Pool } from './pool'
import { createNb101Space, nb101Space } from './space'

export const NB101_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'pool',
    label: 'Sampling pool',
    description: "benchmark table (nasbench tfrecord or CSV) whose unique cells are sampled uniformly, as the reference does; empty = random valid cells",
    type: 'string',
    default: '',
  },
]

export const nb101Entry: SpaceDef = {
  id: nb101Space.id,
  label: nb101Space.label,
  description: nb101Space.description,
  options: NB101_OPTIONS,
  create(options) {
    const o = resolveOptions(NB101_OPTIONS, options, 'nb101 space')
    const path = (o.pool as string).trim()
    return (path === '' ? nb101Space : createNb101Space({ pool: loadNb101Pool(path) })) as SearchSpace<unknown>
  },
  loadGroundTruth: (path, opts = {}) => loadNb101(path, { cacheDir: opts.cacheDir }),
  groundTruthFormats: 'nasbench_only108.tfrecord, or an NB101 CSV/JSON table (module_adjacency, module_operations, accuracy columns)',
}
