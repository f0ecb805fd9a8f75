/**
 * The wire form of a space's paper protocol (`SpaceProtocol`,
 * src/engine/core/space.ts), carried by the space's catalog entry so the
 * wizard reads the protocol instead of copying its numbers. zod only.
 */
import { z } from 'zod'

export const SpaceProtocolSchema = z.object({
  source: z.string(),
  batchSize: z.number().int().min(1),
  proxy: z.string().min(1),
  strategy: z.string().min(1),
  strategyOptions: z.record(z.string(), z.unknown()),
  budget: z.number().int().min(1),
  measured: z.object({ secondsPerArch: z.number().positive(), batchSize: z.number().int().min(1), where: z.string(), peakRssGB: z.number().positive().optional() }).optional(),
})
