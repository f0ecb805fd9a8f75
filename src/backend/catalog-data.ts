/**
 * Menu metadata the engine registries do not carry themselves: the dataset
 * kinds and the voting proxies' paper ρ. Space, strategy and proxy options
 * are NOT kept here: they come from the engine registries' declarations
 * (`SPACE_OPTIONS` below is only a view of the space registry).
 */
import type { CatalogEntry, CatalogOption } from '../shared/schemas'
import { listSpaceDefs } from '../engine/spaces/registry'

/** Space id → its declared options (a copy of `SpaceDef.options`, the single declaration in src/engine/spaces). */
export const SPACE_OPTIONS: Record<string, CatalogOption[]> = Object.fromEntries(
  listSpaceDefs().map((d) => [d.id, d.options.map((o) => ({ ...o, choices: o.choices?.map((c) => ({ ...c })) }))]),
)

const imageSize = (def: number): CatalogOption => ({ key: 'imageSize', label: 'Image size', description: 'square input size in pixels', type: 'int', default: def, min: 1 })
const path: CatalogOption = { key: 'path', label: 'Path', description: 'file or folder in the official format', type: 'string', default: '' }

export const DATASET_CATALOG: CatalogEntry[] = [
  {
    id: 'noise',
    label: 'Gaussian noise',
    description: 'random N(0,1) images and labels (no download; the paper\'s noise-input ablation)',
    paperRho: { 'nb201-cifar10': 0.784 },
    options: [imageSize(32), { key: 'numClasses', label: 'Classes', description: 'label range', type: 'int', default: 10, min: 1 }],
    meta: { needsPath: false },
  },
  { id: 'cifar10', label: 'CIFAR-10', description: 'binary version (data_batch_*.bin / test_batch.bin)', options: [path], meta: { needsPath: true } },
  { id: 'cifar100', label: 'CIFAR-100', description: 'binary version (train.bin / test.bin)', options: [path], meta: { needsPath: true } },
  {
    id: 'imagenet16',
    label: 'ImageNet16-120',
    description: 'ImageNet 16×16 pickle files (first 120 classes by default)',
    options: [path, { key: 'classes', label: 'Classes', description: 'use the first k classes', type: 'int', default: 120, min: 1 }],
    meta: { needsPath: true },
  },
  { id: 'folder', label: 'Image folder', description: 'root/<class>/*.png|jpg', options: [path, imageSize(32)], meta: { needsPath: true } },
  { id: 'u8', label: 'Raw uint8 NHWC', description: 'raw NHWC uint8 file (+ optional labels CSV)', options: [path, imageSize(32)], meta: { needsPath: true } },
]

/** Paper ρ of the voting proxies (|Spearman|, Table 4: NB201 CIFAR-10; NB101 where reported). */
export const VOTING_RHO: Record<string, Record<string, number>> = {
  sjw: { 'nb201-cifar10': 0.851 },
  spw: { 'nb201-cifar10': 0.789, 'nb101-cifar10': 0.569 },
  zerocost: { 'nb201-cifar10': 0.775 },
}
