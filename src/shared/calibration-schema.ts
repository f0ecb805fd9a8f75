/**
 * The contract's calibration: ONE scoring of a run's first architecture
 * (the architecture and seed its evaluation 0 would get) through the same
 * worker processes as a run, before the run starts, so the wizard can show
 * the measured seconds per architecture and the projected wall time
 * (src/shared/projection.ts). Methods `calibration.start | get | cancel`
 * (contract.ts); the client polls `get` for progress. zod only.
 */
import { z } from 'zod'
import { ErrorDataSchema } from './schemas'

export const CalibrationIdSchema = z.string().min(1).max(100)

export const CalibrationStateSchema = z.enum(['running', 'done', 'failed', 'cancelled'])

export const CalibrationSchema = z.object({
  id: CalibrationIdSchema,
  state: CalibrationStateSchema,
  space: z.string(),
  /** the architecture scored (the run's evaluation 0) and the batch it was scored at */
  arch: z.string(),
  batchSize: z.number().int().min(1),
  /** proxies scored (the run's members) */
  proxies: z.array(z.string()),
  /** ISO start time; seconds since the start (until it ended) */
  startedAt: z.string(),
  elapsedSeconds: z.number().min(0),
  /** a rough expectation of the scoring's seconds (the space protocol's stored measurement scaled to the batch), null when unknown: the progress bar's ETA */
  expectedSeconds: z.number().min(0).nullable(),
  /** wall seconds of the scoring inside the worker (state 'done'); the first scoring of a fresh worker includes one-time set-up, so it is an upper bound */
  secondsPerArch: z.number().min(0).nullable(),
  /** wall seconds from the request to the result, process start included */
  totalSeconds: z.number().min(0).nullable(),
  /** peak resident memory of the (fresh) worker process in GiB (Linux: VmHWM), null where unknown — the workstation projection's memory bound */
  peakRssGB: z.number().positive().nullable(),
  /** tfjs backend that scored it */
  backend: z.string().nullable(),
  error: ErrorDataSchema.nullable(),
  /** this machine: cores and memory (for the projection's process count) */
  machine: z.object({ cores: z.number().int().min(1), memoryGB: z.number().positive() }),
})
export type Calibration = z.infer<typeof CalibrationSchema>
