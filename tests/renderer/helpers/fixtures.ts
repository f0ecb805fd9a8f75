/** Catalog, run and row fixtures shaped by the real contract schemas. */
import { MBV2_OPTIONS } from '../../../src/engine/spaces/mbv2/space'
import { EPADS_OPTIONS } from '../../../src/engine/proxies/epads'
import { RE_OPTIONS } from '../../../src/engine/search/re'
import type { CatalogEntry, EvaluationRow, RunDetail, RunSummary, SystemInfo } from '../../../src/shared/schemas'

export const SPACES: CatalogEntry[] = [
  { id: 'nb201', label: 'NAS-Bench-201', description: '15,625 cells on 4 nodes', options: [], meta: { size: 15625 } },
  { id: 'nb101', label: 'NAS-Bench-101', description: '423k cells ≤ 7 nodes', options: [] },
  {
    id: 'mbv2',
    label: 'MobileNetV2',
    description: 'Table 1 inverted-residual stages',
    options: MBV2_OPTIONS.map((o) => ({ ...o })), // the space's own declaration, not a copy
  },
]
export const PROXIES: CatalogEntry[] = [
  { id: 'wrcor', label: 'WRCor', description: 'weighted response correlation', paperRho: { 'nb201-cifar10': 0.811 }, options: [] },
  { id: 'synflow', label: 'SynFlow', description: 'synaptic flow', paperRho: { 'nb201-cifar10': 0.743 }, options: [] },
  { id: 'naswot', label: 'NASWOT', description: 'activation-pattern log-det', options: [] },
  { id: 'flops', label: 'FLOPs', description: 'multiply-adds', options: [] },
  { id: 'sjw', label: 'SJW', description: 'majority vote of SynFlow, NASWOT, WRCor', options: [], meta: { voting: true, members: ['synflow', 'naswot', 'wrcor'] } },
  {
    id: 'epads', label: 'ePADS', description: 'perturbation-aware distinguishing score',
    options: EPADS_OPTIONS.map((o) => ({ ...o })),
  },
  { id: 'sew', label: 'SEW', description: 'majority vote of SynFlow, ePADS, WRCor', options: [], meta: { voting: true, members: ['synflow', 'epads', 'wrcor'] } },
]
export const STRATEGIES: CatalogEntry[] = [
  { id: 'random', label: 'Random search', description: 'uniform samples', options: [] },
  { id: 're', label: 'Regularized evolution', description: 'aging evolution', options: RE_OPTIONS.map((o) => ({ ...o })) },
]
export const SYSTEM: SystemInfo = {
  mode: 'browser',
  canPickFiles: false,
  versions: { app: '0.1.0', engine: '0.1.0', backend: 'wasm', node: '20' },
  cores: 2,
  defaultWorkers: 1,
  platform: 'linux',
  dataDir: '/tmp/x',
}

export const catalogHandlers = {
  'catalog.spaces': () => SPACES,
  'catalog.proxies': () => PROXIES,
  'catalog.strategies': () => STRATEGIES,
  'catalog.datasets': () => [],
  'system.info': () => SYSTEM,
}

export const NB201_ARCHS = [
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|',
  '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
  '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
]

export function row(index: number, score: number, extra: Partial<EvaluationRow> = {}): EvaluationRow {
  return {
    index,
    arch: NB201_ARCHS[index % NB201_ARCHS.length],
    hash: `h${index}`,
    status: 'ok',
    scores: { wrcor: score },
    params: 1e5 + index,
    flops: 1e7 * (1 + (index % 7)),
    seconds: 0.5,
    groundTruth: null,
    error: null,
    attempts: 1,
    ...extra,
  }
}

export function summary(id: string, over: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: `run ${id}`,
    status: 'running',
    config: {
      space: 'nb201',
      spaceOptions: {},
      strategy: 'random',
      strategyOptions: {},
      proxy: { mode: 'single', id: 'wrcor' },
      proxyOptions: {},
      n: 30,
      seed: 0,
      dataset: { kind: 'noise', imageSize: 16, numClasses: 10 },
      batchSize: 8,
      init: 'pytorch',
      workers: 1,
    },
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    done: 0,
    total: 30,
    failed: 0,
    best: null,
    versions: SYSTEM.versions,
    notes: '',
    error: null,
    ...over,
  }
}

export function detail(id: string, over: Partial<RunDetail> = {}): RunDetail {
  return { ...summary(id), logs: [], ...over }
}
