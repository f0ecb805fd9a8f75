/**
 * THE contract between the renderer and the app's backend (Electron main or
 * the browser-mode server). One typed service interface + one event map, each
 * entry a zod schema:
 *
 *  - `METHODS[name].args`   — tuple schema of the call's arguments,
 *  - `METHODS[name].result` — schema of the successful result,
 *  - `EVENTS[name]`         — schema of a pushed event's payload.
 *
 * Guarantees:
 *  - every payload is validated at run time on the RECEIVING side (the
 *    dispatcher validates args; the client validates results and events);
 *  - errors cross as plain typed data: a call resolves to the envelope
 *    `{ ok: true, value } | { ok: false, error: { code, message, details? } }`;
 *  - changes are additive only (new optional fields, new methods/events).
 *
 * Channel names live in `methods.ts` (zod-free, so the sandboxed preload can
 * import it); nothing else spells them.
 */
import { z } from 'zod'
import { EVENT_NAMES, METHOD_NAMES, type EventName, type MethodName } from './methods'
import {
  CatalogEntrySchema,
  ClusterWorkerSchema,
  BackendsInfoSchema,
  BackendPreferenceSchema,
  ComputeInfoSchema,
  ComputeSettingSchema,
  DatasetPreviewSchema,
  DatasetSpecSchema,
  ErrorDataSchema,
  EvaluationPageSchema,
  EvaluationQuerySchema,
  EvaluationRowSchema,
  ExportOptionsSchema,
  ExportResultSchema,
  LogEntrySchema,
  PickedDatasetSchema,
  PickedTableSchema,
  PickRequestSchema,
  PreviewRequestSchema,
  RunConfigSchema,
  RunDetailSchema,
  RunIdSchema,
  RunSummarySchema,
  SystemInfoSchema,
  TableInfoSchema,
  TableRequestSchema,
} from './schemas'
import { ExporterEntrySchema, ExportersQuerySchema, ModelExportRequestSchema } from './model-export'
import { CalibrationIdSchema, CalibrationSchema } from './calibration-schema'

export * from './schemas'
export * from './model-export'
export * from './calibration-schema'
export * from './protocol-schema'
export * from './methods'

const def = <A extends z.ZodTuple, R extends z.ZodType>(args: A, result: R) => ({ args, result })

/** Method name → { args tuple schema, result schema }. */
export const METHODS = {
  /** Start a new run (validated config) → its summary, status 'running'. */
  'runs.start': def(z.tuple([RunConfigSchema]), RunSummarySchema),
  /** Cancel a running run; honoured within one architecture. → summary with status 'cancelled'. */
  'runs.cancel': def(z.tuple([RunIdSchema]), RunSummarySchema),
  /** Continue an 'interrupted' or 'cancelled' run from its last checkpoint. CONFLICT if it is running/finished. */
  'runs.resume': def(z.tuple([RunIdSchema]), RunSummarySchema),
  /** All runs, newest first. */
  'runs.list': def(z.tuple([]), z.array(RunSummarySchema)),
  'runs.get': def(z.tuple([RunIdSchema]), RunDetailSchema),
  'runs.evaluations': def(z.tuple([RunIdSchema, EvaluationQuerySchema.optional()]), EvaluationPageSchema),
  'runs.export': def(z.tuple([RunIdSchema, ExportOptionsSchema.optional()]), ExportResultSchema),
  /** Delete a run and its evaluations. CONFLICT while it is running. */
  'runs.delete': def(z.tuple([RunIdSchema]), z.object({ deleted: z.literal(true) })),
  'runs.setNotes': def(z.tuple([RunIdSchema, z.string().max(100_000)]), RunSummarySchema),
  'catalog.spaces': def(z.tuple([]), z.array(CatalogEntrySchema)),
  'catalog.proxies': def(z.tuple([]), z.array(CatalogEntrySchema)),
  'catalog.strategies': def(z.tuple([]), z.array(CatalogEntrySchema)),
  'catalog.datasets': def(z.tuple([]), z.array(CatalogEntrySchema)),
  /** null = the user cancelled the dialog */
  'files.pickDataset': def(z.tuple([PickRequestSchema.optional()]), PickedDatasetSchema.nullable()),
  'files.pickTable': def(z.tuple([PickRequestSchema.optional()]), PickedTableSchema.nullable()),
  'datasets.preview': def(z.tuple([DatasetSpecSchema, PreviewRequestSchema.optional()]), DatasetPreviewSchema),
  'tables.validate': def(z.tuple([TableRequestSchema]), TableInfoSchema),
  'system.info': def(z.tuple([]), SystemInfoSchema),
  /** Model/structure exporters of the engine registry (optionally only those for a space). */
  'models.exporters': def(z.tuple([ExportersQuerySchema.optional()]), z.array(ExporterEntrySchema)),
  /** Write an architecture as model files (PyTorch, ONNX) / structure files. CONFLICT if the folder is not empty. */
  'models.export': def(z.tuple([ModelExportRequestSchema]), ExportResultSchema),
  /** Where new runs are scored (this machine | a Redis cluster). */
  'compute.get': def(z.tuple([]), ComputeInfoSchema),
  /** Changes it for runs started or resumed from now on; INVALID_OPTION for a bad URL. */
  'compute.set': def(z.tuple([ComputeSettingSchema]), ComputeInfoSchema),
  /** The connected cluster workers (empty on this machine); BACKEND_UNAVAILABLE when Redis does not answer. */
  'compute.workers': def(z.tuple([]), z.array(ClusterWorkerSchema)),
  /** Score the run's evaluation 0 once in a worker (src/backend/calibration.ts) → state 'running'; poll `calibration.get`. Cancels a running one. */
  'calibration.start': def(z.tuple([RunConfigSchema]), CalibrationSchema),
  'calibration.get': def(z.tuple([CalibrationIdSchema]), CalibrationSchema),
  /** Kills its worker; a finished calibration is returned unchanged. */
  'calibration.cancel': def(z.tuple([CalibrationIdSchema]), CalibrationSchema),
  /** Which tfjs backend (and GPU adapter) scores new local runs, and for every other backend why not and the fix. */
  'compute.backends': def(z.tuple([]), BackendsInfoSchema),
  /** Desktop app: which workers score runs started or resumed from now on (auto | webgpu | wasm); UNSUPPORTED in browser mode (ZSNAS_BACKEND). */
  'compute.setBackend': def(z.tuple([BackendPreferenceSchema]), BackendsInfoSchema),
} satisfies Record<MethodName, { args: z.ZodTuple; result: z.ZodType }>

// compile-time check: METHODS has exactly the names of METHOD_NAMES
type _MethodsExact = [keyof typeof METHODS] extends [MethodName] ? ([MethodName] extends [keyof typeof METHODS] ? true : never) : never
const _methodsExact: _MethodsExact = true
void _methodsExact

const runEvent = <S extends z.ZodRawShape>(shape: S) => z.object({ runId: RunIdSchema, ...shape })

/** Event name → payload schema. Every payload carries `runId`. */
export const EVENTS = {
  /** throttled to ≤ 10 per second per run; `rate` = evaluations/s, `elapsed`/`eta` in seconds (eta null when unknown) */
  'run.progress': runEvent({
    done: z.number().int().min(0),
    failed: z.number().int().min(0),
    total: z.number().int().min(0),
    rate: z.number().min(0),
    elapsed: z.number().min(0),
    eta: z.number().min(0).nullable(),
  }),
  /** new rows only (each row is sent once), batched */
  'run.evaluated': runEvent({ rows: z.array(EvaluationRowSchema) }),
  /** the strategy's best-so-far changed */
  'run.best': runEvent({ row: EvaluationRowSchema }),
  'run.log': runEvent({ entry: LogEntrySchema }),
  /** terminal success or cancellation (summary.status is 'finished' or 'cancelled') */
  'run.finished': runEvent({ summary: RunSummarySchema }),
  'run.failed': runEvent({ error: ErrorDataSchema, summary: RunSummarySchema.optional() }),
} satisfies Record<EventName, z.ZodType>

type _EventsExact = [keyof typeof EVENTS] extends [EventName] ? ([EventName] extends [keyof typeof EVENTS] ? true : never) : never
const _eventsExact: _EventsExact = true
void _eventsExact

// ---------------------------------------------------------------- derived types

export type MethodArgs<M extends MethodName> = z.input<(typeof METHODS)[M]['args']>
export type MethodParsedArgs<M extends MethodName> = z.output<(typeof METHODS)[M]['args']>
export type MethodResult<M extends MethodName> = z.output<(typeof METHODS)[M]['result']>
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>

/** Result envelope every call resolves to on the wire. */
export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: z.infer<typeof ErrorDataSchema> }

export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorDataSchema }),
])

/**
 * Backend-side implementation of the contract: one function per method taking
 * the PARSED (validated, defaults filled) arguments. `ctx` says who calls.
 */
export type ServiceHandlers = {
  [M in MethodName]: (...args: [...MethodParsedArgs<M>, CallContext]) => Promise<MethodResult<M>> | MethodResult<M>
}

export interface CallContext {
  transport: 'ipc' | 'ws' | 'direct'
}

// ---------------------------------------------------------------- WebSocket wire format

/** client → server */
export const WsRequestSchema = z.object({
  type: z.literal('req'),
  id: z.number().int().min(0),
  method: z.string(),
  args: z.array(z.unknown()),
})
export type WsRequest = z.infer<typeof WsRequestSchema>

/** server → client */
export const WsServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('res'), id: z.number().int(), result: EnvelopeSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
])
export type WsServerMessage = z.infer<typeof WsServerMessageSchema>

/** payload of the Electron IPC event channel */
export const IpcEventMessageSchema = z.object({ event: z.string(), payload: z.unknown() })

export { EVENT_NAMES, METHOD_NAMES }
