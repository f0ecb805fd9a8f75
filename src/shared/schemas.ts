/**
 * zod schemas of every data shape that crosses the app's boundary
 * (Electron IPC or the browser-mode WebSocket). Types are inferred from the
 * schemas, so the runtime check and the static type can never disagree.
 *
 * Runtime-neutral: imports only zod (no Node, no Electron, no DOM).
 */
import { z } from 'zod'
import { ScoreValueSchema } from './score-value'
import { SpaceProtocolSchema } from './protocol-schema'

// ---------------------------------------------------------------- errors

/** Engine error codes (mirror of `src/engine/core/errors.ts`) plus transport/service codes. */
export const ERROR_CODES = [
  'INVALID_ARCH',
  'INVALID_OPTION',
  'FILE_NOT_FOUND',
  'FILE_UNREADABLE',
  'BAD_FORMAT',
  'BAD_SHAPE',
  'BAD_LABEL',
  'MISSING_COLUMN',
  'DUPLICATE_ROW',
  'BAD_VALUE',
  'UNSAFE_PICKLE',
  'BAD_CHECKSUM',
  'EMPTY_DATASET',
  'BACKEND_UNAVAILABLE',
  'NUMERIC',
  'OUT_OF_MEMORY', // the backend ran out of memory (details: batchSize, resolution, largestFittingBatch, instanceDead)
  'CANCELLED',
  'NOT_FOUND',
  'INTERNAL',
  // service / transport level
  'BAD_REQUEST', // payload failed schema validation (details.issues lists what)
  'BAD_RESPONSE', // a response/event failed validation on the receiving side
  'UNKNOWN_METHOD',
  'UNAUTHORIZED', // missing/wrong token, or IPC from a foreign frame
  'CONFLICT', // e.g. resume a running run, delete a running run
  'WORKER_CRASHED',
  'TRANSPORT', // connection lost / closed
  'UNSUPPORTED', // not available in this mode (e.g. native dialog in browser mode)
] as const

export const ErrorCodeSchema = z.enum(ERROR_CODES)
export type ServiceErrorCode = z.infer<typeof ErrorCodeSchema>

export const ErrorDataSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
})
export type ServiceErrorData = z.infer<typeof ErrorDataSchema>

// ---------------------------------------------------------------- datasets

/** The engine's dataset spec schema (one definition: src/engine/score/request-schema.ts). */
export { DatasetSpecSchema, InitSchemeSchema, ProxyModeSchema } from '../engine/score/request-schema'
import { DatasetSpecSchema, InitSchemeSchema, ProxyModeSchema } from '../engine/score/request-schema'
import { BATCH_SIZE_MAX, BATCH_SIZE_MIN } from '../engine/score/request-spec'
export type DatasetSpecData = z.infer<typeof DatasetSpecSchema>


// ---------------------------------------------------------------- run config

/** One proxy, or a majority vote of several (the paper's SJW/SPW style ensembles). */
export const ProxyChoiceSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('single'), id: z.string().min(1) }),
  z.object({ mode: z.literal('voting'), ids: z.array(z.string().min(1)).min(2).max(16) }),
])
export type ProxyChoice = z.infer<typeof ProxyChoiceSchema>

const OptionBag = z.record(z.string(), z.unknown())

/**
 * Everything that determines a run. Stored verbatim in the run store and the
 * export manifest; `seed` + config reproduce the run bit-for-bit on one backend.
 * `workers` also fixes how many candidates the strategy is asked for at once,
 * so it is part of what makes a run reproducible.
 */
export const RunConfigSchema = z.object({
  name: z.string().max(200).optional(),
  space: z.string().min(1),
  spaceOptions: OptionBag.default({}),
  strategy: z.string().min(1),
  strategyOptions: OptionBag.default({}),
  proxy: ProxyChoiceSchema,
  proxyOptions: OptionBag.default({}),
  /** number of architectures to evaluate (search budget) */
  n: z.number().int().min(1).max(1_000_000),
  seed: z.number().int().min(0).max(0xffffffff),
  dataset: DatasetSpecSchema,
  /** bounds from the engine's request spec (BATCH_SIZE_OPTION: correlations and BN statistics need ≥ 2) */
  batchSize: z.number().int().min(BATCH_SIZE_MIN).max(BATCH_SIZE_MAX),
  init: InitSchemeSchema.default('pytorch'),
  /** proxy behaviour (paper | reference); omitted = paper */
  mode: ProxyModeSchema.optional(),
  /** worker processes; omitted = machine default (cores − 1, min 1), resolved and stored at start */
  workers: z.number().int().min(1).max(64).optional(),
  groundTruth: z.object({ path: z.string().min(1), metric: z.string().min(1) }).optional(),
})
/** What a caller sends (defaults may be omitted). */
export type RunConfigInput = z.input<typeof RunConfigSchema>
/** What the service stores (defaults filled in). */
export type RunConfig = z.output<typeof RunConfigSchema>

// ---------------------------------------------------------------- runs

export const RunStatusSchema = z.enum(['queued', 'running', 'interrupted', 'cancelled', 'finished', 'failed'])
export type RunStatus = z.infer<typeof RunStatusSchema>

export const RunIdSchema = z.string().min(1).max(100)

export const EvaluationRowSchema = z.object({
  /** 0-based evaluation index within the run (order the strategy proposed it) */
  index: z.number().int().min(0),
  arch: z.string(),
  hash: z.string(),
  status: z.enum(['ok', 'failed']),
  /** proxy id → score (higher = better); NaN/±∞ as strings, null only in rows stored before that encoding (src/shared/score-value.ts); empty when failed */
  scores: z.record(z.string(), ScoreValueSchema),
  params: z.number().nullable(),
  flops: z.number().nullable(),
  seconds: z.number(),
  /** ground-truth accuracy (percent) of the run's configured metric, when a table was given */
  groundTruth: z.number().nullable(),
  error: ErrorDataSchema.nullable(),
  /** how many times it was scored (2 = retried after a worker crash) */
  attempts: z.number().int().min(1),
  /** 'warmup' = RL reward-normalisation sample: not counted in the budget N, never best (absent = 'search') */
  phase: z.enum(['warmup', 'search']).optional(),
  /** seconds per scoring stage: data, build, init, responses (the one pass shared by the response proxies), <standalone proxy id>; absent in rows stored before it was recorded */
  timings: z.record(z.string(), z.number()).optional(),
  /** the machine that scored it (runs on a Redis cluster; absent = this machine) */
  host: z.string().optional(),
})
export type EvaluationRow = z.infer<typeof EvaluationRowSchema>

export const VersionsSchema = z.object({
  app: z.string(),
  engine: z.string(),
  backend: z.string(),
  node: z.string(),
  electron: z.string().optional(),
  /** the WebGPU adapter the run scored on, one line (e.g. "nvidia ampere (…)", "google swiftshader (…, software)"); absent off webgpu */
  adapter: z.string().optional(),
})
export type Versions = z.infer<typeof VersionsSchema>

/**
 * Run timing: `startedAt` = first time scoring began (ISO), `finishedAt` = when the run last ended
 * (finished / failed / cancelled; null while running or interrupted), `activeSeconds` = seconds spent
 * scoring summed over every launch (resumes add, pauses and server downtime do not).
 */
export const RunTimingSchema = z.object({
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  activeSeconds: z.number().min(0),
})
export type RunTiming = z.infer<typeof RunTimingSchema>

/**
 * Per-run headline statistics: `bestAccuracy` = highest ground truth seen (percent, null without a table);
 * ρ/τ = Spearman/Kendall of the run's ranking (a single proxy's score, or for a vote the vote's own
 * ranking — `vote` true) against ground truth over `n` rows; NaN-free: null when not computable.
 */
export const RunStatsSchema = z.object({
  bestAccuracy: z.number().nullable(),
  n: z.number().int().min(0),
  rho: z.number().nullable(),
  tau: z.number().nullable(),
  vote: z.boolean(),
})
export type RunStats = z.infer<typeof RunStatsSchema>

export const RunSummarySchema = z.object({
  id: RunIdSchema,
  name: z.string(),
  status: RunStatusSchema,
  config: RunConfigSchema,
  createdAt: z.string(), // ISO 8601
  updatedAt: z.string(),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  failed: z.number().int().min(0),
  best: EvaluationRowSchema.nullable(),
  versions: VersionsSchema,
  notes: z.string(),
  error: ErrorDataSchema.nullable(),
  /** wall-clock facts of the run, independent of notes edits, pauses and server downtime (absent from older backends) */
  timing: RunTimingSchema.optional(),
  /** headline numbers for lists (History, Compare); absent while unknown */
  stats: RunStatsSchema.optional(),
})
export type RunSummary = z.infer<typeof RunSummarySchema>

export const LogEntrySchema = z.object({
  time: z.string(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
})
export type LogEntry = z.infer<typeof LogEntrySchema>

export const RunDetailSchema = RunSummarySchema.extend({
  /** most recent log lines (oldest first, at most 500) */
  logs: z.array(LogEntrySchema),
})
export type RunDetail = z.infer<typeof RunDetailSchema>

/**
 * Paging/sorting/filtering of a run's evaluations.
 * `sort.key`: 'index' | 'params' | 'flops' | 'seconds' | 'groundTruth' | 'score:<proxyId>'.
 */
export const EvaluationQuerySchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(10_000).default(100),
  sort: z
    .object({
      key: z.string().regex(/^(index|params|flops|seconds|groundTruth|score:[A-Za-z0-9_.-]+)$/),
      dir: z.enum(['asc', 'desc']).default('asc'),
    })
    .optional(),
  filter: z
    .object({
      status: z.enum(['ok', 'failed']).optional(),
      /** substring of the architecture string */
      text: z.string().max(500).optional(),
    })
    .optional(),
})
export type EvaluationQuery = z.input<typeof EvaluationQuerySchema>

export const EvaluationPageSchema = z.object({
  total: z.number().int().min(0),
  offset: z.number().int().min(0),
  rows: z.array(EvaluationRowSchema),
})
export type EvaluationPage = z.infer<typeof EvaluationPageSchema>

export const ExportOptionsSchema = z.object({
  /** 'folder' = manifest.json, evaluations.jsonl, evaluations.csv, best.json, zc_scores.json */
  format: z.enum(['folder']).default('folder'),
  /** target folder; default `<dataDir>/exports/<runId>-<timestamp>` */
  dir: z.string().min(1).optional(),
})
export type ExportOptions = z.input<typeof ExportOptionsSchema>

export const ExportResultSchema = z.object({ dir: z.string(), files: z.array(z.string()) })
export type ExportResult = z.infer<typeof ExportResultSchema>

// ---------------------------------------------------------------- catalog

export const CatalogOptionSchema = z.object({
  key: z.string(),
  label: z.string(),
  description: z.string(),
  type: z.enum(['int', 'number', 'boolean', 'string', 'enum']),
  /** the paper's default */
  default: z.unknown(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** the value must be a multiple of this (e.g. 32 for MobileNetV2 resolutions) */
  multipleOf: z.number().positive().optional(),
  choices: z.array(z.object({ value: z.union([z.string(), z.number()]), label: z.string() })).optional(),
  /** forms show and take the value in this unit (value = typed × factor), e.g. FLOPs in M */
  displayUnit: z.object({ label: z.string(), factor: z.number().positive() }).optional(),
})
export type CatalogOption = z.infer<typeof CatalogOptionSchema>

export const CatalogEntrySchema = z.object({
  id: z.string(),
  label: z.string(),
  /** one line */
  description: z.string(),
  /** paper's Spearman ρ where known, keyed by benchmark/dataset (e.g. { 'nb201-cifar10': 0.811 }) */
  paperRho: z.record(z.string(), z.number()).optional(),
  options: z.array(CatalogOptionSchema),
  /** free-form extra facts (space size, voting members, needs a path …) */
  meta: z.record(z.string(), z.unknown()).optional(),
  /** spaces: the paper's protocol where the space declares one (SpaceDef.protocol), the wizard's defaults for it */
  protocol: SpaceProtocolSchema.optional(),
})
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>

// ---------------------------------------------------------------- files, datasets, tables, system

/** Electron: omit `path` to open the native dialog. Browser mode: `path` (typed by the user) is required. */
export const PickRequestSchema = z.object({ path: z.string().min(1).optional() })
export type PickRequest = z.input<typeof PickRequestSchema>

export const PickedDatasetSchema = z.object({
  path: z.string(),
  /** detected dataset spec, null when the format was not recognised */
  spec: DatasetSpecSchema.nullable(),
  description: z.string(),
})
export type PickedDataset = z.infer<typeof PickedDatasetSchema>

export const TableRequestSchema = z.object({ path: z.string().min(1), space: z.string().optional() })
export type TableRequest = z.input<typeof TableRequestSchema>

export const TableInfoSchema = z.object({
  path: z.string(),
  space: z.string(),
  metrics: z.array(z.string()),
  size: z.number().int().min(0),
  sha256: z.string(),
  /** a few rows: hash → metric → accuracy */
  sample: z.array(z.object({ hash: z.string(), values: z.record(z.string(), z.number()) })),
})
export type TableInfo = z.infer<typeof TableInfoSchema>

export const PickedTableSchema = z.object({ path: z.string(), info: TableInfoSchema.nullable(), description: z.string() })
export type PickedTable = z.infer<typeof PickedTableSchema>

export const PreviewRequestSchema = z.object({ count: z.number().int().min(0).max(32).default(8) })

export const DatasetPreviewSchema = z.object({
  kind: z.string(),
  label: z.string(),
  count: z.number(), // may be Infinity-like for noise: sent as -1
  numClasses: z.number().int(),
  imageSize: z.number().int(),
  /** de-normalised thumbnails, RGB uint8 row-major, base64 */
  samples: z.array(z.object({ label: z.number().int(), width: z.number().int(), height: z.number().int(), rgbBase64: z.string() })),
})
export type DatasetPreview = z.infer<typeof DatasetPreviewSchema>

export const SystemInfoSchema = z.object({
  mode: z.enum(['electron', 'browser']),
  /** true when files.pick* can open a native dialog (Electron); false = the user types a path */
  canPickFiles: z.boolean(),
  versions: VersionsSchema,
  cores: z.number().int().min(1),
  defaultWorkers: z.number().int().min(1),
  platform: z.string(),
  dataDir: z.string(),
})
export type SystemInfo = z.infer<typeof SystemInfoSchema>

// ---------------------------------------------------------------- compute (Redis cluster, src/backend/cluster/)

/** Where runs are scored: this machine's process pool, or a Redis cluster of `zsnas worker`s. */
export const ComputeSettingSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('local') }),
  z.object({
    mode: z.literal('redis'),
    /** redis://[user:password@]host[:port][/db] or rediss://… (TLS) */
    url: z.string().min(1).max(2000),
    /** skip TLS certificate verification (self-signed lab setups) */
    tlsInsecure: z.boolean().optional(),
  }),
])
export type ComputeSetting = z.infer<typeof ComputeSettingSchema>

/** The current setting as the app shows it (the password masked). */
export const ComputeInfoSchema = z.object({
  mode: z.enum(['local', 'redis']),
  url: z.string().nullable(),
  tlsInsecure: z.boolean(),
})
export type ComputeInfo = z.infer<typeof ComputeInfoSchema>

/** One connected `zsnas worker` (its heartbeat entry, refreshed every 2 s, gone 6 s after it dies). */
export const ClusterWorkerSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  protocol: z.number().int(),
  concurrency: z.number().int(),
  /** jobs running now */
  busy: z.number().int(),
  /** jobs finished since start */
  done: z.number().int(),
  /** tfjs backend of its scoring processes ('' until its first job reports it) */
  backend: z.string(),
  adapter: z.string().optional(),
  dataRoot: z.string().nullable(),
  startedAt: z.number(),
  seenAt: z.number(),
})
export type ClusterWorker = z.infer<typeof ClusterWorkerSchema>

// ---------------------------------------------------------------- compute backends (#17: which tfjs backend scores, why not the others)

/** A WebGPU adapter as the engine / Chromium reports it. */
export const GpuAdapterSchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  /** a CPU rasteriser (SwiftShader, lavapipe, WARP) or a fallback adapter */
  isSoftware: z.boolean(),
})
export type GpuAdapter = z.infer<typeof GpuAdapterSchema>

/** One tfjs backend on this machine: usable or not, and if not why and the fix (same facts as `zsnas backends`). */
export const BackendRowSchema = z.object({
  backend: z.string(),
  available: z.boolean(),
  /** new local runs score on this one */
  inUse: z.boolean(),
  /** why it is not in use (not available, or available but not chosen) */
  reason: z.string().optional(),
  /** what would make it usable */
  hint: z.string().optional(),
  adapter: GpuAdapterSchema.optional(),
})
export type BackendRow = z.infer<typeof BackendRowSchema>

/** `compute.backends`: what scores new local runs (backend, adapter, worker kind) and every backend's row. */
export const BackendsInfoSchema = z.object({
  inUse: z.object({
    backend: z.string(),
    adapter: GpuAdapterSchema.optional(),
    /** how the scoring workers run: Electron GPU windows, Electron utility processes, Node child processes */
    workers: z.enum(['gpu-window', 'utility-process', 'process']),
  }),
  backends: z.array(BackendRowSchema),
  /** ISO time of the probe */
  probedAt: z.string(),
  /** the desktop app's choice (⚙ Compute, `compute.setBackend`); absent where it cannot be changed (browser mode: ZSNAS_BACKEND) */
  preference: z.enum(['auto', 'webgpu', 'wasm']).optional(),
})
export type BackendsInfo = z.infer<typeof BackendsInfoSchema>

/** `compute.setBackend`: 'auto' = GPU windows on a hardware adapter, else wasm; 'webgpu' even on a software adapter; 'wasm' always the CPU */
export const BackendPreferenceSchema = z.enum(['auto', 'webgpu', 'wasm'])
export type BackendPreference = z.infer<typeof BackendPreferenceSchema>
