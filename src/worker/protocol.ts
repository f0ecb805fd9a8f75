/**
 * Messages between the job supervisor and a scoring worker process
 * (Electron utilityProcess or child_process.fork). Both sides validate what
 * they receive with these schemas.
 *
 * The job IS the engine's scoring request (`ScoreRequestSchema`, exported by
 * src/engine/score/request-schema.ts): no second field list to keep in step.
 * Non-finite scores cross this wire encoded (src/shared/score-value.ts) and
 * are encoded/decoded only here: `toWireOutcome` when the worker posts,
 * `fromWireOutcome` when the pool receives; both ends hold plain numbers.
 */
import { z } from 'zod'
import { ScoreRequestSchema } from '../engine/score/request-schema'
import type { ScoreRequest } from '../engine/score/score'
import { ErrorDataSchema } from '../shared/schemas'
import { decodeScores, encodeScores, WireScoreSchema } from '../shared/score-value'

/** What one evaluation needs: exactly the engine's `ScoreRequest`. */
export const ScoreJobSchema = ScoreRequestSchema
export type ScoreJob = ScoreRequest

/** One evaluation's outcome at either end of the wire (NaN and ±∞ kept as numbers). */
export interface ScoreOutcome {
  arch: string
  hash: string
  /** proxy id → score; NaN = no score, −∞ = degenerate network (they stay distinct) */
  scores: Record<string, number>
  /** null when not a finite number */
  params: number | null
  flops: number | null
  seconds: number
  backend: string
  /** seconds per scoring stage (engine ScoreResult.timings: data, build, init, responses = the shared pass of the response proxies, <standalone proxy id>) */
  timings?: Record<string, number>
  /** the machine that scored it (set by the cluster scorer, src/backend/cluster/) */
  host?: string
  /** GPU adapter when the engine reports one */
  adapter?: string
}

export const WireOutcomeSchema = z.object({
  arch: z.string(),
  hash: z.string(),
  scores: z.record(z.string(), WireScoreSchema),
  params: z.number().nullable(),
  flops: z.number().nullable(),
  seconds: z.number(),
  backend: z.string(),
  /** the GPU adapter (webgpu), one line */
  adapter: z.string().optional(),
  timings: z.record(z.string(), z.number()).optional(),
})
export type WireOutcome = z.infer<typeof WireOutcomeSchema>

export function toWireOutcome(o: ScoreOutcome): WireOutcome {
  return { ...o, scores: encodeScores(o.scores) }
}

export function fromWireOutcome(w: WireOutcome): ScoreOutcome {
  return { ...w, scores: decodeScores(w.scores) }
}

export const ToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('score'), jobId: z.number().int(), job: ScoreJobSchema }),
  z.object({ type: z.literal('shutdown') }),
])
export type ToWorker = z.infer<typeof ToWorkerSchema>

export const FromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({ type: z.literal('result'), jobId: z.number().int(), outcome: WireOutcomeSchema }),
  z.object({ type: z.literal('error'), jobId: z.number().int(), error: ErrorDataSchema }),
])
export type FromWorker = z.infer<typeof FromWorkerSchema>
