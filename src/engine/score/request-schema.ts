/**
 * The scoring request as ONE zod schema, exported by the engine so every
 * transport derives from it: the worker protocol (src/worker/protocol.ts)
 * sends exactly a `ScoreRequest`, and the app's run config reuses its dataset
 * and init schemas. A field added to `ScoreRequest` must be added here (the
 * compile-time checks in request-schema-check.ts fail otherwise), so no
 * transport can drop one (as `mode` once was).
 *
 * Numeric bounds are read from their one declaration (the batch size from
 * `BATCH_SIZE_OPTION`, the noise dataset's from `NOISE_OPTIONS`); this file
 * imports only zod and those pure declaration files, so the renderer may use
 * it without pulling in the engine's Node code. `scoreArchitecture` checks
 * the same bounds again with typed errors.
 */
import { z } from 'zod'
import { NOISE_CLASSES_OPTION, NOISE_IMAGE_SIZE_OPTION } from '../data/noise'
import { BATCH_SIZE_MAX, BATCH_SIZE_MIN } from './request-spec'

/** An integer schema with the bounds an `OptionSpec` declares (one declaration, no retyped numbers). */
function declaredInt(spec: { min?: number; max?: number }) {
  let s = z.number().int()
  if (spec.min !== undefined) s = s.min(spec.min)
  if (spec.max !== undefined) s = s.max(spec.max)
  return s
}

/** Mirror of `DatasetSpec` (src/engine/core/data.ts); checked both ways in request-schema-check.ts. */
export const DatasetSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('noise'),
    imageSize: declaredInt(NOISE_IMAGE_SIZE_OPTION),
    numClasses: declaredInt(NOISE_CLASSES_OPTION),
    channels: z.literal(3).optional(),
  }),
  z.object({ kind: z.literal('cifar10'), path: z.string().min(1) }),
  z.object({ kind: z.literal('cifar100'), path: z.string().min(1) }),
  z.object({ kind: z.literal('imagenet16'), path: z.string().min(1), classes: z.number().int().min(1).optional() }),
  z.object({ kind: z.literal('folder'), path: z.string().min(1), imageSize: z.number().int().min(1).max(1024) }),
  z.object({
    kind: z.literal('u8'),
    path: z.string().min(1),
    imageSize: z.number().int().min(1).max(1024),
    labelsCsv: z.string().optional(),
    normalization: z.enum(['imagenet', 'imagenet16']).optional(),
  }),
])

export const InitSchemeSchema = z.enum(['pytorch', 'kaimingNormal', 'xavierNormal', 'normal', 'nb101'])

/** Proxy behaviour: 'paper' (default) or 'reference' (the reference code's quirks), see proxies/types.ts. */
export const ProxyModeSchema = z.enum(['paper', 'reference'])

export const ScoreRequestSchema = z.object({
  space: z.string().min(1),
  arch: z.string().min(1),
  proxies: z.array(z.string().min(1)).min(1),
  dataset: DatasetSpecSchema,
  batchSize: z.number().int().min(BATCH_SIZE_MIN).max(BATCH_SIZE_MAX),
  seed: z.number().int().min(0).max(0xffffffff),
  init: InitSchemeSchema,
  mode: ProxyModeSchema.optional(),
  proxyOptions: z.record(z.string(), z.unknown()).optional(),
  /** response-pass checkpointing (nn/checkpoint-policy.ts); omitted = auto */
  checkpoint: z.enum(['auto', 'on', 'off']).optional(),
})
