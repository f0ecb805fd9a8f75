/**
 * Messages between the job supervisor and a scoring worker process
 * (Electron utilityProcess or child_process.fork). Both sides validate what
 * they receive with these schemas.
 */
import { z } from 'zod'
import { DatasetSpecSchema, ErrorDataSchema, InitSchemeSchema } from '../shared/schemas'
import { WireScoreSchema } from '../shared/score-value'

/** What one evaluation needs; mirrors the engine's `ScoreRequest` (src/engine/score/score.ts). */
export const ScoreJobSchema = z.object({
  space: z.string(),
  arch: z.string(),
  proxies: z.array(z.string()).min(1),
  dataset: DatasetSpecSchema,
  batchSize: z.number().int().min(1),
  seed: z.number().int().min(0).max(0xffffffff),
  init: InitSchemeSchema,
  proxyOptions: z.record(z.string(), z.unknown()).optional(),
})
export type ScoreJob = z.infer<typeof ScoreJobSchema>

export const ScoreOutcomeSchema = z.object({
  arch: z.string(),
  hash: z.string(),
  /** non-finite scores as the strings 'NaN' / 'Infinity' / '-Infinity' (src/shared/score-value.ts) */
  scores: z.record(z.string(), WireScoreSchema),
  params: z.number().nullable(),
  flops: z.number().nullable(),
  seconds: z.number(),
  backend: z.string(),
})
export type ScoreOutcome = z.infer<typeof ScoreOutcomeSchema>

export const ToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('score'), jobId: z.number().int(), job: ScoreJobSchema }),
  z.object({ type: z.literal('shutdown') }),
])
export type ToWorker = z.infer<typeof ToWorkerSchema>

export const FromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({ type: z.literal('result'), jobId: z.number().int(), outcome: ScoreOutcomeSchema }),
  z.object({ type: z.literal('error'), jobId: z.number().int(), error: ErrorDataSchema }),
])
export type FromWorker = z.infer<typeof FromWorkerSchema>
