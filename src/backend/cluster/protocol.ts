/**
 * The cluster wire: what the `ClusterScorer` puts on the BullMQ queue and
 * what a `zsnas worker` returns. Both sides validate with these schemas.
 *
 * Guarantees:
 *  - `PROTOCOL_VERSION` travels in every job and every result; a worker
 *    refuses (fails unrecoverably) a job of another version, and the scorer
 *    ignores a result of another version — two releases never mix silently;
 *  - the request is exactly the engine's `ScoreRequest` (ScoreRequestSchema),
 *    its dataset named by content hash (`DatasetRef`, dataset-ref.ts);
 *  - scores cross as the worker wire does (`WireOutcomeSchema`: NaN/±∞ encoded).
 */
import { z } from 'zod'
import { ScoreRequestSchema } from '../../engine/score/request-schema'
import { ErrorDataSchema } from '../../shared/schemas'
import { WireOutcomeSchema } from '../../worker/protocol'

/** Bumped whenever a job or result field changes meaning. */
export const PROTOCOL_VERSION = 1

/** The BullMQ queue every worker listens on, and the key prefix of everything the cluster writes. */
export const QUEUE_NAME = 'score'
export const KEY_PREFIX = 'zsnas'

export const DatasetRefSchema = z.object({
  /** sha256 (hex) of the dataset's path content (file, or folder as `sha256Path`); of the spec for generated data */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** sha256 of a u8 dataset's labels CSV */
  labelsSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
})
export type DatasetRef = z.infer<typeof DatasetRefSchema>

export const ClusterJobSchema = z.object({
  protocol: z.number().int(),
  /** the run's key (part of the job id) */
  run: z.string().min(1),
  /** evaluation index in the run (results are keyed by it) */
  index: z.number().int().min(0),
  request: ScoreRequestSchema,
  dataset: DatasetRefSchema,
})
export type ClusterJob = z.infer<typeof ClusterJobSchema>

/** Who scored a job. */
export const ScoredBySchema = z.object({
  host: z.string(),
  pid: z.number().int(),
  worker: z.string(),
  /** tfjs backend of the scoring process; adapter when the engine reports one (WebGPU) */
  backend: z.string(),
  adapter: z.string().optional(),
})
export type ScoredBy = z.infer<typeof ScoredBySchema>

/**
 * A job's return value. A scoring error (bad arch, numeric…) is a result
 * with `ok: false` — not retried, as in the local pool; only a worker that
 * dies (stalled job) or refuses (dataset, protocol) makes BullMQ retry/fail.
 */
const attempt = z.number().int().min(1).optional() // BullMQ attemptsStarted when the job was scored (2 = after a stall)
export const ClusterResultSchema = z.discriminatedUnion('ok', [
  z.object({ protocol: z.number().int(), index: z.number().int(), ok: z.literal(true), outcome: WireOutcomeSchema, by: ScoredBySchema, attempt }),
  z.object({ protocol: z.number().int(), index: z.number().int(), ok: z.literal(false), error: ErrorDataSchema, by: ScoredBySchema, attempt }),
])
export type ClusterResult = z.infer<typeof ClusterResultSchema>
